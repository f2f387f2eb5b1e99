package dev.registry.client;

import java.time.Duration;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Hears what a client does, for metrics and tracing. Every method has a no-op default, so
 * implement only what you need; {@link #NONE} hears nothing. {@code registry-client-micrometer}
 * has one that records into Micrometer.
 *
 * <p>Methods are called on whichever thread did the work (the caller's, the scheduler's, or
 * an HTTP thread): return quickly, do not block. An exception a method throws is logged and
 * otherwise ignored. Nothing is called on the path of a cached lookup, except
 * {@link #staleServed} while the registry is away.
 */
public interface EventListener {

  /** An event listener that does nothing. The default. */
  EventListener NONE = new EventListener() {};

  /**
   * This listener was given to a client, which was just built. Called once per client, on the
   * thread that built it, before anything else.
   *
   * @param stats reads the client's counters ({@link ClientStats}), at any time from any thread:
   *     for meters that read them when they are published, so that a lookup costs nothing more
   */
  default void clientBuilt(Supplier<ClientStats> stats) {}

  /**
   * A blocking call to the registry starts ({@link RegistryCall}: a registration, a heartbeat,
   * a status change, a deregistration, a service's first fetch or a refresh, a catalog read),
   * retries included. The call runs on this thread, which tells the returned listener when it
   * has ended, before it does anything else: a listener may open a scope for the call's
   * duration (a tracing span, a log context) and close it then.
   *
   * @param call what the call does
   * @return what hears the call's end; the default {@link CallListener#NONE}
   */
  default CallListener callStarted(RegistryCall call) {
    return CallListener.NONE;
  }

  /**
   * A lookup was answered from a view marked {@link ServiceView#stale() stale}: the registry
   * could not confirm it lately (it is away), and the last good view served. Called on the
   * caller's thread, at every such lookup.
   *
   * @param view the view served
   */
  default void staleServed(ServiceView view) {}

  /**
   * An instance was ejected: reported failed enough times in a row that {@code choose} skips
   * it for a while ({@code Builder.ejection}).
   *
   * @param instance the instance
   * @param ejectionTime how long it is skipped
   */
  default void instanceEjected(ServiceInstance instance, Duration ejectionTime) {}

  /**
   * The watch of a stage failed; it starts again, asking in full, after a backoff, and its
   * views are marked stale meanwhile. Called on the thread that saw the failure.
   *
   * @param stage the stage
   * @param cause why
   */
  default void watchFailed(String stage, RegistryException cause) {}

  /**
   * Hears the end of one {@link RegistryCall}, on the thread that made it. Made per call by
   * {@link EventListener#callStarted}.
   */
  @FunctionalInterface
  interface CallListener {
    /** Hears nothing. (A class, not a lambda: it is on the Lambda cold path.) */
    CallListener NONE = new CallListener() {
      @Override
      public void callEnded(@Nullable RuntimeException failure) {}
    };

    /**
     * The call has ended.
     *
     * @param failure null when it succeeded; else what it threw: a {@link RegistryException}
     *     after its last attempt ({@link RegistryUnavailableException},
     *     {@link RegistryRejectedException}), or another exception (a bug)
     */
    void callEnded(@Nullable RuntimeException failure);
  }

  /**
   * An instance was registered by {@link RegistryClient#register(ServiceInstance)}.
   *
   * @param instance the instance as registered
   */
  default void registered(ServiceInstance instance) {}

  /**
   * An instance was registered again because the registry had forgotten it.
   *
   * @param instance the instance as registered
   */
  default void reRegistered(ServiceInstance instance) {}

  /**
   * An instance was deregistered (or its deregistration was attempted and failed).
   *
   * @param instance the instance
   * @param success whether the registry confirmed it
   */
  default void deregistered(ServiceInstance instance, boolean success) {}

  /**
   * A heartbeat the registry accepted.
   *
   * @param instance the instance whose lease was renewed
   */
  default void heartbeatSent(ServiceInstance instance) {}

  /**
   * A heartbeat failed after its retries; the next one comes at the next interval.
   *
   * @param instance the instance
   * @param cause why
   */
  default void heartbeatFailed(ServiceInstance instance, RegistryException cause) {}

  /**
   * A service's view changed in the cache.
   *
   * @param view the new view
   */
  default void viewChanged(ServiceView view) {}

  /**
   * A service's configuration changed in the cache (or became stale or fresh again).
   *
   * @param view the new view
   */
  default void configChanged(ConfigView view) {}

  /**
   * A configuration the registry answered was rejected, and the client keeps the one it had: a
   * value of a declared key does not parse as its type, or a {@link ConfigListener#check}
   * threw. Told once per rejected index; the instance does not report it as applied.
   *
   * @param rejected the configuration that was not taken
   * @param reason why
   */
  default void configRejected(ConfigView rejected, RuntimeException reason) {}

  /**
   * The registry became unreachable; cached views are served, marked stale. Called once per
   * outage.
   *
   * @param cause the failure that showed it
   */
  default void registryUnavailable(RegistryException cause) {}

  /** The registry is reachable again after {@link #registryUnavailable}. */
  default void registryAvailable() {}
}
