package dev.registry.spring;

import static java.util.Objects.requireNonNull;

import dev.registry.client.Call;
import java.net.URI;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.cloud.client.ServiceInstance;

/**
 * A Spring Cloud {@link ServiceInstance} over one instance of the core client. Immutable. One
 * that {@link RegistryLoadBalancer} picked carries the call it started, for
 * {@link RegistryCallLifecycle} to end; equality ignores it.
 */
public final class RegistryServiceInstance implements ServiceInstance {
  private final dev.registry.client.ServiceInstance instance;
  private final @Nullable Call call;

  /**
   * Wraps a core instance.
   *
   * @param instance the core instance
   */
  public RegistryServiceInstance(dev.registry.client.ServiceInstance instance) {
    this.instance = requireNonNull(instance, "instance");
    this.call = null;
  }

  /** The instance of a call our balancer started. */
  RegistryServiceInstance(Call call) {
    this.instance = call.instance();
    this.call = call;
  }

  /** The call our balancer started with this pick, or null. */
  @Nullable Call call() {
    return call;
  }

  /**
   * Returns the core instance: its stage and status as well.
   *
   * @return the core instance
   */
  public dev.registry.client.ServiceInstance instance() {
    return instance;
  }

  @Override
  public String getInstanceId() {
    return instance.id();
  }

  @Override
  public String getServiceId() {
    return instance.service();
  }

  @Override
  public String getHost() {
    return instance.address().getHost();
  }

  /** The address's port, or the scheme's default (80, 443) when the address names none. */
  @Override
  public int getPort() {
    return port(instance.address());
  }

  @Override
  public boolean isSecure() {
    return "https".equalsIgnoreCase(instance.address().getScheme());
  }

  @Override
  public URI getUri() {
    return instance.address();
  }

  @Override
  public String getScheme() {
    return instance.address().getScheme();
  }

  @Override
  public Map<String, String> getMetadata() {
    return instance.metadata();
  }

  static int port(URI address) {
    if (address.getPort() >= 0) {
      return address.getPort();
    }
    return "https".equalsIgnoreCase(address.getScheme()) ? 443 : 80;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RegistryServiceInstance other && other.instance.equals(instance);
  }

  @Override
  public int hashCode() {
    return instance.hashCode();
  }

  @Override
  public String toString() {
    return "RegistryServiceInstance{" + instance + "}";
  }
}
