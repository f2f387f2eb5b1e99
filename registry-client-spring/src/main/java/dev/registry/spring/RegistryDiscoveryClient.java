package dev.registry.spring;

import static java.util.Objects.requireNonNull;

import dev.registry.client.RegistryClient;
import dev.registry.client.Status;
import java.util.List;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.DiscoveryClient;

/**
 * The Spring Cloud {@link DiscoveryClient} over the core client: what {@code @LoadBalanced}
 * clients (with Spring Cloud LoadBalancer) resolve service names with.
 *
 * <p>{@link #getInstances} answers from the core's cache, which the registry's long-poll keeps
 * fresh, and lists only {@link Status#UP} instances in the client's stage (the ones the core's
 * own {@code choose} would pick), so that a load balancer never sends calls to an instance that
 * is starting or taken out of service. It also leaves out instances the client has ejected after
 * failed calls ({@link RegistryCallLifecycle}). {@link #getServices} asks the
 * registry each time.
 * Thread-safe.
 */
public final class RegistryDiscoveryClient implements DiscoveryClient {
  private final RegistryClient client;
  private final int order;

  /**
   * Creates the discovery client.
   *
   * @param client the core client
   * @param order the order among several discovery clients (lower first)
   */
  public RegistryDiscoveryClient(RegistryClient client, int order) {
    this.client = requireNonNull(client, "client");
    this.order = order;
  }

  @Override
  public String description() {
    return "dev.registry DiscoveryClient (" + client + ")";
  }

  /**
   * Returns the UP instances of the service in the client's stage, from the cache.
   *
   * @throws dev.registry.client.RegistryException if the service was never fetched and the
   *     registry cannot be reached
   * @throws IllegalArgumentException if the name breaks the registry's naming rule
   */
  @Override
  public List<ServiceInstance> getInstances(String serviceId) {
    requireNonNull(serviceId, "serviceId");
    return upInstances(client, serviceId);
  }

  static List<ServiceInstance> upInstances(RegistryClient client, String serviceId) {
    return client.instances(serviceId).stream()
        .filter(i -> i.status() == Status.UP && !client.isEjected(i))
        .<ServiceInstance>map(RegistryServiceInstance::new)
        .toList();
  }

  /**
   * Returns the names of the services with a live instance in the client's stage. One request
   * to the registry per call.
   *
   * @throws dev.registry.client.RegistryException if the registry cannot be reached
   */
  @Override
  public List<String> getServices() {
    return client.services();
  }

  /**
   * Answers at once, without a request to the registry: lookups answer from the client's cache
   * while the registry is away, so discovery works; the registry's own state is in the
   * {@code registry} health component's details. (Spring Cloud's {@code discoveryComposite}
   * health calls this, and would otherwise go {@code DOWN} with every outage of the registry.)
   */
  @Override
  public void probe() {
    // Nothing to ask: see above.
  }

  @Override
  public int getOrder() {
    return order;
  }
}
