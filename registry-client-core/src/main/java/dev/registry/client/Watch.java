package dev.registry.client;

/**
 * A subscription: a listener's to a service's view ({@link ServiceLookup#watch}), or a client's
 * to a registry's changes ({@link dev.registry.client.spi.RegistryBackend#watch}). Close it to
 * stop.
 */
@FunctionalInterface
public interface Watch extends AutoCloseable {

  /** Stops the subscription. Idempotent; never throws. */
  @Override
  void close();
}
