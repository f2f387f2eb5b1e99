package dev.registry.client.spi;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One HTTP request of the client to the registry.
 *
 * @param method the HTTP method, sent as it is: {@code GET} and {@code POST} for the reference
 *     server, {@code PUT} and {@code DELETE} too for an object store (the S3 backend)
 * @param uri the full URI, query included, sent as it is (a backend that signs requests signs
 *     this form)
 * @param body the body of a {@code POST} or {@code PUT} (sent as UTF-8, with
 *     {@code Content-Type: application/json; charset=utf-8}), or null for none
 * @param timeout the bound of the whole call (connect, write, wait, read); a transport fails
 *     the call with an {@link java.io.IOException} (for {@code sendAsync}, completes the future
 *     exceptionally) when it is exceeded
 * @param headers headers a transport must send with the request, as they are (for example
 *     {@code Authorization} when the client has a token); immutable, usually empty
 */
public record TransportRequest(
    String method, URI uri, @Nullable String body, Duration timeout, Map<String, String> headers) {

  /**
   * Checks the components.
   *
   * @param method the HTTP method
   * @param uri the full URI
   * @param body the body, or null
   * @param timeout the bound of the whole call, positive
   * @param headers the headers to send; copied
   */
  public TransportRequest {
    requireNonNull(method, "method");
    requireNonNull(uri, "uri");
    requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be > 0: " + timeout);
    }
    headers = Map.copyOf(requireNonNull(headers, "headers"));
  }

  /**
   * A request without extra headers.
   *
   * @param method the HTTP method
   * @param uri the full URI
   * @param body the body, or null
   * @param timeout the bound of the whole call, positive
   */
  public TransportRequest(String method, URI uri, @Nullable String body, Duration timeout) {
    this(method, uri, body, timeout, Map.of());
  }

  /** Never shows header values: they may carry a token. */
  @Override
  public String toString() {
    return "TransportRequest[" + method + " " + uri + ", headers=" + headers.keySet() + "]";
  }
}
