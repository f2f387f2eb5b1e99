package dev.registry.client.etcd;

import java.util.Set;

/**
 * The backend of {@code etcd://host:port[/prefix]} registry URLs: etcd's JSON gateway over plain
 * HTTP (docs/etcd.md). Found by {@link java.util.ServiceLoader}; loading it loads nothing else.
 * Thread-safe.
 */
public final class EtcdBackendProvider extends EtcdProvider {

  /** Made by {@link java.util.ServiceLoader}. */
  public EtcdBackendProvider() {}

  /** {@code etcd}. */
  @Override
  public Set<String> schemes() {
    return Set.of("etcd");
  }
}
