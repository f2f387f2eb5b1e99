package dev.registry.server;

/** A parked long-poll, told once when the view it watches changes or the registry closes. */
interface Watch {
  /** Called at most once per registration, outside the registry lock; must not block. */
  void changed();
}
