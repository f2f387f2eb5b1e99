package dev.registry.spring;

import dev.registry.spring.InvalidRegistryPropertiesException.Problem;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.boot.json.JsonParserFactory;
import org.springframework.core.env.Environment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/**
 * The {@code registry.*} property names there are: those of the configuration metadata of every
 * jar on the class path (Spring Boot's configuration processor writes them from
 * {@link RegistryProperties}, and another module adds its own the same way), so that a key the
 * application sets and no property reads (a misspelling such as {@code registry.urll}) fails the
 * startup with a hint rather than being ignored while the default serves.
 *
 * <p>Environment variables are not read for it: the {@code REGISTRY_*} variables of other
 * programs (a Docker registry's, the reference server's {@code REGISTRY_TLS_PASSWORD}) are common
 * in a process's environment, and would fail an application that never set them.
 */
final class RegistryPropertyNames {
  private static final ConfigurationPropertyName REGISTRY = ConfigurationPropertyName.of("registry");
  private static final String METADATA = "META-INF/spring-configuration-metadata.json";

  /** Every documented name, and those of them whose type is a map (any key below is theirs). */
  private final Set<ConfigurationPropertyName> names;
  private final Set<ConfigurationPropertyName> maps;

  private RegistryPropertyNames(Set<ConfigurationPropertyName> names, Set<ConfigurationPropertyName> maps) {
    this.names = names;
    this.maps = maps;
  }

  /** The names of the metadata files on this class's class path. */
  static RegistryPropertyNames onClassPath() {
    Set<ConfigurationPropertyName> names = new LinkedHashSet<>();
    Set<ConfigurationPropertyName> maps = new LinkedHashSet<>();
    try {
      Enumeration<URL> files = RegistryPropertyNames.class.getClassLoader().getResources(METADATA);
      while (files.hasMoreElements()) {
        read(files.nextElement(), names, maps);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + METADATA, e);
    }
    return new RegistryPropertyNames(names, maps);
  }

  private static void read(URL file, Set<ConfigurationPropertyName> names, Set<ConfigurationPropertyName> maps)
      throws IOException {
    String json;
    try (InputStream in = file.openStream()) {
      json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    if (!(JsonParserFactory.getJsonParser().parseMap(json).get("properties") instanceof List<?> properties)) {
      return;
    }
    for (Object property : properties) {
      if (property instanceof Map<?, ?> p && p.get("name") instanceof String name && name.startsWith("registry.")) {
        ConfigurationPropertyName parsed = ConfigurationPropertyName.of(name);
        names.add(parsed);
        if (p.get("type") instanceof String type && type.startsWith("java.util.Map")) {
          maps.add(parsed);
        }
      }
    }
  }

  /**
   * The {@code registry.*} keys of {@code environment} (but for environment variables) that no
   * property has, each a problem with a hint.
   */
  List<Problem> unknownIn(Environment environment) {
    Set<ConfigurationPropertyName> seen = new LinkedHashSet<>();
    List<Problem> problems = new ArrayList<>();
    for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
      if (!(source instanceof IterableConfigurationPropertySource iterable)
          || source.getUnderlyingSource() instanceof SystemEnvironmentPropertySource) {
        continue;
      }
      iterable.stream().filter(REGISTRY::isAncestorOf).filter(seen::add)
          .filter(name -> !known(name)).forEach(name -> {
            ConfigurationProperty property = source.getConfigurationProperty(name);
            problems.add(new Problem(name.toString(),
                property == null ? null : String.valueOf(property.getValue()),
                name + " is not a registry property", hint(name)));
          });
    }
    return problems;
  }

  /** Whether a property reads {@code name}: it is one, an element of a list one, or a key of a map one. */
  boolean known(ConfigurationPropertyName name) {
    ConfigurationPropertyName plain = name;
    for (int size = 1; size <= name.getNumberOfElements(); size++) {
      if (name.chop(size).isLastElementIndexed()) {
        plain = name.chop(size - 1);
        break;
      }
    }
    if (names.contains(plain)) {
      return true;
    }
    for (int size = 2; size < name.getNumberOfElements(); size++) {
      if (maps.contains(name.chop(size))) {
        return true;
      }
    }
    return false;
  }

  private String hint(ConfigurationPropertyName unknown) {
    String closest = closest(unknown);
    return (closest == null ? "Remove it, or use" : "Did you mean " + closest + "? Else remove it, or use")
        + " one of the registry properties (the README's Spring Boot table lists them).";
  }

  /** The documented name closest to {@code unknown}, when one is close enough to be a misspelling. */
  @Nullable String closest(ConfigurationPropertyName unknown) {
    String target = canonical(unknown);
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (ConfigurationPropertyName name : names) {
      String candidate = canonical(name);
      int distance = candidate.startsWith(target) ? 0 : distance(target, candidate);
      // A tie goes to the longer name: registry.urll is registry.urls more likely than the alias.
      if (distance < bestDistance || (distance == bestDistance && best != null
          && candidate.length() > canonical(ConfigurationPropertyName.of(best)).length())) {
        bestDistance = distance;
        best = name.toString();
      }
    }
    return bestDistance <= Math.max(2, target.length() / 6) ? best : null;
  }

  /** The name without dashes, lower case: {@code registry.leaseTtl} and {@code registry.lease-ttl} alike. */
  private static String canonical(ConfigurationPropertyName name) {
    return name.toString().replace("-", "").toLowerCase(Locale.ROOT);
  }

  /** Levenshtein's edit distance. */
  static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitute = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitute, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }
}
