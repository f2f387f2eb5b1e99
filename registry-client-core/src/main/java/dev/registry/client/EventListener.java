package dev.registry.client;

/**
 * Hears what a client does, for metrics and tracing. Every method has a no-op default, so
 * implement only what you need; {@link #NONE} hears nothing.
 *
 * <p>Methods are called on whichever thread did the work (the caller's, the scheduler's, or
 * an HTTP thread): return quickly, do not block. An exception a method throws is logged and
 * otherwise ignored.
 */
public interface EventListener {

  /** An event listener that does nothing. The default. */
  EventListener NONE = new EventListener() {};

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
