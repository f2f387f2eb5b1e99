package dev.registry.client.spi;

import java.net.URI;
import java.util.Set;

/**
 * Makes the {@link RegistryBackend} for registry URLs of some schemes. A client picks the
 * provider by the scheme of its registry URLs, among the providers that
 * {@link java.util.ServiceLoader} finds on the class path (the class loader that loaded this
 * interface), so a module that brings a provider, listed in
 * {@code META-INF/services/dev.registry.client.spi.RegistryBackendProvider}, adds its schemes
 * with no change to the caller's code. The core's own serves {@code http} and {@code https}.
 *
 * <p>A provider is made by {@code ServiceLoader} (a public no-argument constructor) whenever a
 * client's URLs are set, so its class loads nothing heavy: libraries of the backend belong in
 * the backend, which {@link #create} makes at the client's first call to the registry. An
 * AWS Lambda cold start loads every provider on the class path. Thread-safe.
 */
public interface RegistryBackendProvider {

  /**
   * Returns the URL schemes this provider serves, in lower case, such as {@code "http"}.
   *
   * @return the schemes, one or more
   */
  Set<String> schemes();

  /**
   * Checks a registry URL of one of {@link #schemes()} when it is set on a client builder, so
   * that a bad one fails at once, naming it. The default accepts any.
   *
   * @param url the URL, absolute
   * @throws IllegalArgumentException if this backend cannot use it; the message names it
   */
  default void checkUrl(URI url) {}

  /**
   * Makes the backend of one client. Does no I/O.
   *
   * @param context the client's registry URLs (all of {@link #schemes()}), settings and
   *     transport
   * @return the backend; the client closes it
   */
  RegistryBackend create(BackendContext context);
}
