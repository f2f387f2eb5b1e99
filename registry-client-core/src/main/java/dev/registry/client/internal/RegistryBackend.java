package dev.registry.client.internal;

import dev.registry.client.RegistryException;
import dev.registry.client.ServiceInstance;
import dev.registry.client.ServiceView;
import dev.registry.client.Status;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

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
   * A registration as the registry took it: the instance (the registry may have given the id)
   * and the secret that later calls about it present, null when the registry gave none.
   */
  record Registered(ServiceInstance instance, @Nullable String secret) {
    @Override
    public String toString() {
      return "Registered[" + instance + "]"; // never the secret
    }
  }

  /**
   * Registers (or re-registers, renewing the lease) an instance whose stage is set, presenting
   * {@code secret} (null for none: the first registration).
   */
  Registered register(ServiceInstance instance, @Nullable String secret, long ttlSeconds, Duration timeout);

  /** Registers without a secret. @return the instance as registered */
  default ServiceInstance register(ServiceInstance instance, long ttlSeconds, Duration timeout) {
    return register(instance, null, ttlSeconds, timeout).instance();
  }

  /**
   * Renews the lease; {@code false} when the registry does not know the instance, or no longer
   * takes {@code secret} for it (someone registered its address since): register again.
   */
  boolean renew(ServiceInstance instance, @Nullable String secret, Duration timeout);

  /** Removes the instance; {@code false} when the registry did not know it. */
  boolean deregister(ServiceInstance instance, @Nullable String secret, Duration timeout);

  /** Changes the instance's status; {@code false} as for {@link #renew}. */
  boolean status(ServiceInstance instance, @Nullable String secret, Status status, Duration timeout);

  /** {@link #renew(ServiceInstance, String, Duration)} without a secret. */
  default boolean renew(ServiceInstance instance, Duration timeout) {
    return renew(instance, null, timeout);
  }

  /** {@link #deregister(ServiceInstance, String, Duration)} without a secret. */
  default boolean deregister(ServiceInstance instance, Duration timeout) {
    return deregister(instance, null, timeout);
  }

  /** {@link #status(ServiceInstance, String, Status, Duration)} without a secret. */
  default boolean status(ServiceInstance instance, Status status, Duration timeout) {
    return status(instance, null, status, timeout);
  }

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

  /**
   * An answer of {@link #watchServices}: the index to ask past next, whether it holds only the
   * views that changed ({@code delta}) or every named one, and those views (an empty view for
   * a service without instances), and the registry's epoch (a name of its run; null if none).
   */
  record ServiceCatalog(long index, boolean delta, Map<String, ServiceView> views, @Nullable String epoch) {}

  /**
   * One long-poll for many services: returns the views of the named services of {@code stage}
   * that changed past {@code index} (every named one when {@code index} is 0 or the registry
   * restarted) once one of them changes, or when {@code wait} ends. Completes with null when
   * the registry cannot do this (no such route, or it ignores the list): the caller then
   * watches each service with {@link #watch}. The default completes with null. Completes
   * exceptionally and cancels as {@link #watch} does.
   */
  default CompletableFuture<@Nullable ServiceCatalog> watchServices(
      String stage, Collection<String> services, long index, Duration wait, Duration timeout) {
    return CompletableFuture.completedFuture(null);
  }
}
