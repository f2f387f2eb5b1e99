package dev.registry.spring;

import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Sets the defaults of Spring Cloud features that suit this registry, as the lowest-precedence
 * properties, so that any setting of the application wins:
 *
 * <ul>
 *   <li>{@code spring.cloud.loadbalancer.cache.enabled=false}. Our {@code DiscoveryClient}
 *       answers from the core's cache, which the registry's long-poll keeps fresh within
 *       milliseconds, without a request per call. LoadBalancer's own cache (35 s by default) in
 *       front of it would only add staleness: a new instance would get no traffic, and a
 *       deregistered one would still be called, for up to 35 s. With the cache off,
 *       LoadBalancer logs a WARN ("LoadBalancerCacheManager not available") for every service
 *       it resolves; the logger of that message ({@code ServiceInstanceListSupplierBuilder})
 *       defaults to ERROR here as well.
 *   <li>{@code spring.cloud.discovery.client.health-indicator.use-services-query=false}. Spring
 *       Cloud's {@code discoveryComposite} health would otherwise list every service through the
 *       registry, and go {@code DOWN}, taking the aggregate {@code /actuator/health} with it,
 *       whenever the registry is away, while our {@code DiscoveryClient} keeps answering from its
 *       cache. It calls {@link RegistryDiscoveryClient#probe()} instead, which makes no request;
 *       the registry's own state is the {@code registry} component's details.
 * </ul>
 */
public final class SpringCloudDefaults implements EnvironmentPostProcessor {
  static final String LOAD_BALANCER_CACHE = "spring.cloud.loadbalancer.cache.enabled";
  /** Logs a WARN per service when the cache is off; the cache being off is our intent. */
  static final String BUILDER_LOGGER =
      "logging.level.org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplierBuilder";
  static final String SERVICES_QUERY = "spring.cloud.discovery.client.health-indicator.use-services-query";
  static final String SOURCE = "registryClientDefaults";

  /** Creates the post-processor (Spring Boot does, from {@code spring.factories}). */
  public SpringCloudDefaults() {}

  @Override
  public void postProcessEnvironment(ConfigurableEnvironment environment,
      SpringApplication application) {
    if (!environment.getProperty("registry.enabled", Boolean.class, true)
        || environment.getPropertySources().contains(SOURCE)) {
      return;
    }
    environment.getPropertySources().addLast(new MapPropertySource(SOURCE, Map.of(
        LOAD_BALANCER_CACHE, "false", BUILDER_LOGGER, "ERROR", SERVICES_QUERY, "false")));
  }
}
