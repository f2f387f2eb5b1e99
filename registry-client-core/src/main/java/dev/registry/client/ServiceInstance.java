package dev.registry.client;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * One instance of a service: what a service registers about itself, and what discovery
 * returns about others. Immutable; the metadata map is an unmodifiable copy that keeps the
 * order in which entries were given.
 *
 * <p>Make one with {@link #builder(String)}:
 *
 * <pre>{@code
 * ServiceInstance me = ServiceInstance.builder("payment-service")
 *     .address(URI.create("http://10.0.0.5:8080"))
 *     .metadata("version", "1.4.2")
 *     .build();
 * }</pre>
 *
 * @param service the service name: 1 to 128 characters from {@code A-Z a-z 0-9 . _ -},
 *     starting with a letter or digit
 * @param id the instance id, unique within the service and stage: 1 to 128 characters from
 *     {@code A-Z a-z 0-9 . _ - :}
 * @param address where the instance serves: an absolute {@code http} or {@code https} URI
 *     with a host
 * @param stage the stage the instance lives in ({@code "production"}, {@code "staging"}, ...),
 *     or {@code null} on an instance about to be registered to mean the client's default stage
 *     ({@link RegistryClient.Builder#stage(String)}); instances returned by the client always
 *     carry their stage
 * @param status the instance's status; only {@link Status#UP} instances are chosen
 * @param metadata free-form string entries (at most 64; keys 1 to 128 characters, values at
 *     most 1024); the {@code weight} entry is read by {@link LoadBalancer#weighted()}
 */
public record ServiceInstance(
    String service,
    String id,
    URI address,
    @Nullable String stage,
    Status status,
    Map<String, String> metadata) {

  /**
   * Checks every component and copies the metadata.
   *
   * @param service the service name
   * @param id the instance id
   * @param address where the instance serves
   * @param stage the stage, or null for the client's default stage
   * @param status the status
   * @param metadata the metadata entries
   * @throws IllegalArgumentException if a component breaks its rule; the message names the value
   * @throws NullPointerException if a component other than {@code stage} is null
   */
  public ServiceInstance {
    Names.checkName("service", service);
    Names.checkId(id);
    Names.checkHttpUri("address", address);
    if (stage != null) {
      Names.checkName("stage", stage);
    }
    requireNonNull(status, "status");
    requireNonNull(metadata, "metadata");
    Names.checkMetadata(metadata);
    // No map of its own when empty: a view of many instances without metadata costs less heap.
    metadata = metadata.isEmpty() ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
  }

  /**
   * Starts a builder for an instance of {@code service}.
   *
   * @param service the service name
   * @return a new builder
   * @throws IllegalArgumentException if the name breaks the naming rule
   */
  public static Builder builder(String service) {
    return new Builder(service);
  }

  /**
   * Returns a builder initialised with every component of this instance, to make a variant.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    Builder builder = new Builder(service).id(id).address(address).status(status);
    builder.stage = stage;
    builder.metadata.putAll(metadata);
    return builder;
  }

  /**
   * Returns the metadata entry {@code key}.
   *
   * @param key the entry's key
   * @return the value, or empty when the instance has no such entry
   */
  public Optional<String> metadata(String key) {
    return Optional.ofNullable(metadata.get(key));
  }

  /**
   * Whether {@code o} is an instance with the same components.
   *
   * @param o the other object
   * @return whether they are equal
   */
  @Override
  public boolean equals(Object o) {
    // Written out, as ServiceView's: the generated one costs a fresh JVM a bootstrap.
    return o instanceof ServiceInstance i && id.equals(i.id) && service.equals(i.service)
        && address.equals(i.address) && Objects.equals(stage, i.stage) && status == i.status
        && metadata.equals(i.metadata);
  }

  /**
   * A hash of the components.
   *
   * @return the hash
   */
  @Override
  public int hashCode() {
    return Objects.hash(service, id, address, stage, status, metadata);
  }

  /**
   * Returns a copy of this instance with another status.
   *
   * @param newStatus the status of the copy
   * @return the copy
   */
  public ServiceInstance withStatus(Status newStatus) {
    return new ServiceInstance(service, id, address, stage, newStatus, metadata);
  }

  /**
   * Returns a copy of this instance in another stage.
   *
   * @param newStage the stage of the copy
   * @return the copy
   */
  public ServiceInstance withStage(String newStage) {
    return new ServiceInstance(service, id, address, newStage, status, metadata);
  }

  /**
   * Builds a {@link ServiceInstance}. Each setter checks its argument at once and names the
   * bad value. Not thread-safe.
   */
  public static final class Builder {
    private final String service;
    private @Nullable String id;
    private @Nullable URI address;
    private @Nullable String stage;
    private Status status = Status.UP;
    private final Map<String, String> metadata = new LinkedHashMap<>();

    private Builder(String service) {
      this.service = Names.checkName("service", service);
    }

    /**
     * Sets the instance id. Default: a random UUID, so a restarted process registers as a new
     * instance (the registry replaces the old one that held the same address).
     *
     * @param id the id
     * @return this builder
     */
    public Builder id(String id) {
      this.id = Names.checkId(id);
      return this;
    }

    /**
     * Sets where the instance serves. Required.
     *
     * @param address an absolute http(s) URI with a host and, if it has a port, one from 1 to
     *     65535
     * @return this builder
     * @throws IllegalArgumentException if it is not; the message names the value
     */
    public Builder address(URI address) {
      this.address = Names.checkHttpUri("address", address);
      return this;
    }

    /**
     * Sets where the instance serves. Required.
     *
     * @param address an absolute http(s) URI with a host and, if it has a port, one from 1 to
     *     65535, as a string
     * @return this builder
     * @throws IllegalArgumentException if it is not; the message names the value
     */
    public Builder address(String address) {
      this.address = Names.parseHttpUri("address", address);
      return this;
    }

    /**
     * Sets the stage. Default: the client's stage at registration.
     *
     * @param stage the stage name
     * @return this builder
     */
    public Builder stage(String stage) {
      this.stage = Names.checkName("stage", stage);
      return this;
    }

    /**
     * Sets the initial status. Default: {@link Status#UP}.
     *
     * @param status the status
     * @return this builder
     */
    public Builder status(Status status) {
      this.status = requireNonNull(status, "status");
      return this;
    }

    /**
     * Adds (or replaces) one metadata entry.
     *
     * @param key 1 to 128 characters
     * @param value at most 1024 characters
     * @return this builder
     */
    public Builder metadata(String key, String value) {
      Names.checkMetadataEntry(key, value);
      if (!metadata.containsKey(key) && metadata.size() == 64) {
        throw new IllegalArgumentException("metadata must have at most 64 entries: adding '" + key + "'");
      }
      metadata.put(key, value);
      return this;
    }

    /**
     * Adds (or replaces) every entry of {@code entries}.
     *
     * @param entries the entries
     * @return this builder
     */
    public Builder metadata(Map<String, String> entries) {
      requireNonNull(entries, "entries").forEach(this::metadata);
      return this;
    }

    /**
     * Builds the instance.
     *
     * @return the instance
     * @throws IllegalStateException if no address was set
     */
    public ServiceInstance build() {
      if (address == null) {
        throw new IllegalStateException("address is required for service '" + service + "'");
      }
      String theId = id != null ? id : UUID.randomUUID().toString();
      return new ServiceInstance(service, theId, address, stage, status, metadata);
    }
  }
}
