package dev.registry.client.spi;

import java.net.URI;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What a client hands its {@link RegistryBackend}: the registry URLs, the settings that shape
 * the calls, and the HTTP transport. Implemented by the core, one per client; thread-safe.
 */
public interface BackendContext {

  /**
   * Returns the registry URLs, in the order the user gave them: the members of one registry.
   *
   * @return the URLs, one or more, all of the provider's schemes (immutable)
   */
  List<URI> registryUrls();

  /**
   * Returns how long the registry keeps a registration that is not renewed: whole seconds,
   * from 1 s to 1 h.
   *
   * @return the lease TTL
   */
  Duration leaseTtl();

  /**
   * Returns how long a watch may hold one request before the registry answers that nothing
   * changed (the reference server's long-poll {@code wait}), for a backend that watches by
   * holding requests.
   *
   * @return the wait, 1 s to 300 s
   */
  Duration longPollWait();

  /**
   * Returns the bound of one request. Blocking methods get their own bound as an argument
   * (shorter when a budget runs out); a held request gets this on top of its wait.
   *
   * @return the request timeout
   */
  Duration requestTimeout();

  /**
   * Returns the registry's shared token, to send with every request (the reference server
   * takes it as {@code Authorization: Bearer}). Never to be logged.
   *
   * @return the token, or empty for an open registry
   */
  Optional<String> token();

  /**
   * Returns the certificates that TLS connections to the registry must chain to, instead of
   * the JVM's trust store. The {@link #transport()} already trusts them; a backend that opens
   * connections of its own uses them too.
   *
   * @return the certificates (immutable), empty for the JVM's trust store
   */
  List<X509Certificate> trustedCertificates();

  /**
   * Returns the client's clock (for lease ends and ages a backend writes or reads).
   *
   * @return the clock
   */
  Clock clock();

  /**
   * Returns the most bytes of one answer the client reads ({@code Builder.maxAnswerBytes}, 8 MiB
   * by default). The {@link #transport()} stops reading an answer past it and fails the call;
   * a backend that reads from connections of its own (a stream) bounds what it holds by it too,
   * failing with a {@link dev.registry.client.RegistryUnavailableException} that names it.
   *
   * @return the limit, in bytes
   */
  long maxAnswerBytes();

  /**
   * Returns the most instances one view may hold ({@code Builder.maxInstancesPerView}, 20,000 by
   * default). The core refuses a longer view whatever the backend; a backend that reads views
   * from a document refuses it before reading its instances ({@link JsonViews#view}), so that a
   * hostile answer costs no more than its list.
   *
   * @return the limit, at least 1
   */
  int maxInstancesPerView();

  /**
   * Returns the client's HTTP transport, made at the first call of this method when the user
   * gave none: on OkHttp for a background client, on the JDK's {@code HttpURLConnection} for an
   * inline one (AWS Lambda). The client closes it; the backend does not.
   *
   * @return the transport
   */
  HttpTransport transport();
}
