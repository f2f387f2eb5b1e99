package dev.registry.client.spi;

import static java.util.Objects.requireNonNull;

import dev.registry.client.ServiceInstance;
import org.jspecify.annotations.Nullable;

/**
 * A registration as a {@link RegistryBackend} holds it: the instance, and the handle the
 * backend needs to find the registration again (the reference server's instance secret, an
 * etcd lease id). The core keeps it for every later call about the registration, never shows
 * the handle, and makes one without a handle to remove another client's instance.
 *
 * @param instance the instance as registered; its stage is set
 * @param handle the backend's handle of the registration, or null when it has none
 */
public record Registered(ServiceInstance instance, @Nullable String handle) {

  /**
   * Checks the components.
   *
   * @param instance the instance; its stage is set
   * @param handle the handle, or null
   * @throws NullPointerException if the instance or its stage is null
   */
  public Registered {
    requireNonNull(instance, "instance");
    requireNonNull(instance.stage(), "instance stage");
  }

  /** Never shows the handle: it may be a secret. */
  @Override
  public String toString() {
    return "Registered[" + instance + "]";
  }
}
