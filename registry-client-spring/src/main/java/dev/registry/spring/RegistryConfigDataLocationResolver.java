package dev.registry.spring;

import java.util.List;
import org.springframework.boot.context.config.ConfigDataLocation;
import org.springframework.boot.context.config.ConfigDataLocationResolver;
import org.springframework.boot.context.config.ConfigDataLocationResolverContext;
import org.springframework.boot.context.config.Profiles;

/**
 * Resolves {@code spring.config.import=registry:} (or {@code registry:<service>}): this
 * application's configuration in the registry, as its stage, {@code registry.region} and
 * {@code registry.client} see it. The service is the one after the colon, else
 * {@code registry.service-name}, else {@code spring.application.name}; the stage
 * {@code registry.stage}, else {@code default} (as for discovery). Resolved once the profiles
 * are known. Listed in {@code META-INF/spring.factories}.
 */
public final class RegistryConfigDataLocationResolver implements ConfigDataLocationResolver<RegistryConfigDataResource> {
  static final String PREFIX = "registry:";

  /** Made by Spring Boot. */
  public RegistryConfigDataLocationResolver() {}

  @Override
  public boolean isResolvable(ConfigDataLocationResolverContext context, ConfigDataLocation location) {
    return location.hasPrefix(PREFIX);
  }

  /**
   * Nothing before the profiles are known: a profile's own file may set {@code registry.stage}
   * (the documented way to give a profile its stage).
   */
  @Override
  public List<RegistryConfigDataResource> resolve(ConfigDataLocationResolverContext context,
      ConfigDataLocation location) {
    return List.of();
  }

  @Override
  public List<RegistryConfigDataResource> resolveProfileSpecific(ConfigDataLocationResolverContext context,
      ConfigDataLocation location, Profiles profiles) {
    RegistryProperties properties = context.getBinder().bindOrCreate("registry", RegistryProperties.class);
    if (!properties.isEnabled()) {
      return List.of();
    }
    String named = location.getNonPrefixedValue(PREFIX).trim();
    String service = !named.isEmpty() ? named
        : properties.getServiceName() != null ? properties.getServiceName()
        : context.getBinder().bind("spring.application.name", String.class).orElse(null);
    if (service == null || service.isBlank()) {
      throw new IllegalStateException("spring.config.import=" + location + " needs a service name: write registry:<service>,"
          + " or set registry.service-name or spring.application.name");
    }
    String stage = RegistryAutoConfiguration.stage(properties);
    return List.of(new RegistryConfigDataResource(service, stage, properties, location.isOptional()));
  }
}
