package dev.registry.client;

/** A listener's subscription to a service's view, from {@link RegistryClient#watch}. */
public interface Watch extends AutoCloseable {

  /** Stops telling the listener about changes. Idempotent. */
  @Override
  void close();
}
