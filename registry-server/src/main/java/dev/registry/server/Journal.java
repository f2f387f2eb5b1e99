package dev.registry.server;

/**
 * Told of every change to the registry's instances, in the order the changes are made: the
 * registry calls it under its lock, so an implementation only records the change (cheaply, never
 * blocking on I/O) and saves it later, in the same order. A renewal is no change and is not told.
 */
interface Journal {
  /** Keeps nothing: the registry of a server without a data directory. */
  Journal NONE = new Journal() {
    @Override
    public void saved(Instance instance) {}

    @Override
    public void removed(Instance instance) {}
  };

  /** Tells {@code first}, then {@code second}. */
  static Journal both(Journal first, Journal second) {
    return new Journal() {
      @Override
      public void saved(Instance instance) {
        first.saved(instance);
        second.saved(instance);
      }

      @Override
      public void removed(Instance instance) {
        first.removed(instance);
        second.removed(instance);
      }
    };
  }

  /** An instance was added, or replaced by one with another address, status, metadata or lease length. */
  void saved(Instance instance);

  /** An instance was removed: deregistered, expired, or taken over by another at its address. */
  void removed(Instance instance);
}
