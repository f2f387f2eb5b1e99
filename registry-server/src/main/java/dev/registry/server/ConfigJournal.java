package dev.registry.server;

import java.util.List;

/**
 * Told of every configuration change, in order, under the configuration's lock: an
 * implementation only records it (never blocking on I/O) and saves it later, in the same order.
 */
interface ConfigJournal {
  /** Keeps nothing: a server without a data directory. */
  ConfigJournal NONE = (service, changes, historyFrom) -> { };

  /**
   * One write changed these keys of {@code service}, all at one scope and one index.
   *
   * @param historyFrom the lowest index the service's history keeps from now on: older changes
   *     are forgotten
   */
  void changed(String service, List<ConfigChange> changes, long historyFrom);
}
