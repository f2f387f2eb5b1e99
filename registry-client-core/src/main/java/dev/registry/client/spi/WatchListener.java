package dev.registry.client.spi;

import dev.registry.client.RegistryException;

/**
 * Hears one {@link RegistryBackend#watch}: the core's side of it. Calls for one watch come one
 * at a time; after {@link #failed} or {@link #unsupported()} the backend calls it no more.
 * Implemented by the core; each method returns quickly.
 */
public interface WatchListener {

  /**
   * The registry answered: views that changed (or every view asked about), or none, which
   * confirms them all.
   *
   * @param answer the answer
   */
  void answered(StageViews answer);

  /**
   * The watch failed and ended. The core marks the watched views stale and watches again after
   * a backoff.
   *
   * @param cause why, a {@link dev.registry.client.RegistryUnavailableException} or a
   *     {@link dev.registry.client.RegistryRejectedException} as for the blocking calls
   */
  void failed(RegistryException cause);

  /**
   * This registry cannot watch what was asked; the watch has ended. Asked for several
   * services, the core watches them one at a time from now on; asked for one, it polls the
   * stage every refresh interval instead.
   */
  void unsupported();
}
