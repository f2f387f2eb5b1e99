package dev.registry.client;

/**
 * The handle of one instance registered by {@link RegistryClient#register(ServiceInstance)}.
 * While it is open the client keeps the instance's lease alive with heartbeats, and registers
 * it again when the registry has forgotten it. Thread-safe.
 */
public interface Registration extends AutoCloseable {

  /**
   * Returns the instance as registered: with its id and stage filled in and its latest status.
   *
   * @return the instance
   */
  ServiceInstance instance();

  /**
   * Changes the instance's status in the registry (and for any later re-registration). Blocks
   * until the registry has taken it, retrying per the client's retry policy.
   *
   * @param status the new status
   * @throws RegistryException if the registry could not be told
   * @throws IllegalStateException if this registration is closed
   */
  void status(Status status);

  /**
   * Stops the heartbeats and deregisters the instance, waiting at most the client's
   * deregistration timeout ({@link RegistryClient.Builder#deregisterTimeout}). A failure to
   * deregister is logged, not thrown: the lease then ends by itself. Idempotent.
   */
  @Override
  void close();
}
