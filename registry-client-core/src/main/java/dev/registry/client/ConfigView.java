package dev.registry.client;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * A service's configuration as one reader sees it (a stage, and the client's region and
 * client): for each key the most specific value the registry holds, the registry's index of
 * that configuration, and whether it is stale. Immutable: the client swaps the whole view when
 * the registry answers a change ({@link ServiceLookup#config(String)}).
 *
 * <p>{@link #get(String)} is a map lookup that allocates nothing. The typed getters parse the
 * value at each call and answer the default when the key has no value; a value that does not
 * parse is an {@link IllegalArgumentException} naming the key. Declare a key with its type
 * ({@link ConfigKey}) and a value that does not parse never reaches a view: the client keeps
 * the view it has and reports the rejection.
 */
public final class ConfigView {
  private final String service;
  private final String stage;
  private final @Nullable String region;
  private final @Nullable String client;
  private final long index;
  private final boolean stale;
  private final Map<String, String> values;
  /** The answers of {@link #get(String)}, made once, so that a lookup allocates nothing. */
  private final Map<String, Optional<String>> lookups;

  /**
   * A view.
   *
   * @param service the service
   * @param stage the reader's stage
   * @param region the reader's region, or null for none
   * @param client the reader's client (a tenant), or null for none
   * @param index the registry's index of this configuration, 0 or more; 0 for a service that
   *     has none
   * @param values the values by key (copied)
   * @param stale whether the registry could not be reached the last time the client tried to
   *     confirm this view
   * @throws IllegalArgumentException if the index is negative
   */
  public ConfigView(String service, String stage, @Nullable String region, @Nullable String client, long index,
      Map<String, String> values, boolean stale) {
    if (index < 0) {
      throw new IllegalArgumentException("index must be >= 0: " + index);
    }
    this.service = requireNonNull(service, "service");
    this.stage = requireNonNull(stage, "stage");
    this.region = region;
    this.client = client;
    this.index = index;
    this.stale = stale;
    Map<String, String> sorted = new TreeMap<>();
    Map<String, Optional<String>> answers = new HashMap<>();
    requireNonNull(values, "values").forEach((key, value) -> {
      sorted.put(requireNonNull(key, "key"), requireNonNull(value, () -> "value of " + key));
      answers.put(key, Optional.of(value));
    });
    this.values = Collections.unmodifiableMap(sorted);
    this.lookups = answers;
  }

  private ConfigView(ConfigView of, boolean stale) {
    this.service = of.service;
    this.stage = of.stage;
    this.region = of.region;
    this.client = of.client;
    this.index = of.index;
    this.values = of.values;
    this.lookups = of.lookups;
    this.stale = stale;
  }

  /**
   * Returns the service whose configuration this is.
   *
   * @return the service name
   */
  public String service() {
    return service;
  }

  /**
   * Returns the stage the configuration was resolved for.
   *
   * @return the stage
   */
  public String stage() {
    return stage;
  }

  /**
   * Returns the region the configuration was resolved for.
   *
   * @return the region, or empty when the reader has none
   */
  public Optional<String> region() {
    return Optional.ofNullable(region);
  }

  /**
   * Returns the client (a tenant) the configuration was resolved for.
   *
   * @return the client, or empty when the reader has none
   */
  public Optional<String> client() {
    return Optional.ofNullable(client);
  }

  /**
   * Returns the registry's index of this configuration: a changed index is a changed
   * configuration. It is what an instance reports it has applied.
   *
   * @return the index, 0 for a service without configuration
   */
  public long index() {
    return index;
  }

  /**
   * Returns whether the view may be out of date: the registry could not be reached the last
   * time the client tried to confirm it. A stale view is still served.
   *
   * @return whether it is stale
   */
  public boolean stale() {
    return stale;
  }

  /**
   * Returns the value of a key. Allocates nothing.
   *
   * @param key the key
   * @return the value, or empty when the key has none
   */
  public Optional<String> get(String key) {
    Optional<String> value = lookups.get(requireNonNull(key, "key"));
    return value != null ? value : Optional.empty();
  }

  /**
   * Returns the value of a key as an int.
   *
   * @param key the key
   * @param defaultValue the answer when the key has no value
   * @return the value, or {@code defaultValue}
   * @throws IllegalArgumentException if the value is not a decimal int
   */
  public int getInt(String key, int defaultValue) {
    String value = values.get(requireNonNull(key, "key"));
    return value == null ? defaultValue : ConfigKey.Type.INT.parseInt(key, value);
  }

  /**
   * Returns the value of a key as a long.
   *
   * @param key the key
   * @param defaultValue the answer when the key has no value
   * @return the value, or {@code defaultValue}
   * @throws IllegalArgumentException if the value is not a decimal long
   */
  public long getLong(String key, long defaultValue) {
    String value = values.get(requireNonNull(key, "key"));
    return value == null ? defaultValue : ConfigKey.Type.LONG.parseLong(key, value);
  }

  /**
   * Returns the value of a key as a boolean: {@code true} or {@code false}, in any case.
   *
   * @param key the key
   * @param defaultValue the answer when the key has no value
   * @return the value, or {@code defaultValue}
   * @throws IllegalArgumentException if the value is neither
   */
  public boolean getBoolean(String key, boolean defaultValue) {
    String value = values.get(requireNonNull(key, "key"));
    return value == null ? defaultValue : ConfigKey.Type.BOOLEAN.parseBoolean(key, value);
  }

  /**
   * Returns the value of a key as a duration: ISO-8601 ({@code PT1.5S}) or a number with a
   * unit, {@code ns}, {@code us}, {@code ms}, {@code s}, {@code m}, {@code h} or {@code d}
   * ({@code 500ms}, {@code 30s}); a number without a unit is milliseconds, as in Spring.
   *
   * @param key the key
   * @param defaultValue the answer when the key has no value
   * @return the value, or {@code defaultValue}
   * @throws IllegalArgumentException if the value is not a duration
   */
  public Duration getDuration(String key, Duration defaultValue) {
    String value = values.get(requireNonNull(key, "key"));
    return value == null ? requireNonNull(defaultValue, "defaultValue") : ConfigKey.Type.DURATION.parseDuration(key, value);
  }

  /**
   * Returns every value, by key, sorted.
   *
   * @return the values (immutable)
   */
  public Map<String, String> asMap() {
    return values;
  }

  /**
   * Returns this view with its stale flag set to {@code newStale}.
   *
   * @param newStale the flag
   * @return this view when the flag is unchanged, else a copy
   */
  public ConfigView withStale(boolean newStale) {
    return newStale == stale ? this : new ConfigView(this, newStale);
  }

  /**
   * Whether {@code o} is a view of the same service, reader, index, values and stale flag.
   *
   * @param o the other object
   * @return whether they are equal
   */
  @Override
  public boolean equals(Object o) {
    return o instanceof ConfigView v && index == v.index && stale == v.stale && service.equals(v.service)
        && stage.equals(v.stage) && Objects.equals(region, v.region) && Objects.equals(client, v.client)
        && values.equals(v.values);
  }

  /**
   * A hash of the components.
   *
   * @return the hash
   */
  @Override
  public int hashCode() {
    return Objects.hash(service, stage, region, client, index, values, stale);
  }

  @Override
  public String toString() {
    return "ConfigView{" + service + "@" + stage + (region != null ? ", region " + region : "")
        + (client != null ? ", client " + client : "") + ", index " + index + (stale ? ", stale" : "") + ", "
        + values.size() + " keys}";
  }
}
