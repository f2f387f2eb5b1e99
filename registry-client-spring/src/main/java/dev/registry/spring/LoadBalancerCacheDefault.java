package dev.registry.spring;

import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Turns Spring Cloud LoadBalancer's instance cache off by default
 * ({@code spring.cloud.loadbalancer.cache.enabled=false}, as the lowest-precedence property, so
 * any setting of the application wins).
 *
 * <p>Why: our {@code DiscoveryClient} answers from the core's cache, which the registry's
 * long-poll keeps fresh within milliseconds, without a request per call. LoadBalancer's own
 * cache (35 s by default) in front of it would only add staleness: a new instance would get no
 * traffic, and a deregistered one would still be called, for up to 35 s.
 *
 * <p>With the cache off, LoadBalancer logs a WARN ("LoadBalancerCacheManager not available") for
 * every service it resolves; the logger of that message
 * ({@code ServiceInstanceListSupplierBuilder}) defaults to ERROR here as well, also overridable.
 */
public final class LoadBalancerCacheDefault implements EnvironmentPostProcessor {
  static final String PROPERTY = "spring.cloud.loadbalancer.cache.enabled";
  /** Logs a WARN per service when the cache is off; the cache being off is our intent. */
  static final String BUILDER_LOGGER =
      "logging.level.org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplierBuilder";
  static final String SOURCE = "registryClientDefaults";

  /** Creates the post-processor (Spring Boot does, from {@code spring.factories}). */
  public LoadBalancerCacheDefault() {}

  @Override
  public void postProcessEnvironment(ConfigurableEnvironment environment,
      SpringApplication application) {
    if (!environment.getProperty("registry.enabled", Boolean.class, true)
        || environment.getPropertySources().contains(SOURCE)) {
      return;
    }
    environment.getPropertySources().addLast(
        new MapPropertySource(SOURCE, Map.of(PROPERTY, "false", BUILDER_LOGGER, "ERROR")));
  }
}
