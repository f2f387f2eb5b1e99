package dev.registry.spring;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.origin.Origin;
import org.springframework.boot.origin.PropertySourceOrigin;
import org.springframework.core.env.Environment;

/**
 * A property as the application wrote it, for a failure report: its name as written (the
 * environment variable {@code REGISTRY_LEASE_TTL}, the YAML key {@code leaseTtl}), its value as
 * written ({@code 2h}, not {@code PT2H}) and where it was set.
 *
 * @param name the name as written, else the canonical one
 * @param value the value as written, or null when unknown
 * @param origin where it was set (a file and line, a property source), or null when unknown
 */
record WrittenProperty(String name, @Nullable String value, @Nullable String origin) {

  /** {@code property} as written. */
  static WrittenProperty of(ConfigurationProperty property) {
    Origin origin = property.getOrigin();
    String name = origin instanceof PropertySourceOrigin source ? source.getPropertyName()
        : property.getName().toString();
    return new WrittenProperty(name, String.valueOf(property.getValue()),
        origin == null ? null : origin.toString());
  }

  /**
   * The property named {@code canonical} as {@code environment} has it (the source that wins;
   * a list's first element when it is written by index), or the canonical name alone when it is
   * not there (a default value, or no environment).
   */
  static WrittenProperty find(@Nullable Environment environment, String canonical, @Nullable String value) {
    if (environment != null && ConfigurationPropertyName.isValid(canonical)) {
      ConfigurationPropertyName name = ConfigurationPropertyName.of(canonical);
      for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
        ConfigurationProperty property = source.getConfigurationProperty(name);
        if (property == null) {
          property = source.getConfigurationProperty(name.append("[0]"));
        }
        if (property != null) {
          return of(property);
        }
      }
    }
    return new WrittenProperty(canonical, value, null);
  }

  /** {@code name = value (origin)}, each part that is known. */
  @Override
  public String toString() {
    return name + (value == null ? "" : " = " + value) + (origin == null ? "" : "   (" + origin + ")");
  }
}
