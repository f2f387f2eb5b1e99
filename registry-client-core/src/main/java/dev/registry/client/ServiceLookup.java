package dev.registry.client;

import java.util.List;

/**
 * Lookups of services in one stage, answered from the client's cache: what
 * {@link RegistryClient} and {@link InlineRegistryClient} answer for their stage, and
 * {@link #inStage} for another. Only the first lookup of a service calls the registry; after
 * that a background client's watch, or an inline client's refresh on its callers' threads,
 * keeps its view fresh, and a lookup keeps answering from the last good view while the
 * registry is unreachable (marked {@link ServiceView#stale() stale}).
 *
 * <p>Thread-safe. A lookup of a client that is closed throws {@link IllegalStateException}.
 */
public interface ServiceLookup {

  /**
   * Returns one {@link Status#UP} instance of {@code service}, picked by the client's load
   * balancer, skipping instances that are {@linkplain #isEjected ejected}. Lock-free and
   * allocation-free once the service is cached.
   *
   * @param service the service name
   * @return an UP instance
   * @throws NoInstanceAvailableException if the service has no UP instance
   * @throws RegistryException if the service was never fetched and the registry cannot be
   *     reached
   * @throws IllegalArgumentException if the name breaks the naming rule
   */
  ServiceInstance choose(String service);

  /**
   * Returns every live instance of {@code service}, of every status.
   *
   * @param service the service name
   * @return the instances, possibly empty (immutable)
   * @throws RegistryException if the service was never fetched and the registry cannot be
   *     reached
   */
  List<ServiceInstance> instances(String service);

  /**
   * Returns the whole cached view of {@code service}: instances, index, and whether it is
   * stale.
   *
   * @param service the service name
   * @return the view
   * @throws RegistryException if the service was never fetched and the registry cannot be
   *     reached
   */
  ServiceView view(String service);

  /**
   * Tells {@code listener} of every change of {@code service}'s view, starting with the current
   * view as soon as it is known (at once when it is cached). The service stays cached, and
   * watched, while the subscription is open. Does not throw when the registry is unreachable:
   * the listener hears of the service once it can be fetched. A background client tells the
   * listener on its own threads; an inline client on the thread whose lookup or due work found
   * the change.
   *
   * @param service the service name
   * @param listener the listener
   * @return the subscription; close it to stop
   */
  Watch watch(String service, ServiceListener listener);

  /**
   * Returns the configuration of {@code service} as this service sees it: in this lookup's
   * stage, and the client's region and client ({@link RegistryClient.Builder#region},
   * {@link RegistryClient.Builder#client}), each key's most specific value. The first call reads
   * it from the registry (with retries) and, in a background client, watches it from then on, so
   * that later calls read the cache and nothing else; an inline client reads it again once it
   * is older than the refresh interval (one attempt). While the registry is unreachable the last
   * configuration is served, marked {@linkplain ConfigView#stale() stale}.
   *
   * @param service the service name
   * @return the configuration; empty, at index 0, for a service that has none
   * @throws RegistryException if it was never read and the registry cannot be reached
   * @throws UnsupportedOperationException if the registry keeps no configuration
   * @throws IllegalStateException if its first read was rejected (a value of a declared key
   *     that does not parse), naming the key
   * @throws IllegalArgumentException if the name breaks the naming rule
   */
  ConfigView config(String service);

  /**
   * Tells {@code listener} of every change of {@code service}'s configuration, starting with the
   * current one as soon as it is known (at once when it is read); before each change is taken,
   * the listener may {@linkplain ConfigListener#check reject} it. The configuration stays read,
   * and watched, for the client's life. Does not throw when the registry is unreachable: the
   * listener hears of the configuration once it can be read.
   *
   * @param service the service name
   * @param listener the listener
   * @return the subscription; close it to stop
   * @throws UnsupportedOperationException if the registry keeps no configuration
   * @throws IllegalArgumentException if the name breaks the naming rule
   */
  Watch watchConfig(String service, ConfigListener listener);

  /**
   * Returns the names of the services that have at least one live instance, sorted. Asks the
   * registry each time (one call, with retries): not cached, so it suits management views (the
   * Spring adapter's {@code DiscoveryClient.getServices()}), not a hot path.
   *
   * @return the service names (immutable, possibly empty)
   * @throws RegistryException if the registry could not be reached
   * @throws UnsupportedOperationException if the registry keeps no catalog of its services
   */
  List<String> services();

  /**
   * Returns the same lookups in another stage, over the same cache.
   *
   * @param stage the stage name
   * @return the lookups of that stage
   * @throws IllegalArgumentException if the name breaks the naming rule
   */
  ServiceLookup inStage(String stage);

  /**
   * Tells the client that a call to {@code instance} failed (a refused connection, a timeout).
   * An instance that failed {@link RegistryClient.Builder#ejection(int, java.time.Duration) N
   * times in a row} is skipped by {@link #choose} for the ejection time, as long as no more than
   * half of its service's UP instances are skipped at once. Cheap; ignores an instance the
   * client does not hold.
   *
   * @param instance an instance a lookup returned
   */
  void reportFailure(ServiceInstance instance);

  /**
   * Tells the client that a call to {@code instance} worked: its run of failures starts again
   * from zero, and an ejection ends.
   *
   * @param instance an instance a lookup returned
   */
  void reportSuccess(ServiceInstance instance);

  /**
   * Whether {@code instance} is ejected now: {@link #choose} skips it, and so should a load
   * balancer of another framework that picks from {@link #instances}. Lock-free and
   * allocation-free; false for an instance the client does not hold.
   *
   * @param instance an instance a lookup returned
   * @return whether it is ejected
   */
  boolean isEjected(ServiceInstance instance);

  /**
   * Returns the stage of these lookups.
   *
   * @return the stage
   */
  String stage();
}
