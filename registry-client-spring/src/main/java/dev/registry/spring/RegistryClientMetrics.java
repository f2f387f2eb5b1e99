package dev.registry.spring;

import static java.util.Objects.requireNonNull;

import dev.registry.client.ClientStats;
import dev.registry.client.RegistryClient;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.function.ToLongFunction;

/**
 * The core client's counters as Micrometer meters, configured when Micrometer is present
 * (Spring Boot binds every {@link MeterBinder} bean to its registries):
 *
 * <ul>
 *   <li>{@code registry.client.lookups}, {@code registry.client.cache.hits},
 *       {@code registry.client.refreshes}: lookups, those answered from the cache alone, and
 *       views fetched or pushed;
 *   <li>{@code registry.client.failures}: failed calls to the registry (every attempt);
 *   <li>{@code registry.client.heartbeats} tagged {@code result=sent|failed}, and
 *       {@code registry.client.reregistrations};
 *   <li>{@code registry.client.reachable}: 1 while the registry is reachable, else 0.
 * </ul>
 *
 * The meters read {@link RegistryClient#stats()} when they are published; nothing is counted
 * twice.
 */
public final class RegistryClientMetrics implements MeterBinder {
  private final RegistryClient client;
  private final RegistryReachability reachability;

  /**
   * Creates the binder.
   *
   * @param client the core client
   * @param reachability the reachability tracker fed by the client's events
   */
  public RegistryClientMetrics(RegistryClient client, RegistryReachability reachability) {
    this.client = requireNonNull(client, "client");
    this.reachability = requireNonNull(reachability, "reachability");
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    requireNonNull(registry, "registry");
    counter(registry, "registry.client.lookups", "Service lookups", ClientStats::lookups);
    counter(registry, "registry.client.cache.hits", "Lookups answered from the cache alone",
        ClientStats::cacheHits);
    counter(registry, "registry.client.refreshes", "Views fetched from or pushed by the registry",
        ClientStats::refreshes);
    counter(registry, "registry.client.failures", "Failed calls to the registry",
        ClientStats::registryFailures);
    counter(registry, "registry.client.reregistrations",
        "Instances registered again after the registry forgot them", ClientStats::reRegistrations);
    FunctionCounter.builder("registry.client.heartbeats", client,
            c -> c.stats().heartbeatsSent())
        .tag("result", "sent").description("Heartbeats").register(registry);
    FunctionCounter.builder("registry.client.heartbeats", client,
            c -> c.stats().heartbeatsFailed())
        .tag("result", "failed").description("Heartbeats").register(registry);
    Gauge.builder("registry.client.reachable", reachability, r -> r.reachable() ? 1 : 0)
        .description("1 while the registry answered the client's last call").register(registry);
  }

  private void counter(MeterRegistry registry, String name, String description,
      ToLongFunction<ClientStats> stat) {
    FunctionCounter.builder(name, client, c -> stat.applyAsLong(c.stats()))
        .description(description).register(registry);
  }
}
