package dev.registry.client.internal;

import dev.registry.client.spi.BackendContext;
import dev.registry.client.spi.RegistryBackend;
import dev.registry.client.spi.RegistryBackendProvider;
import java.net.URI;
import java.util.Set;

/**
 * The backend of {@code http} and {@code https} registry URLs: the reference server's wire.
 * Found by {@link java.util.ServiceLoader} like any other backend, so the core reaches it
 * through the SPI alone. Loading it loads nothing else.
 */
public final class HttpBackendProvider implements RegistryBackendProvider {

  /** Made by {@link java.util.ServiceLoader}. */
  public HttpBackendProvider() {}

  @Override
  public Set<String> schemes() {
    return Set.of("http", "https");
  }

  /** A URL needs a host. */
  @Override
  public void checkUrl(URI url) {
    if (url.getHost() == null) {
      throw new IllegalArgumentException(
          "registry URL must be an absolute http(s) URI with a host: '" + url + "'");
    }
  }

  @Override
  public RegistryBackend create(BackendContext context) {
    return new HttpRegistryBackend(context);
  }
}
