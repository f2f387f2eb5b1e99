package dev.registry.client;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Picks one instance of a service for {@link ServiceLookup#choose(String)} and
 * {@link ServiceLookup#startCall(String)}. One method; the built-ins are {@link #roundRobin()}
 * (the default), {@link #random()}, {@link #weighted()} and {@link #leastLoaded()}. The client
 * hands it the instances to pick from: a service's {@code UP} instances, or those of the
 * client's zone ({@link RegistryClient.Builder#zone}); it skips ejected ones itself.
 *
 * <p>An implementation is shared by every service of a client and called concurrently from
 * any thread, on the hot path of every call a service makes: it must be thread-safe and
 * should take no lock and allocate nothing. Per-service state it needs comes in as arguments:
 * the list is an immutable snapshot that changes identity only when the service's view
 * changes, and {@code sequence} is a per-service counter.
 */
@FunctionalInterface
public interface LoadBalancer {

  /**
   * Picks one of {@code instances}.
   *
   * @param instances {@link Status#UP} instances of the service (all, or those of a zone):
   *     never empty, immutable, in the registry's order; the same list object until the view
   *     changes
   * @param sequence a per-service number that goes up by one with every choice the calling
   *     thread makes (it wraps around, so use {@link Math#floorMod(int, int)}). While one
   *     thread at a time picks from a service, that is every choice. Once picks from several
   *     threads collide, the threads draw from separate counters, so that picks do not fight
   *     over one cache line. Those counters start one apart, and each goes up by one.
   * @return one element of {@code instances}
   */
  ServiceInstance choose(List<ServiceInstance> instances, int sequence);

  /**
   * Round-robin: the instances in turn, {@code instances.get(floorMod(sequence, size))}. Calls
   * spread evenly: exactly from one thread, and within one call per counter when several
   * threads pick at once. The default.
   *
   * @return the round-robin load balancer (stateless, shared)
   */
  static LoadBalancer roundRobin() {
    return LoadBalancers.ROUND_ROBIN;
  }

  /**
   * Uniformly random, from {@link ThreadLocalRandom}.
   *
   * @return the random load balancer (stateless, shared)
   */
  static LoadBalancer random() {
    return LoadBalancers.RANDOM;
  }

  /**
   * Weighted round-robin by the {@code weight} metadata entry of each instance (a
   * non-negative integer; absent or unreadable means 1, and 0 means never chosen unless every
   * weight is 0). Over any {@code sum(weights)} consecutive calls each instance is chosen
   * exactly its weight's times. The cumulative weights are computed once per view change (for
   * a list of the client's; a list given by other code is read anew at each call).
   *
   * @return a new weighted load balancer
   */
  static LoadBalancer weighted() {
    return new LoadBalancers.Weighted();
  }

  /**
   * Least-loaded, by the power of two choices (as Finagle's and Linkerd's): of two instances
   * drawn at random, the one with fewer calls in flight, as counted from
   * {@link ServiceLookup#startCall} to {@link Call#end}; a tie goes to the first drawn. Calls
   * picked by {@link ServiceLookup#choose} are not counted, so for those it is random. Slow
   * instances hold their calls longer, and so get fewer new ones.
   *
   * @return the least-loaded load balancer (stateless, shared)
   */
  static LoadBalancer leastLoaded() {
    return LoadBalancers.LEAST_LOADED;
  }
}
