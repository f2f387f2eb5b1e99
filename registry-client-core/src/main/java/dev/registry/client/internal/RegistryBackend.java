package dev.registry.client.internal;

import dev.registry.client.RegistryException;
import dev.registry.client.ServiceInstance;
import dev.registry.client.ServiceView;
import dev.registry.client.Status;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * A registry, in the client's domain terms. The reference server's HTTP wire is one
 * implementation ({@link HttpRegistryBackend}); an etcd backend would be another, behind the
 * same public API. Each method makes one attempt: retries, failover between URLs and timing
 * are the caller's (except that an implementation moves to its next URL after a failure).
 *
 * <p>Every method throws {@link dev.registry.client.RegistryUnavailableException} for a
 * transient failure (retried by the caller) and
 * {@link dev.registry.client.RegistryRejectedException} for a refusal (not retried).
 */
interface RegistryBackend {

  /**
   * Registers (or re-registers, renewing the lease) an instance whose stage is set.
   *
   * @return the instance as registered (the registry may have given the id)
   */
  ServiceInstance register(ServiceInstance instance, long ttlSeconds, Duration timeout);

  /** Renews the lease; {@code false} when the registry does not know the instance. */
  boolean renew(ServiceInstance instance, Duration timeout);

  /** Removes the instance; {@code false} when the registry did not know it. */
  boolean deregister(ServiceInstance instance, Duration timeout);

  /** Changes the instance's status; {@code false} when the registry does not know it. */
  boolean status(ServiceInstance instance, Status status, Duration timeout);

  /** Returns the current view; an unknown service is an empty view. */
  ServiceView discover(String service, String stage, Duration timeout);

  /**
   * Returns every service of {@code stage} with its view, in one call (the catalog route).
   * The default throws {@link UnsupportedOperationException}: a backend without a catalog.
   */
  default Map<String, ServiceView> catalog(String stage, Duration timeout) {
    throw new UnsupportedOperationException("no catalog: " + this);
  }

  /**
   * Returns the view once its index differs from {@code index}, or when {@code wait} ends
   * (then the same view). Completes exceptionally with a {@link RegistryException}; cancelling
   * the future abandons the request.
   */
  CompletableFuture<ServiceView> watch(
      String service, String stage, long index, Duration wait, Duration timeout);
}
