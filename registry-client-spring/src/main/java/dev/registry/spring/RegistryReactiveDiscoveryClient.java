package dev.registry.spring;

import static java.util.Objects.requireNonNull;

import dev.registry.client.RegistryClient;
import java.util.List;
import java.util.function.Supplier;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.ReactiveDiscoveryClient;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

/**
 * The Spring Cloud {@link ReactiveDiscoveryClient} over the core client, configured when Reactor
 * is present. Answers like {@link RegistryDiscoveryClient}; since the first lookup of a service
 * (and every {@link #getServices()}) may block on the registry, the work runs on Reactor's
 * bounded elastic scheduler, within the context of the code that asked ({@link CallerContext}:
 * with tracing, a registry call made there is a span of the caller's trace). Thread-safe.
 */
public final class RegistryReactiveDiscoveryClient implements ReactiveDiscoveryClient {
  private final RegistryClient client;
  private final int order;

  /**
   * Creates the discovery client.
   *
   * @param client the core client
   * @param order the order among several discovery clients (lower first)
   */
  public RegistryReactiveDiscoveryClient(RegistryClient client, int order) {
    this.client = requireNonNull(client, "client");
    this.order = order;
  }

  @Override
  public String description() {
    return "dev.registry ReactiveDiscoveryClient (" + client + ")";
  }

  @Override
  public Flux<ServiceInstance> getInstances(String serviceId) {
    requireNonNull(serviceId, "serviceId");
    Supplier<List<ServiceInstance>> lookup =
        CallerContext.carried(() -> RegistryDiscoveryClient.upInstances(client, serviceId));
    return Flux.defer(() -> Flux.fromIterable(lookup.get())).subscribeOn(Schedulers.boundedElastic());
  }

  @Override
  public Flux<String> getServices() {
    Supplier<List<String>> services = CallerContext.carried(client::services);
    return Flux.defer(() -> Flux.fromIterable(services.get())).subscribeOn(Schedulers.boundedElastic());
  }

  @Override
  public int getOrder() {
    return order;
  }
}
