package dev.registry.client.spi;

import dev.registry.client.ConfigKey;
import dev.registry.client.RegistryRejectedException;
import dev.registry.client.RegistryUnavailableException;
import dev.registry.client.ServiceInstance;
import dev.registry.client.Status;
import dev.registry.client.Watch;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A registry, in the client's own terms: what a client needs of a registry to register
 * instances, keep their leases, and keep views of services fresh. The reference server's HTTP
 * wire is one implementation; a backend for another store (etcd, an object store, ...)
 * implements this interface and a {@link RegistryBackendProvider} for its URL scheme, and needs
 * nothing else of the core.
 *
 * <h2>The contract</h2>
 *
 * <p><b>Life.</b> A client makes one backend, through its provider, at its first call to the
 * registry (never when it is built), uses it from any thread, and closes it when the client
 * closes. Methods are called concurrently: an implementation is thread-safe.
 *
 * <p><b>One attempt per call.</b> Each blocking method makes one attempt, bounded by its
 * {@code timeout}, and returns or throws. Retries, backoff, deadlines, counting failures and
 * telling the user's {@code EventListener} are the core's. When a registry has several members
 * (several registry URLs), the backend picks which one to ask; after a failure it should move
 * to another, so that the core's next attempt goes elsewhere.
 *
 * <p><b>Failures.</b> A failure that another attempt may not meet (no connection, a timeout, an
 * overloaded or restarting member) is a {@link RegistryUnavailableException}: the core retries
 * it and serves its cached views meanwhile. A refusal that the same request would meet again
 * (invalid input, not authorized) is a {@link RegistryRejectedException}: not retried. Nothing
 * else is thrown for the registry's behaviour; an answer the backend cannot read is a
 * {@link RegistryUnavailableException} naming what was asked.
 *
 * <p><b>Leases.</b> {@link #register} keeps an instance for {@link BackendContext#leaseTtl()}
 * unless {@link #renew} renews it. The backend may give each registration a handle (the
 * reference server's instance secret, an etcd lease id): the core keeps it and hands it back in
 * every later call about that registration, and never logs it. {@link #renew} and
 * {@link #status} answer {@code false} when the registry no longer holds the registration (it
 * expired, the registry lost it, someone else took its address): the core then registers the
 * instance again, at once, with its latest status.
 *
 * <p><b>Views.</b> Every read answers a {@link StageViews}: views of services of one stage, the
 * registry's index past which a watch misses nothing, and which run of the registry answered.
 * A service the registry does not know is a view without instances, never an exception.
 *
 * <p><b>Watching.</b> A backend that can push changes, or hold a request until one happens,
 * implements {@link #watch}. One that cannot keeps the default: the core then reads the stage
 * every refresh interval instead (with {@link #catalog} when the backend has one, else with
 * {@link #discover} per service).
 *
 * <p><b>Configuration.</b> A registry may also keep each service's configuration (docs/api.md,
 * "Configuration"): {@link #config} reads it as one reader sees it, {@link #watchConfig} follows
 * it, {@link #declareConfig} writes a service's declared defaults where no value exists, and
 * {@link #renew(Registered, long, Duration)} reports with a renewal which index an instance has
 * applied. They go together: a backend implements all four, or keeps all four defaults, which
 * say plainly that this registry keeps no configuration (an {@link UnsupportedOperationException};
 * {@link #watchConfig}'s default says it cannot watch, so that the core polls {@link #config}).
 * The core turns that into an error for the caller naming the registry, never into an empty
 * configuration that would look like a real one. The same rules hold as for views: one attempt
 * per call, the same two exceptions, the same epochs.
 */
public interface RegistryBackend extends AutoCloseable {

  /**
   * Registers an instance, or registers it again (renewing its lease) when {@code handle} is
   * the handle of its registration.
   *
   * @param instance the instance; its stage is set
   * @param handle the handle this backend gave the instance's registration before, or null for
   *     a first registration
   * @param timeout the bound of the attempt
   * @return the registration: the instance as the registry holds it (the registry may have
   *     given it another id) and its handle
   * @throws RegistryUnavailableException if the registry could not be reached
   * @throws RegistryRejectedException if the registry refused the instance
   */
  Registered register(ServiceInstance instance, @Nullable String handle, Duration timeout);

  /**
   * Renews the lease of a registration.
   *
   * @param registration the registration
   * @param timeout the bound of the attempt
   * @return {@code false} when the registry no longer holds it: the core registers again
   * @throws RegistryUnavailableException if the registry could not be reached
   * @throws RegistryRejectedException if the registry refused the renewal
   */
  boolean renew(Registered registration, Duration timeout);

  /**
   * Changes the status of a registered instance, keeping its lease.
   *
   * @param registration the registration
   * @param status the new status
   * @param timeout the bound of the attempt
   * @return {@code false} when the registry no longer holds it: the core registers again with
   *     the new status
   * @throws RegistryUnavailableException if the registry could not be reached
   * @throws RegistryRejectedException if the registry refused the change
   */
  boolean status(Registered registration, Status status, Duration timeout);

  /**
   * Removes a registration, and ends its lease. The registration may be another client's (its
   * handle is then null): the registry removes the instance it names.
   *
   * @param registration the registration
   * @param timeout the bound of the attempt
   * @return {@code false} when the registry did not hold it
   * @throws RegistryUnavailableException if the registry could not be reached
   * @throws RegistryRejectedException if the registry refused the removal
   */
  boolean deregister(Registered registration, Duration timeout);

  /**
   * Reads the view of one service: a {@linkplain StageViews#complete() complete} answer that
   * holds it, without instances when the registry does not know the service.
   *
   * @param service the service
   * @param stage the stage
   * @param timeout the bound of the attempt
   * @return the answer
   * @throws RegistryUnavailableException if the registry could not be reached or its answer
   *     could not be read
   * @throws RegistryRejectedException if the registry refused the read
   */
  StageViews discover(String service, String stage, Duration timeout);

  /**
   * Reads every service of a stage that has instances, in one call: a
   * {@linkplain StageViews#complete() complete} answer. The core warms a cache with it and, for
   * a registry that cannot be watched, polls a stage with it. The default answers empty: a
   * registry without a catalog, whose services the core then reads one by one.
   *
   * @param stage the stage
   * @param timeout the bound of the attempt
   * @return the answer, or empty when this registry has no catalog
   * @throws RegistryUnavailableException if the registry could not be reached or its answer
   *     could not be read
   * @throws RegistryRejectedException if the registry refused the read
   */
  default Optional<StageViews> catalog(String stage, Duration timeout) {
    return Optional.empty();
  }

  /**
   * Lists the names of the services of a stage that have instances, without their views: asked
   * only when {@link #catalog} is empty, to answer {@code ServiceLookup.services()} of a
   * registry that lists its services but has no catalog (the seed's {@code GET /services}). The
   * default answers empty: the registry cannot list its services.
   *
   * @param stage the stage
   * @param timeout the bound of the attempt
   * @return the names, or empty when this registry cannot list them
   * @throws RegistryUnavailableException if the registry could not be reached or its answer
   *     could not be read
   * @throws RegistryRejectedException if the registry refused the read
   */
  default Optional<List<String>> services(String stage, Duration timeout) {
    return Optional.empty();
  }

  /**
   * Names the stages in which {@code service} has instances, so that a lookup that found none
   * in its own stage can say where the service is ("it is registered in stage(s)
   * 'greeting'"). The core asks only on that failure path, never for a cached lookup, and at
   * most once per refresh interval per service, so this may cost several reads. The default
   * answers empty: a registry that cannot tell.
   *
   * @param service the service
   * @param timeout the bound of the whole answer
   * @return the stages, sorted, without duplicates; empty when the service has no instance, or
   *     when this registry cannot tell
   * @throws RegistryUnavailableException if the registry could not be reached or its answer
   *     could not be read
   * @throws RegistryRejectedException if the registry refused the read
   */
  default List<String> stagesOf(String service, Duration timeout) {
    return List.of();
  }

  /**
   * Starts watching services of one stage, and returns at once: {@code listener} hears of
   * their views on the backend's own threads (or the transport's) until the watch fails, says
   * it is unsupported, or is closed.
   *
   * <ul>
   *   <li>Answers come one at a time, in order. The first, when {@link WatchRequest#since()} is
   *       0, holds every service asked about; after that, an answer may hold only the views that
   *       changed (a delta), and an answer that holds no view confirms every view as unchanged
   *       (send one now and then, so that the core knows the registry is there: the reference
   *       server's long-poll answers one when its wait ends). Each answer's
   *       {@link StageViews#index()} is where a new watch of the same services starts without
   *       missing a change.</li>
   *   <li>A failure ends the watch: {@link WatchListener#failed} once, then nothing. The core
   *       marks the views stale and starts a new watch after a backoff, asking in full.</li>
   *   <li>A registry that cannot watch what was asked says so with
   *       {@link WatchListener#unsupported()}, which ends the watch too. Asked for several
   *       services, the core then watches them one at a time; asked for one, it polls the stage
   *       instead, every refresh interval. Either lasts for the client's life. The listener may
   *       be told before this method returns.</li>
   *   <li>The core closes the watch when the services to watch change (it then starts a new
   *       one) and when the client closes, sometimes from within the listener. Closing returns
   *       at once, without waiting for a listener call in progress on another thread (the core
   *       may hold a lock that call needs), and abandons what is in flight; the listener may
   *       still hear of an answer that was being delivered, and the core ignores it.</li>
   * </ul>
   *
   * <p>The default says at once that this registry cannot be watched.
   *
   * @param request what to watch, and from where
   * @param listener told of the answers
   * @return the watch; closing it stops it (idempotent)
   */
  default Watch watch(WatchRequest request, WatchListener listener) {
    listener.unsupported();
    return () -> { };
  }

  /**
   * Reads a service's configuration as the query's reader sees it: for each key, the value of
   * the most specific scope that applies to the reader's stage, region and client. A service
   * without configuration answers no values at index 0, never an exception.
   *
   * <p>The default throws {@link UnsupportedOperationException}: this registry keeps no
   * configuration.
   *
   * @param query whose configuration, as which reader
   * @param timeout the bound of the attempt
   * @return the answer
   * @throws RegistryUnavailableException if the registry could not be reached or its answer
   *     could not be read
   * @throws RegistryRejectedException if the registry refused the read
   * @throws UnsupportedOperationException if this registry keeps no configuration
   */
  default ConfigAnswer config(ConfigQuery query, Duration timeout) {
    throw noConfiguration(this, "config");
  }

  /**
   * Starts following one configuration, and returns at once, as {@link #watch} does for views:
   * {@code listener} hears each answer (one at a time, in order: a changed configuration, or the
   * same one confirmed now and then), until the watch fails ({@link ConfigWatchListener#failed}:
   * the core marks it stale and watches again after a backoff, from the index it holds), says
   * it cannot watch ({@link ConfigWatchListener#unsupported()}: the core reads
   * {@link #config} every refresh interval instead), or is closed (closing returns at once and
   * abandons what is in flight). A change of the configuration after {@code since} must reach the
   * listener; a change that does not affect the reader may, or may not.
   *
   * <p>The default says at once that this registry cannot watch configuration.
   *
   * @param query whose configuration, as which reader
   * @param since the index of the configuration the core holds: changes past it are wanted (0 for
   *     none held)
   * @param epoch the run of the registry that {@code since} came from, or null: a registry whose
   *     run differs answers at once, since its indexes mean nothing to the core
   * @param listener told of the answers
   * @return the watch; closing it stops it (idempotent)
   */
  default Watch watchConfig(ConfigQuery query, long since, @Nullable String epoch, ConfigWatchListener listener) {
    listener.unsupported();
    return () -> { };
  }

  /**
   * Writes a service's declared keys, at the scope of the service itself: each key's default
   * value and description, where that key has no value yet. A key that has a value (an
   * operator's) keeps it: declaring never overwrites.
   *
   * <p>The default throws {@link UnsupportedOperationException}: this registry keeps no
   * configuration.
   *
   * @param service the service
   * @param keys the declared keys, one or more
   * @param timeout the bound of the attempt
   * @return the index of the service's configuration after the write (unchanged when every key
   *     had a value)
   * @throws RegistryUnavailableException if the registry could not be reached
   * @throws RegistryRejectedException if the registry refused the write (a bad key, a limit,
   *     a missing token)
   * @throws UnsupportedOperationException if this registry keeps no configuration
   */
  default long declareConfig(String service, List<ConfigKey> keys, Duration timeout) {
    throw noConfiguration(this, "declareConfig");
  }

  /**
   * Renews the lease of a registration, as {@link #renew(Registered, Duration)}, and reports the
   * index of the configuration the instance has applied, for the registry to show (the
   * reference server keeps it with the instance: {@code config_index}). The core calls it only
   * for an instance whose service's configuration it holds; otherwise the plain renewal.
   *
   * <p>The default throws {@link UnsupportedOperationException}: this registry keeps no
   * configuration. (The core then renews without the index, and says so once in its log.)
   *
   * @param registration the registration
   * @param configIndex the index of the configuration the instance applied, 0 or more
   * @param timeout the bound of the attempt
   * @return {@code false} when the registry no longer holds it: the core registers again
   * @throws RegistryUnavailableException if the registry could not be reached
   * @throws RegistryRejectedException if the registry refused the renewal
   * @throws UnsupportedOperationException if this registry keeps no configuration
   */
  default boolean renew(Registered registration, long configIndex, Duration timeout) {
    throw noConfiguration(this, "renew with a configuration index");
  }

  private static UnsupportedOperationException noConfiguration(RegistryBackend backend, String what) {
    return new UnsupportedOperationException(backend + " keeps no configuration (" + backend.getClass().getName()
        + " does not implement RegistryBackend." + what + ")");
  }

  /**
   * Releases what the backend made (connections, threads of its own). Not the context's
   * transport, which the client owns. The default does nothing.
   */
  @Override
  default void close() {}
}
