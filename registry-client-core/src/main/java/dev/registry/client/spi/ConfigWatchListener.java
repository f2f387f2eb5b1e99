package dev.registry.client.spi;

import dev.registry.client.RegistryException;

/**
 * Hears one {@link RegistryBackend#watchConfig}: the core's side of it, as {@link WatchListener}
 * is for views. Calls for one watch come one at a time; after {@link #failed} or
 * {@link #unsupported()} the backend calls it no more. Implemented by the core; each method
 * returns quickly.
 */
public interface ConfigWatchListener {

  /**
   * The registry answered: the configuration changed, or the wait ended and it is the same
   * (an answer with the same index confirms it).
   *
   * @param answer the answer
   */
  void answered(ConfigAnswer answer);

  /**
   * The watch failed and ended. The core marks the configuration stale and watches again after
   * a backoff.
   *
   * @param cause why, as for the blocking calls
   */
  void failed(RegistryException cause);

  /**
   * This registry cannot watch configuration; the watch has ended. The core reads it every
   * refresh interval instead, for the client's life.
   */
  void unsupported();
}
