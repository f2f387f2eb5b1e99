package dev.registry.client.etcd;

import dev.registry.client.spi.BackendContext;
import dev.registry.client.spi.RegistryBackend;
import dev.registry.client.spi.RegistryBackendProvider;
import java.net.URI;
import java.util.Set;

/**
 * The backend of {@code etcd://host:port} registry URLs: etcd's JSON gateway over plain HTTP.
 * Each URL is one member of one cluster; the URL's path, if any, is the key prefix (default
 * {@code /registry}); the client's token, if any, is the etcd user as {@code user:password}.
 * {@code etcds://} URLs are {@link EtcdsBackendProvider}'s. Found by
 * {@link java.util.ServiceLoader}; loading it loads nothing else. Thread-safe.
 */
public final class EtcdBackendProvider implements RegistryBackendProvider {

  /** Made by {@link java.util.ServiceLoader}. */
  public EtcdBackendProvider() {}

  /** {@code etcd}. */
  @Override
  public Set<String> schemes() {
    return Set.of("etcd");
  }

  /**
   * A URL needs a host, and holds no user, query or fragment; its path is a key prefix.
   *
   * @throws IllegalArgumentException naming what is wrong
   */
  @Override
  public void checkUrl(URI url) {
    EtcdUrls.check(url);
  }

  /**
   * The backend of the context's URLs.
   *
   * @throws IllegalArgumentException if the URLs name different prefixes, or the token is not
   *     {@code user:password}
   */
  @Override
  public RegistryBackend create(BackendContext context) {
    return EtcdUrls.backend(context);
  }
}
