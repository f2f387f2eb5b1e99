package dev.registry.server;

/**
 * Told of what happens to instances, for the server's metrics and its log. The registry calls
 * it on the thread that made the change, some calls under the registry's lock: an
 * implementation is quick, never blocks on anything but a log write, and never calls back into
 * the registry. Every method does nothing by default.
 */
interface RegistryListener {
  /** Tells nothing. */
  RegistryListener NONE = new RegistryListener() {};

  /**
   * A registration was accepted.
   *
   * @param created true when it made a new instance, false when it updated (or only renewed)
   *     a held one
   */
  default void registered(Instance instance, boolean created) {}

  /** A heartbeat renewed the instance's lease. */
  default void renewed(Instance instance) {}

  /** The instance was deregistered. */
  default void deregistered(Instance instance) {}

  /** The instance's lease ended and it was removed. */
  default void expired(Instance instance) {}

  /** A listener that tells this one, then {@code next}. */
  default RegistryListener andThen(RegistryListener next) {
    RegistryListener first = this;
    return new RegistryListener() {
      @Override
      public void registered(Instance instance, boolean created) {
        first.registered(instance, created);
        next.registered(instance, created);
      }

      @Override
      public void renewed(Instance instance) {
        first.renewed(instance);
        next.renewed(instance);
      }

      @Override
      public void deregistered(Instance instance) {
        first.deregistered(instance);
        next.deregistered(instance);
      }

      @Override
      public void expired(Instance instance) {
        first.expired(instance);
        next.expired(instance);
      }
    };
  }
}
