package dev.registry.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registry.client.RegistryClient;
import dev.registry.client.ServiceInstance;
import dev.registry.client.Status;
import dev.registry.client.micrometer.MicrometerEventListener;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.tracing.Tracer;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.cloud.client.discovery.ReactiveDiscoveryClient;
import org.springframework.cloud.client.serviceregistry.Registration;
import org.springframework.cloud.client.serviceregistry.ServiceRegistry;
import org.springframework.cloud.commons.util.UtilAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import reactor.core.publisher.Flux;

/** The auto-configuration's conditions and bindings. Nothing here calls a registry. */
class RegistryAutoConfigurationTest {
  final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(RegistryAutoConfiguration.class,
          RegistryObservabilityAutoConfiguration.class, UtilAutoConfiguration.class))
      .withPropertyValues("spring.application.name=greeting-service",
          "registry.host=127.0.0.1");

  @EnableServiceRegistration
  @Configuration(proxyBeanMethods = false)
  static class Annotated {}

  @Configuration(proxyBeanMethods = false)
  static class OwnClient {
    @Bean
    RegistryClient myClient() {
      return RegistryClient.builder().registryUrls("http://127.0.0.1:6001").stage("mine")
          .shutdownHook(false).build();
    }

    @Bean
    RegistryServiceRegistry myServiceRegistry(RegistryClient client) {
      return new RegistryServiceRegistry(client);
    }
  }

  @Test
  void onByDefaultItConfiguresTheClientAndDiscoveryButDoesNotRegisterWithoutTheAnnotation() {
    runner.run(context -> {
      assertThat(context).hasNotFailed();
      assertThat(context).hasSingleBean(RegistryClient.class);
      assertThat(context).hasSingleBean(RegistryDiscoveryClient.class);
      assertThat(context).hasSingleBean(RegistryReactiveDiscoveryClient.class);
      assertThat(context).hasSingleBean(RegistryHealthIndicator.class);
      assertThat(context).doesNotHaveBean(RegistryAutoRegistration.class);
      assertThat(context).doesNotHaveBean(Registration.class);
      assertThat(context).doesNotHaveBean(ServiceRegistry.class);
      RegistryClient client = context.getBean(RegistryClient.class);
      assertThat(client.stage()).isEqualTo("default");
      assertThat(client.toString()).contains("http://127.0.0.1:5001");
    });
  }

  @Test
  void theAnnotationTurnsRegistrationOn() {
    runner.withUserConfiguration(Annotated.class).run(context -> {
      assertThat(context).hasNotFailed();
      assertThat(context).hasSingleBean(RegistryAutoRegistration.class);
      assertThat(context).hasSingleBean(RegistryServiceRegistry.class);
      RegistryRegistration registration = context.getBean(RegistryRegistration.class);
      assertThat(registration.getServiceId()).isEqualTo("greeting-service");
      assertThat(registration.getHost()).isEqualTo("127.0.0.1");
      assertThat(registration.getPort()).isZero(); // no web server yet
      assertThat(registration.getInstanceId()).hasSize(36); // a random UUID
      assertThat(context.getBean(RegistryAutoRegistration.class).registeredStatus()).isNull();
    });
  }

  @Test
  void registryEnabledFalseTurnsEverythingOff() {
    runner.withUserConfiguration(Annotated.class).withPropertyValues("registry.enabled=false")
        .run(context -> {
          assertThat(context).hasNotFailed();
          assertThat(context).doesNotHaveBean(RegistryClient.class);
          assertThat(context).doesNotHaveBean(DiscoveryClient.class);
          assertThat(context).doesNotHaveBean(RegistryAutoRegistration.class);
        });
  }

  @Test
  void springCloudAutoRegistrationDisabledKeepsDiscoveryButDoesNotRegister() {
    runner.withUserConfiguration(Annotated.class)
        .withPropertyValues("spring.cloud.service-registry.auto-registration.enabled=false")
        .run(context -> {
          assertThat(context).hasSingleBean(RegistryDiscoveryClient.class);
          assertThat(context).doesNotHaveBean(RegistryAutoRegistration.class);
          assertThat(context).doesNotHaveBean(RegistryRegistration.class);
        });
  }

  @Test
  void registryRegisterFalseKeepsDiscoveryButDoesNotRegister() {
    runner.withUserConfiguration(Annotated.class).withPropertyValues("registry.register=false")
        .run(context -> {
          assertThat(context).hasSingleBean(RegistryDiscoveryClient.class);
          assertThat(context).doesNotHaveBean(RegistryAutoRegistration.class);
        });
  }

  @Test
  void theReactiveDiscoveryClientFollowsSpringCloudsReactiveSwitch() {
    runner.withPropertyValues("spring.cloud.discovery.reactive.enabled=false").run(context -> {
      assertThat(context).hasSingleBean(RegistryDiscoveryClient.class);
      assertThat(context).doesNotHaveBean(ReactiveDiscoveryClient.class);
    });
    // Spring Cloud's switch also needs WebClient on the classpath.
    runner.withClassLoader(new FilteredClassLoader(
            org.springframework.web.reactive.function.client.WebClient.class))
        .run(context -> assertThat(context).doesNotHaveBean(ReactiveDiscoveryClient.class));
  }

  @Test
  void springCloudDiscoveryDisabledRemovesBothDiscoveryClients() {
    runner.withPropertyValues("spring.cloud.discovery.enabled=false").run(context -> {
      assertThat(context).hasSingleBean(RegistryClient.class);
      assertThat(context).doesNotHaveBean(DiscoveryClient.class);
      assertThat(context).doesNotHaveBean(ReactiveDiscoveryClient.class);
    });
  }

  @Test
  void propertiesAreBoundAndReachTheClientAndTheRegistration() {
    runner.withUserConfiguration(Annotated.class).withPropertyValues(
        "registry.urls=http://127.0.0.1:7001,http://127.0.0.1:7002",
        "registry.service-name=payment-service",
        "registry.stage=staging",
        "registry.instance-id=payment-7",
        "registry.metadata.version=1.4.2",
        "registry.metadata.zone=a",
        "registry.lease-ttl=9s",
        "registry.heartbeat-interval=2s",
        "registry.request-timeout=750ms",
        "registry.deregister-timeout=3s",
        "registry.propagation-wait=250ms",
        "registry.discovery.order=7").run(context -> {
          assertThat(context).hasNotFailed();
          RegistryProperties p = context.getBean(RegistryProperties.class);
          assertThat(p.getUrls()).containsExactly(
              URI.create("http://127.0.0.1:7001"), URI.create("http://127.0.0.1:7002"));
          assertThat(p.getLeaseTtl()).isEqualTo(Duration.ofSeconds(9));
          assertThat(p.getHeartbeatInterval()).isEqualTo(Duration.ofSeconds(2));
          assertThat(p.getRequestTimeout()).isEqualTo(Duration.ofMillis(750));
          assertThat(p.getDeregisterTimeout()).isEqualTo(Duration.ofSeconds(3));
          assertThat(p.getPropagationWait()).isEqualTo(Duration.ofMillis(250));

          RegistryClient client = context.getBean(RegistryClient.class);
          assertThat(client.stage()).isEqualTo("staging");
          assertThat(client.toString()).contains("http://127.0.0.1:7001", "http://127.0.0.1:7002");
          assertThat(context.getBean(RegistryDiscoveryClient.class).getOrder()).isEqualTo(7);

          RegistryRegistration registration = context.getBean(RegistryRegistration.class);
          assertThat(registration.getServiceId()).isEqualTo("payment-service");
          assertThat(registration.getInstanceId()).isEqualTo("payment-7");
          assertThat(registration.stage()).isEqualTo("staging");
          assertThat(registration.getMetadata())
              .isEqualTo(Map.of("version", "1.4.2", "zone", "a"));
          registration.bindAddress(URI.create("http://127.0.0.1:8080"));
          ServiceInstance instance = registration.toInstance(Status.STARTING);
          assertThat(instance.address()).isEqualTo(URI.create("http://127.0.0.1:8080"));
          assertThat(instance.status()).isEqualTo(Status.STARTING);
          assertThat(registration.getPort()).isEqualTo(8080);
        });
  }

  @Test
  void theStageIsDefaultWhateverProfilesAreActiveUnlessRegistryStageIsSet() {
    runner.withPropertyValues("spring.profiles.active=greeting").run(context ->
        assertThat(context.getBean(RegistryClient.class).stage()).isEqualTo("default"));
    runner.withPropertyValues("spring.profiles.active=greeting", "registry.stage=production")
        .run(context -> assertThat(context.getBean(RegistryClient.class).stage()).isEqualTo("production"));
  }

  @Test
  void badPropertiesFailTheStartupNamingTheValue() {
    runner.withPropertyValues("registry.urls=ftp://127.0.0.1:7001").run(context ->
        assertThat(context).getFailure().rootCause().hasMessageContaining("ftp://127.0.0.1:7001"));
    runner.withPropertyValues("registry.lease-ttl=3s", "registry.heartbeat-interval=5s")
        .run(context -> assertThat(context).getFailure().rootCause()
            .hasMessageContaining("heartbeatInterval (PT5S) must be shorter than leaseTtl (PT3S)"));
    runner.withUserConfiguration(Annotated.class)
        .withPropertyValues("registry.metadata.[bad key!]=x", "registry.service-name=bad name")
        .run(context -> assertThat(context).getFailure().rootCause()
            .hasMessageContaining("'bad name'"));
  }

  @Test
  void registryUrlIsAnotherNameForRegistryUrls() {
    runner.withPropertyValues("registry.url=http://127.0.0.1:7001").run(context -> {
      assertThat(context).hasNotFailed();
      assertThat(context.getBean(RegistryClient.class).toString()).contains("http://127.0.0.1:7001");
    });
  }

  @Test
  void everyBadValueFailsTheBindingNamingItsPropertyAndAllOfThemAtOnce() {
    runner.withPropertyValues("registry.stage=prod uction", "registry.lease-ttl=2h",
            "registry.port=0", "registry.eject-after=0", "registry.propagation-wait=-1s",
            "registry.request-timeout=0s", "registry.instance-id=a b", "registry.region=eu west",
            "registry.client=-acme")
        .run(context -> {
          InvalidRegistryPropertiesException e = (InvalidRegistryPropertiesException)
              org.assertj.core.api.Assertions.assertThat(context).getFailure()
                  .rootCause().isInstanceOf(InvalidRegistryPropertiesException.class).actual();
          assertThat(e.problems()).extracting(InvalidRegistryPropertiesException.Problem::property)
              .containsExactly("registry.stage", "registry.region", "registry.client",
                  "registry.instance-id", "registry.port",
                  "registry.lease-ttl", "registry.request-timeout", "registry.propagation-wait",
                  "registry.eject-after");
          // The core's message names the value, as the property holds it.
          assertThat(e.problems()).allSatisfy(p -> assertThat(p.rule()).contains(p.value()));
        });
  }

  @Test
  void aRegistryKeyNoPropertyReadsFailsWithAHintButOtherProgramsEnvironmentVariablesDoNot() {
    runner.withPropertyValues("registry.lease-tll=5s").run(context ->
        assertThat(context).getFailure().rootCause()
            .isInstanceOf(InvalidRegistryPropertiesException.class)
            .hasMessageContaining("registry.lease-tll is not a registry property")
            .hasMessageContaining("Did you mean registry.lease-ttl?"));
    // A Docker registry's variables, say, in the same process environment.
    runner.withInitializer(context -> context.getEnvironment().getPropertySources().addLast(
            new org.springframework.core.env.SystemEnvironmentPropertySource("systemEnvironment",
                Map.of("REGISTRY_HTTP_ADDR", "0.0.0.0:5000", "REGISTRY_TLS_PASSWORD", "x"))))
        .run(context -> assertThat(context).hasNotFailed());
    // Keys of maps and elements of lists are the property's own.
    runner.withPropertyValues("registry.metadata.zone=a", "registry.urls[0]=http://127.0.0.1:7001")
        .run(context -> assertThat(context).hasNotFailed());
  }

  @Test
  void registeringWithoutAServiceNameFailsTheStartupSayingWhatToSet() {
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(RegistryAutoConfiguration.class))
        .withUserConfiguration(Annotated.class)
        .withPropertyValues("registry.host=127.0.0.1")
        .run(context -> assertThat(context).getFailure().rootCause()
            .hasMessageContaining("Set spring.application.name or registry.service-name"));
  }

  @Test
  void beansBackOffWhenTheApplicationDefinesItsOwn() {
    runner.withUserConfiguration(Annotated.class, OwnClient.class).run(context -> {
      assertThat(context).hasNotFailed();
      assertThat(context).hasSingleBean(RegistryClient.class);
      assertThat(context.getBean(RegistryClient.class).stage()).isEqualTo("mine");
      assertThat(context).hasSingleBean(RegistryServiceRegistry.class);
      assertThat(context).hasBean("myServiceRegistry");
      // The discovery client and the registration are built over the application's client.
      assertThat(context.getBean(RegistryRegistration.class).stage()).isEqualTo("mine");
    });
    runner.withBean("myDiscovery", RegistryDiscoveryClient.class,
            () -> new RegistryDiscoveryClient(
                RegistryClient.builder().registryUrls("http://127.0.0.1:6002").build(), 3))
        .run(context -> {
          assertThat(context).hasSingleBean(RegistryDiscoveryClient.class);
          assertThat(context.getBean(RegistryDiscoveryClient.class).getOrder()).isEqualTo(3);
        });
  }

  @Test
  void customizersAndEventListenerBeansReachTheBuilder() {
    List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    runner.withBean(RegistryClientBuilderCustomizer.class,
            () -> builder -> builder.stage("customized"))
        .withBean(dev.registry.client.EventListener.class, () -> new dev.registry.client.EventListener() {
          @Override
          public void registryUnavailable(dev.registry.client.RegistryException cause) {
            seen.add("unavailable");
          }
        })
        .withPropertyValues("registry.urls=http://127.0.0.1:1", "registry.request-timeout=200ms")
        .run(context -> {
          RegistryClient client = context.getBean(RegistryClient.class);
          assertThat(client.stage()).isEqualTo("customized");
          org.assertj.core.api.Assertions.assertThatThrownBy(() -> client.instances("x"))
              .isInstanceOf(dev.registry.client.RegistryUnavailableException.class);
          // Both the application's listener and the health indicator's tracker heard it.
          assertThat(seen).containsExactly("unavailable");
          assertThat(context.getBean(RegistryReachability.class).reachable()).isFalse();
        });
  }

  @Test
  void optionalFeaturesStepAsideWhenTheirLibraryIsMissing() {
    runner.withClassLoader(new FilteredClassLoader(HealthIndicator.class, MeterRegistry.class,
            Tracer.class, Flux.class))
        .withBean(SimpleMeterRegistry.class)
        .run(context -> {
          assertThat(context).hasNotFailed();
          assertThat(context).hasSingleBean(RegistryDiscoveryClient.class);
          assertThat(context).doesNotHaveBean(RegistryHealthIndicator.class);
          assertThat(context).doesNotHaveBean(MicrometerEventListener.class);
          assertThat(context).doesNotHaveBean(RegistryClientBuilderCustomizer.class);
          assertThat(context).doesNotHaveBean(RegistryReactiveDiscoveryClient.class);
        });
    runner.withPropertyValues("management.health.registry.enabled=false").run(context ->
        assertThat(context).doesNotHaveBean(RegistryHealthIndicator.class));
  }

  @Test
  void withAMeterRegistryTheClientsMetersArePublishedAndWithATracerItsRequestIdsAreTraceIds() {
    runner.run(context -> {
      assertThat(context).doesNotHaveBean(MicrometerEventListener.class);
      assertThat(context).doesNotHaveBean(RegistryClientBuilderCustomizer.class);
    });
    runner.withBean(SimpleMeterRegistry.class).withBean(Tracer.class, () -> Tracer.NOOP).run(context -> {
      assertThat(context).hasNotFailed();
      assertThat(context).hasSingleBean(MicrometerEventListener.class);
      assertThat(context).hasBean("registryRequestIdsFromTraces");
      context.getBean(RegistryClient.class).stats();
      MeterRegistry meters = context.getBean(MeterRegistry.class);
      assertThat(meters.get("registry.client.lookups").functionCounter().count()).isZero();
      assertThat(meters.get("registry.client.reachable").gauge().value()).isEqualTo(1.0);
    });
  }

  @Test
  void springCloudsCacheAndServicesQueryAreOffByDefaultButTheApplicationsSettingWins() {
    SpringCloudDefaults postProcessor = new SpringCloudDefaults();
    StandardEnvironment plain = new StandardEnvironment();
    postProcessor.postProcessEnvironment(plain, new org.springframework.boot.SpringApplication());
    assertThat(plain.getProperty("spring.cloud.loadbalancer.cache.enabled")).isEqualTo("false");
    assertThat(plain.getProperty(SpringCloudDefaults.SERVICES_QUERY)).isEqualTo("false");

    StandardEnvironment userSet = new StandardEnvironment();
    userSet.getPropertySources().addFirst(new MapPropertySource("app",
        Map.of("spring.cloud.loadbalancer.cache.enabled", "true", SpringCloudDefaults.SERVICES_QUERY, "true")));
    postProcessor.postProcessEnvironment(userSet, new org.springframework.boot.SpringApplication());
    assertThat(userSet.getProperty("spring.cloud.loadbalancer.cache.enabled")).isEqualTo("true");
    assertThat(userSet.getProperty(SpringCloudDefaults.SERVICES_QUERY)).isEqualTo("true");

    StandardEnvironment off = new StandardEnvironment();
    off.getPropertySources().addFirst(new MapPropertySource("app",
        Map.of("registry.enabled", "false")));
    postProcessor.postProcessEnvironment(off, new org.springframework.boot.SpringApplication());
    assertThat(off.getProperty("spring.cloud.loadbalancer.cache.enabled")).isNull();
  }

  @Test
  void theZoneGoesIntoTheRegistrationsMetadataUnlessItNamesOneAndABadZoneFailsTheStartNamingTheProperty() {
    runner.withUserConfiguration(Annotated.class).withPropertyValues("registry.zone=eu-west-1a")
        .run(context -> assertThat(context.getBean(RegistryRegistration.class).getMetadata())
            .containsEntry("zone", "eu-west-1a"));
    runner.withUserConfiguration(Annotated.class)
        .withPropertyValues("registry.zone=eu-west-1a", "registry.metadata.zone=rack-7")
        .run(context -> assertThat(context.getBean(RegistryRegistration.class).getMetadata())
            .containsEntry("zone", "rack-7"));
    runner.withPropertyValues("registry.zone=eu west").run(context -> assertThat(context).hasFailed()
        .getFailure().hasStackTraceContaining("registry.zone: zone must be").hasStackTraceContaining("'eu west'"));
  }

  @Test
  void theBalancerPropertyChoosesTheClientsLoadBalancer() {
    runner.withConfiguration(AutoConfigurations.of(RegistryLoadBalancing.class))
        .withPropertyValues("registry.load-balancer=least-loaded", "registry.eject-on=timeout,server-error")
        .run(context -> {
          assertThat(context).hasNotFailed();
          assertThat(context.getBean(RegistryProperties.class).getLoadBalancer())
              .isEqualTo(RegistryProperties.Balancer.LEAST_LOADED);
          assertThat(context.getBean(RegistryProperties.class).getEjectOn())
              .containsExactlyInAnyOrder(dev.registry.client.Outcome.TIMEOUT, dev.registry.client.Outcome.SERVER_ERROR);
          assertThat(context).hasBean("default." + RegistryLoadBalancing.class.getName()
              + ".LoadBalancerClientSpecification");
        });
    runner.withConfiguration(AutoConfigurations.of(RegistryLoadBalancing.class))
        .withPropertyValues("registry.load-balancer=spring")
        .run(context -> assertThat(context.getBeanNamesForType(
            org.springframework.cloud.loadbalancer.annotation.LoadBalancerClientSpecification.class)).isEmpty());
  }
}
