package dev.registry.spring;

import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Makes Spring Cloud's {@code discoveryComposite} health probe the {@code DiscoveryClient}
 * rather than list every service through it
 * ({@code spring.cloud.discovery.client.health-indicator.use-services-query=false}, as the
 * lowest-precedence property, so any setting of the application wins).
 *
 * <p>Why: listing the services is a request to the registry, so while the registry is away that
 * component would go {@code DOWN}, and with it the aggregate {@code /actuator/health}, taking
 * every service of the system out of its load balancer because the registry is away. Our
 * {@code DiscoveryClient} keeps answering from its cache then, and its
 * {@link RegistryDiscoveryClient#probe() probe} says so; the registry's own state is the
 * {@code registry} component's details.
 */
public final class DiscoveryHealthDefault implements EnvironmentPostProcessor {
  static final String PROPERTY = "spring.cloud.discovery.client.health-indicator.use-services-query";
  static final String SOURCE = "registryDiscoveryHealthDefaults";

  /** Creates the post-processor (Spring Boot does, from {@code spring.factories}). */
  public DiscoveryHealthDefault() {}

  @Override
  public void postProcessEnvironment(ConfigurableEnvironment environment,
      SpringApplication application) {
    if (!environment.getProperty("registry.enabled", Boolean.class, true)
        || environment.getPropertySources().contains(SOURCE)) {
      return;
    }
    environment.getPropertySources().addLast(new MapPropertySource(SOURCE, Map.of(PROPERTY, "false")));
  }
}
