package dev.registry.client.lambda;

import dev.registry.client.NoInstanceAvailableException;
import dev.registry.client.RegistryClient;
import dev.registry.client.RegistryException;
import dev.registry.client.ServiceInstance;
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
  private final RegistryClient client;
  private final String stage;

  Discovery(RegistryClient client, String stage) {
    this.client = client;
    this.stage = stage;
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
    return client.choose(service, stage);
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
    return client.instances(service, stage);
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
    return client.view(service, stage);
  }

  /**
   * Returns the stage of this invocation.
   *
   * @return the stage
   */
  public String stage() {
    return stage;
  }

  /**
   * Returns the container's client, for lookups in other stages.
   *
   * @return the client
   */
  public RegistryClient client() {
    return client;
  }

  @Override
  public String toString() {
    return "Discovery{stage=" + stage + ", " + client + "}";
  }
}
