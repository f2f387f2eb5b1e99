package dev.registry.spring;

import dev.registry.client.EventListener;
import dev.registry.client.RegistryException;
import org.jspecify.annotations.Nullable;

/**
 * Remembers whether the registry was reachable at the client's last call, from the core's
 * {@link EventListener} events (told once when the registry goes away and once when it is
 * back). Feeds the health indicator and the meters. Thread-safe.
 */
public final class RegistryReachability implements EventListener {
  private volatile @Nullable RegistryException lastFailure;

  /** Creates a tracker that assumes the registry reachable until a call fails. */
  public RegistryReachability() {}

  @Override
  public void registryUnavailable(RegistryException cause) {
    lastFailure = cause;
  }

  @Override
  public void registryAvailable() {
    lastFailure = null;
  }

  /**
   * Returns whether the registry answered the client's last call (true before any call).
   *
   * @return whether it is reachable
   */
  public boolean reachable() {
    return lastFailure == null;
  }

  /**
   * Returns the failure that made the registry unreachable.
   *
   * @return the failure, or null while it is reachable
   */
  public @Nullable RegistryException lastFailure() {
    return lastFailure;
  }
}
