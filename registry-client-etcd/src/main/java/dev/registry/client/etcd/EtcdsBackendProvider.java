package dev.registry.client.etcd;

import dev.registry.client.spi.BackendContext;
import dev.registry.client.spi.RegistryBackend;
import dev.registry.client.spi.RegistryBackendProvider;
import java.net.URI;
import java.util.Set;

/**
 * The backend of {@code etcds://host:port} registry URLs: etcd's JSON gateway over TLS, trusting
 * the client's trusted certificates when it has some (a private CA), else the JVM's. Otherwise
 * as {@link EtcdBackendProvider}; a client cannot mix the two schemes (its builder refuses them,
 * naming both). Found by {@link java.util.ServiceLoader}. Thread-safe.
 */
public final class EtcdsBackendProvider implements RegistryBackendProvider {

  /** Made by {@link java.util.ServiceLoader}. */
  public EtcdsBackendProvider() {}

  /** {@code etcds}. */
  @Override
  public Set<String> schemes() {
    return Set.of("etcds");
  }

  /**
   * As {@link EtcdBackendProvider#checkUrl}.
   *
   * @throws IllegalArgumentException naming what is wrong
   */
  @Override
  public void checkUrl(URI url) {
    EtcdUrls.check(url);
  }

  /**
   * As {@link EtcdBackendProvider#create}.
   *
   * @throws IllegalArgumentException as there
   */
  @Override
  public RegistryBackend create(BackendContext context) {
    return EtcdUrls.backend(context);
  }
}
