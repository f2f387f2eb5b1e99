package dev.registry.spring;

import java.util.Objects;
import org.springframework.boot.context.config.ConfigDataResource;

/**
 * One {@code spring.config.import=registry:} as resolved: whose configuration (the service, in
 * a stage), read with which settings, and whether the import was {@code optional:}.
 */
final class RegistryConfigDataResource extends ConfigDataResource {
  final String service;
  final String stage;
  final RegistryProperties properties;
  final boolean optional;

  RegistryConfigDataResource(String service, String stage, RegistryProperties properties, boolean optional) {
    super(optional);
    this.service = service;
    this.stage = stage;
    this.properties = properties;
    this.optional = optional;
  }

  /** The property source's name: the same at every load, so that a refresh replaces it. */
  String propertySourceName() {
    return "registry:" + service + "@" + stage;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RegistryConfigDataResource r && service.equals(r.service) && stage.equals(r.stage)
        && Objects.equals(properties.getRegion(), r.properties.getRegion())
        && Objects.equals(properties.getClient(), r.properties.getClient());
  }

  @Override
  public int hashCode() {
    return Objects.hash(service, stage, properties.getRegion(), properties.getClient());
  }

  @Override
  public String toString() {
    return "the registry's configuration of " + service + " in stage " + stage
        + (properties.getRegion() != null ? ", region " + properties.getRegion() : "")
        + (properties.getClient() != null ? ", client " + properties.getClient() : "")
        + " at " + properties.registryUrls();
  }
}
