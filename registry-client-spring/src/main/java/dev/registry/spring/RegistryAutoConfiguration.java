package dev.registry.spring;

import dev.registry.client.EventListener;
import dev.registry.client.RegistryClient;
import dev.registry.client.ServiceInstance;
import dev.registry.spring.InvalidRegistryPropertiesException.Problem;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.UUID;
import java.util.function.IntFunction;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.cloud.client.ConditionalOnBlockingDiscoveryEnabled;
import org.springframework.cloud.client.ConditionalOnDiscoveryEnabled;
import org.springframework.cloud.client.ConditionalOnReactiveDiscoveryEnabled;
import org.springframework.cloud.client.CommonsClientAutoConfiguration;
import org.springframework.cloud.client.ReactiveCommonsClientAutoConfiguration;
import org.springframework.cloud.client.discovery.simple.SimpleDiscoveryClientAutoConfiguration;
import org.springframework.cloud.client.discovery.simple.reactive.SimpleReactiveDiscoveryClientAutoConfiguration;
import org.springframework.cloud.client.serviceregistry.AutoServiceRegistrationAutoConfiguration;
import org.springframework.cloud.client.serviceregistry.ServiceRegistryAutoConfiguration;
import org.springframework.cloud.commons.util.InetUtils;
import org.springframework.cloud.commons.util.UtilAutoConfiguration;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Configures the registry client over the {@code registry.*} properties
 * ({@link RegistryProperties}): the core {@link RegistryClient}, Spring Cloud's
 * {@code DiscoveryClient} (and {@code ReactiveDiscoveryClient} with Reactor) over it, and, for
 * an application annotated with {@link EnableServiceRegistration}, its own registration
 * ({@link RegistryRegistration}, {@link RegistryServiceRegistry},
 * {@link RegistryAutoRegistration}). With Spring Boot's health support a {@code registry}
 * health indicator; the client's meters and Observations are
 * {@link RegistryObservabilityAutoConfiguration}'s.
 *
 * <p>Off with {@code registry.enabled=false}. Each bean backs off when the application defines
 * its own of the same type.
 */
@AutoConfiguration(
    after = UtilAutoConfiguration.class,
    before = {
        SimpleDiscoveryClientAutoConfiguration.class,
        SimpleReactiveDiscoveryClientAutoConfiguration.class,
        CommonsClientAutoConfiguration.class,
        ReactiveCommonsClientAutoConfiguration.class,
        ServiceRegistryAutoConfiguration.class,
        AutoServiceRegistrationAutoConfiguration.class})
@ConditionalOnProperty(name = "registry.enabled", matchIfMissing = true)
@EnableConfigurationProperties(RegistryProperties.class)
public final class RegistryAutoConfiguration {
  private static final Logger log = LoggerFactory.getLogger(RegistryAutoConfiguration.class);

  /** Created by Spring. */
  RegistryAutoConfiguration() {}

  /**
   * The reachability tracker, fed by the client's events.
   *
   * @return the tracker
   */
  @Bean
  @ConditionalOnMissingBean
  RegistryReachability registryReachability() {
    return new RegistryReachability();
  }

  /**
   * The core client. Spring closes it (deregistering what it registered) when the context
   * closes; its own JVM shutdown hook is off, since Spring's does the job in order.
   *
   * @param properties the properties (checked when they were bound)
   * @param eventListeners every {@link EventListener} bean (the reachability tracker among
   *     them), told each event
   * @param customizers the builder's customizers, applied after the properties
   * @return the client
   */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  RegistryClient registryClient(RegistryProperties properties,
      ObjectProvider<EventListener> eventListeners,
      ObjectProvider<RegistryClientBuilderCustomizer> customizers) {
    RegistryClient.Builder builder = builder(properties, stage(properties))
        .leaseTtl(properties.getLeaseTtl())
        .deregisterTimeout(properties.getDeregisterTimeout())
        .ejection(properties.getEjectAfter(), properties.getEjectionTime())
        .allowLinkLocalAddresses(properties.isAllowLinkLocalAddresses())
        .shutdownHook(false);
    RegistryLoadBalancing.configure(properties, builder);
    if (properties.getHeartbeatInterval() != null) {
      builder.heartbeatInterval(properties.getHeartbeatInterval());
    }
    customizers.orderedStream().forEach(c -> c.customize(builder));
    builder.eventListener(new CompositeEventListener(eventListeners.orderedStream().toList()));
    RegistryClient client = builder.build();
    // The first thing to check when nothing is found: which registry, which stage.
    log.info("Registry client for {} in stage '{}'{}", properties.registryUrls(), client.stage(),
        properties.getUrls() == null && properties.getUrl() == null
            ? " (the default URL: registry.urls is not set)" : "");
    return client;
  }

  /**
   * A builder with what every client of the adapter takes from the properties: the registry
   * (URLs, token, trusted certificates, request timeout) and the reader's stage, region and
   * client. The application's client adds its leases and ejection; the configuration import's
   * one-off client ({@link RegistryConfigDataLoader}) nothing.
   *
   * @throws IllegalArgumentException naming the property, when one is bad (the configuration
   *     import builds one before the properties are checked)
   */
  static RegistryClient.Builder builder(RegistryProperties properties, String stage) {
    RegistryClient.Builder builder = RegistryClient.builder()
        .registryUris(properties.registryUrls())
        .stage(stage)
        .requestTimeout(properties.getRequestTimeout());
    String token = properties.getToken();
    if (token != null && !token.isEmpty()) {  // empty: registry.token=${REGISTRY_TOKEN:} unset
      builder.token(token);
    }
    if (properties.getTrustedCertificates() != null) {
      try {
        builder.trustedCertificates(properties.getTrustedCertificates());
      } catch (IllegalArgumentException e) {
        // The core names the file; this names the property too.
        throw new IllegalArgumentException("registry.trusted-certificates: " + e.getMessage(), e);
      }
    }
    if (properties.getRegion() != null) {
      builder.region(properties.getRegion());
    }
    if (properties.getClient() != null) {
      builder.client(properties.getClient());
    }
    return builder;
  }

  /**
   * The stage: registry.stage, else "default". Profiles do not move it (a stage is a fact of
   * the deployment that callers and callees share; see docs/architecture.md).
   */
  static String stage(RegistryProperties properties) {
    return properties.getStage() != null ? properties.getStage() : "default";
  }

  /**
   * Tells Spring Cloud that discovery works once the application is ready, when it does not
   * register (a registration publishes the event itself).
   *
   * @param autoRegistration the registration, when the application registers
   * @return the listener
   */
  @Bean
  RegistryDiscoveryReady registryDiscoveryReady(
      ObjectProvider<RegistryAutoRegistration> autoRegistration) {
    return new RegistryDiscoveryReady(autoRegistration);
  }

  /**
   * Ends the calls of {@code @LoadBalanced} clients with their outcomes, for the client's
   * least-loaded picks and its ejection.
   *
   * @param client the core client
   * @return the lifecycle Spring Cloud LoadBalancer tells of every call
   */
  @Bean
  @ConditionalOnMissingBean
  RegistryCallLifecycle registryCallLifecycle(RegistryClient client) {
    return new RegistryCallLifecycle(client);
  }

  /** The blocking {@code DiscoveryClient}. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnDiscoveryEnabled
  @ConditionalOnBlockingDiscoveryEnabled
  static class Discovery {
    @Bean
    @ConditionalOnMissingBean
    RegistryDiscoveryClient registryDiscoveryClient(RegistryClient client,
        RegistryProperties properties) {
      return new RegistryDiscoveryClient(client, properties.getDiscovery().getOrder());
    }
  }

  /** The {@code ReactiveDiscoveryClient}, when Reactor is present. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "reactor.core.publisher.Flux")
  @ConditionalOnDiscoveryEnabled
  @ConditionalOnReactiveDiscoveryEnabled
  static class ReactiveDiscovery {
    @Bean
    @ConditionalOnMissingBean
    RegistryReactiveDiscoveryClient registryReactiveDiscoveryClient(RegistryClient client,
        RegistryProperties properties) {
      return new RegistryReactiveDiscoveryClient(client, properties.getDiscovery().getOrder());
    }
  }

  /**
   * This application's registration: on with {@link EnableServiceRegistration}, off with
   * {@code registry.register=false} or
   * {@code spring.cloud.service-registry.auto-registration.enabled=false}.
   */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnBean(EnableServiceRegistration.Marker.class)
  @ConditionalOnProperty(name = "registry.register", matchIfMissing = true)
  @ConditionalOnProperty(name = "spring.cloud.service-registry.auto-registration.enabled",
      matchIfMissing = true)
  static class Registration {

    @Bean
    @ConditionalOnMissingBean
    RegistryServiceRegistry registryServiceRegistry(RegistryClient client) {
      return new RegistryServiceRegistry(client);
    }

    @Bean
    @ConditionalOnMissingBean
    RegistryRegistration registryRegistration(RegistryProperties properties,
        Environment environment, RegistryClient client, ObjectProvider<InetUtils> inetUtils) {
      String service = serviceName(properties, environment);
      String id = properties.getInstanceId() != null
          ? properties.getInstanceId()
          : UUID.randomUUID().toString();
      String host = properties.getHost() != null
          ? properties.getHost()
          : detectHost(inetUtils.getIfAvailable());
      return new RegistryRegistration(service, id, client.stage(), host,
          RegistryLoadBalancing.withZone(properties.getMetadata(), properties.getZone()));
    }

    @Bean
    @ConditionalOnMissingBean
    RegistryAutoRegistration registryAutoRegistration(RegistryServiceRegistry serviceRegistry,
        RegistryRegistration registration, RegistryProperties properties,
        Environment environment) {
      boolean ssl = environment.getProperty("server.ssl.enabled", Boolean.class, false);
      URI fixed = properties.getAddress();
      Integer fixedPort = properties.getPort();
      String host = hostForUri(registration.getHost());
      IntFunction<URI> webAddress = port -> fixed != null
          ? fixed
          : URI.create((ssl ? "https" : "http") + "://" + host + ":"
              + (fixedPort != null ? fixedPort : port));
      URI nonWebAddress = fixed != null
          ? fixed
          : URI.create("http://" + host
              + (fixedPort != null ? ":" + fixedPort : "/" + registration.getInstanceId()));
      return new RegistryAutoRegistration(serviceRegistry, registration, webAddress,
          nonWebAddress, properties.getPropagationWait(), properties.getDeregisterTimeout());
    }

    /**
     * The name this application registers under: {@code registry.service-name} (checked at
     * binding), else {@code spring.application.name}, checked now, as only a registering
     * application needs it.
     */
    static String serviceName(RegistryProperties properties, Environment environment) {
      if (properties.getServiceName() != null) {
        return properties.getServiceName();
      }
      String name = environment.getProperty("spring.application.name");
      if (name == null || name.isBlank()) {
        throw new InvalidRegistryPropertiesException(List.of(new Problem("registry.service-name",
            null, "@EnableServiceRegistration needs the name this application registers under",
            "Set spring.application.name or registry.service-name, such as payment-service.")));
      }
      try {
        ServiceInstance.builder(name);
      } catch (IllegalArgumentException e) {
        throw new InvalidRegistryPropertiesException(List.of(new Problem("spring.application.name",
            name, "the application's name is its service name, and " + e.getMessage(),
            "Set registry.service-name to a service name such as payment-service.")));
      }
      return name;
    }

    static String detectHost(@Nullable InetUtils inetUtils) {
      if (inetUtils != null) {
        return inetUtils.findFirstNonLoopbackHostInfo().getIpAddress();
      }
      try {
        return InetAddress.getLocalHost().getHostAddress();
      } catch (UnknownHostException e) {
        throw new IllegalStateException("cannot detect this host's address: set registry.host", e);
      }
    }

    static String hostForUri(String host) {
      return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    }

    /** Hears the web server's start, when there may be one. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(WebServerInitializedEvent.class)
    static class WebServer {
      @Bean
      ApplicationListener<WebServerInitializedEvent> registryWebServerListener(
          RegistryAutoRegistration autoRegistration) {
        return event -> {
          WebServerApplicationContext context = event.getApplicationContext();
          // The management server's own port (server namespace "management") is not ours.
          if (!"management".equals(context.getServerNamespace())) {
            autoRegistration.webServerStarted(event.getWebServer().getPort());
          }
        };
      }
    }
  }

  /**
   * Keeps the configuration of {@code spring.config.import=registry:} current at runtime,
   * through Spring Cloud Context's refresh; only when that import was made.
   */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "org.springframework.cloud.endpoint.event.RefreshEvent")
  @ConditionalOnBean(RegistryConfigSource.class)
  static class ConfigImport {
    @Bean
    @ConditionalOnMissingBean
    RegistryConfigRefresher registryConfigRefresher(RegistryConfigSource source, RegistryClient client,
        ConfigurableApplicationContext context) {
      return new RegistryConfigRefresher(source, client, context);
    }
  }

  /** The {@code registry} health indicator, with Spring Boot's health support. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(HealthIndicator.class)
  @ConditionalOnEnabledHealthIndicator("registry")
  static class Health {
    @Bean
    @ConditionalOnMissingBean(name = "registryHealthIndicator")
    RegistryHealthIndicator registryHealthIndicator(RegistryClient client,
        RegistryReachability reachability, ObjectProvider<RegistryRegistration> registration,
        ObjectProvider<RegistryServiceRegistry> serviceRegistry, Environment environment) {
      return new RegistryHealthIndicator(client, reachability, registration.getIfAvailable(),
          serviceRegistry.getIfAvailable(), environment.getProperty(
              "management.health.registry.down-when-unreachable", Boolean.class, false));
    }
  }
}
