package dev.registry.client.etcd;

import dev.registry.client.spi.BackendContext;
import dev.registry.client.spi.RegistryBackend;
import dev.registry.client.spi.RegistryBackendProvider;
import java.net.URI;

/**
 * What the {@code etcd} and {@code etcds} providers share: each URL is one member of one
 * cluster; its path, if any, is the key prefix (default {@code /registry}); the client's token,
 * if any, is the etcd user as {@code user:password}. One provider per scheme, so that a client
 * mixing them is refused by its builder, naming both.
 */
abstract class EtcdProvider implements RegistryBackendProvider {

  /**
   * A URL needs a host, and holds no user, query or fragment; its path is a key prefix.
   *
   * @throws IllegalArgumentException naming what is wrong
   */
  @Override
  public final void checkUrl(URI url) {
    EtcdUrls.check(url);
  }

  /**
   * The backend of the context's URLs. Does no I/O.
   *
   * @throws IllegalArgumentException if the URLs name different prefixes, or the token is not
   *     {@code user:password}
   */
  @Override
  public final RegistryBackend create(BackendContext context) {
    return EtcdUrls.backend(context);
  }
}
