package dev.registry.spring;

import static java.util.Objects.requireNonNull;

import dev.registry.client.ServiceInstance;
import dev.registry.client.Status;
import java.net.URI;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.cloud.client.serviceregistry.Registration;

/**
 * This application's own instance, as Spring Cloud's {@link Registration}: what
 * {@link RegistryServiceRegistry} registers, and what the {@code /serviceregistry} actuator
 * endpoint shows.
 *
 * <p>The address is known only once the web server listens (its port may be random), so it is
 * bound then ({@link #bindAddress}); until then {@link #getPort()} is 0. Thread-safe: the
 * address is a volatile immutable value.
 */
public final class RegistryRegistration implements Registration {
  private final String serviceId;
  private final String instanceId;
  private final String stage;
  private final Map<String, String> metadata;
  private final String host;
  private volatile @Nullable URI address;

  /**
   * Creates the registration of one instance, its address not yet bound.
   *
   * @param serviceId the service name
   * @param instanceId the instance id
   * @param stage the stage
   * @param host the host of the address to come
   * @param metadata the metadata entries (copied)
   * @throws IllegalArgumentException if a name, the id or the metadata breaks the registry's rules
   */
  public RegistryRegistration(
      String serviceId, String instanceId, String stage, String host, Map<String, String> metadata) {
    // Let the core's checks name any bad value now, at startup, not at the first registration.
    ServiceInstance.builder(serviceId).id(instanceId).stage(stage).metadata(metadata)
        .address("http://" + requireNonNull(host, "host")).build();
    this.serviceId = serviceId;
    this.instanceId = instanceId;
    this.stage = stage;
    this.host = host;
    this.metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
  }

  /**
   * Binds the address this instance registers with. Called when the web server listens, or
   * for a non-web application when it is ready.
   *
   * @param address an absolute http(s) URI
   * @throws IllegalArgumentException if the address is not an absolute http(s) URI with a host
   */
  public void bindAddress(URI address) {
    ServiceInstance.builder(serviceId).address(address); // checks it
    this.address = address;
  }

  /**
   * Returns the bound address.
   *
   * @return the address, or null before it is bound
   */
  public @Nullable URI address() {
    return address;
  }

  /**
   * Returns the stage this instance registers in.
   *
   * @return the stage
   */
  public String stage() {
    return stage;
  }

  /**
   * Returns the core instance to register, with {@code status}.
   *
   * @param status the status to register with
   * @return the instance
   * @throws IllegalStateException if no address is bound yet
   */
  public ServiceInstance toInstance(Status status) {
    URI bound = address;
    if (bound == null) {
      throw new IllegalStateException("the address of " + serviceId + " " + instanceId
          + " is not bound yet: the web server has not started");
    }
    return ServiceInstance.builder(serviceId).id(instanceId).stage(stage).address(bound)
        .status(status).metadata(metadata).build();
  }

  @Override
  public String getInstanceId() {
    return instanceId;
  }

  @Override
  public String getServiceId() {
    return serviceId;
  }

  @Override
  public String getHost() {
    URI bound = address;
    return bound != null && bound.getHost() != null ? bound.getHost() : host;
  }

  @Override
  public int getPort() {
    URI bound = address;
    return bound == null ? 0 : RegistryServiceInstance.port(bound);
  }

  @Override
  public boolean isSecure() {
    URI bound = address;
    return bound != null && "https".equalsIgnoreCase(bound.getScheme());
  }

  @Override
  public URI getUri() {
    URI bound = address;
    return bound != null ? bound : URI.create("http://" + host);
  }

  @Override
  public String getScheme() {
    return getUri().getScheme();
  }

  @Override
  public Map<String, String> getMetadata() {
    return metadata;
  }

  @Override
  public String toString() {
    return "RegistryRegistration{" + serviceId + " " + instanceId + " in " + stage + " at "
        + (address != null ? address : "(not bound)") + "}";
  }
}
