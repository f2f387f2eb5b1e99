package dev.registry.client.etcd;

import java.util.Set;

/**
 * The backend of {@code etcds://host:port[/prefix]} registry URLs: etcd's JSON gateway over TLS,
 * trusting the client's trusted certificates when it has some (a private CA), else the JVM's
 * (docs/etcd.md). Found by {@link java.util.ServiceLoader}. Thread-safe.
 */
public final class EtcdsBackendProvider extends EtcdProvider {

  /** Made by {@link java.util.ServiceLoader}. */
  public EtcdsBackendProvider() {}

  /** {@code etcds}. */
  @Override
  public Set<String> schemes() {
    return Set.of("etcds");
  }
}
