package dev.registry.client.lambda;

import dev.registry.client.ConfigView;
import dev.registry.client.InlineRegistryClient;
import dev.registry.client.NoInstanceAvailableException;
import dev.registry.client.RegistryException;
import dev.registry.client.ServiceInstance;
import dev.registry.client.ServiceLookup;
import dev.registry.client.ServiceView;
import java.util.List;

/**
 * What a handler sees of the registry during one invocation: lookups in the invocation's
 * stage, answered from the container's cache. A view older than the cache TTL is refreshed
 * inline (one call bounded by the request timeout); when that fails, the stale view answers.
 *
 * @see LambdaRegistry#begin
 */
public final class Discovery {
  private final InlineRegistryClient client;
  private final ServiceLookup lookup;
  private final String service;

  Discovery(InlineRegistryClient client, ServiceLookup lookup, String service) {
    this.client = client;
    this.lookup = lookup;
    this.service = service;
  }

  /**
   * Returns the function's configuration in this invocation's stage: its service's
   * ({@code REGISTRY_SERVICE_NAME}, else the function's name), as the region
   * ({@code REGISTRY_REGION}, else {@code AWS_REGION}) and client ({@code REGISTRY_CLIENT}) see
   * it. Read at the first invocation of the stage with {@code REGISTRY_CONFIG=true} (else at the
   * first call), kept for the container's life, and read again inline once older than the cache
   * TTL (one call; when it fails, the stale configuration answers). No thread.
   *
   * @return the configuration
   * @throws RegistryException if it was never read and the registry cannot be reached
   * @throws UnsupportedOperationException if the registry keeps no configuration
   */
  public ConfigView config() {
    return lookup.config(service);
  }

  /**
   * Returns one UP instance of {@code service} in this invocation's stage, round-robin.
   *
   * @param service the service name
   * @return an instance
   * @throws NoInstanceAvailableException if the service has no UP instance
   * @throws RegistryException if the service was never fetched and the registry cannot be
   *     reached
   */
  public ServiceInstance choose(String service) {
    return lookup.choose(service);
  }

  /**
   * Returns every live instance of {@code service} in this invocation's stage.
   *
   * @param service the service name
   * @return the instances, possibly empty (immutable)
   * @throws RegistryException if the service was never fetched and the registry cannot be
   *     reached
   */
  public List<ServiceInstance> instances(String service) {
    return lookup.instances(service);
  }

  /**
   * Returns the cached view of {@code service} in this invocation's stage: its instances,
   * index, and whether it is stale.
   *
   * @param service the service name
   * @return the view
   * @throws RegistryException if the service was never fetched and the registry cannot be
   *     reached
   */
  public ServiceView view(String service) {
    return lookup.view(service);
  }

  /**
   * Returns the stage of this invocation.
   *
   * @return the stage
   */
  public String stage() {
    return lookup.stage();
  }

  /**
   * Returns the container's client: lookups in other stages ({@code inStage}), and reports of
   * how calls to instances went ({@code reportFailure}, {@code reportSuccess}).
   *
   * @return the client
   */
  public InlineRegistryClient client() {
    return client;
  }

  @Override
  public String toString() {
    return "Discovery{stage=" + lookup.stage() + ", " + client + "}";
  }
}
