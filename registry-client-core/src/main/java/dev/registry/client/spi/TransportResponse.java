package dev.registry.client.spi;

import static java.util.Objects.requireNonNull;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The registry's answer to a {@link TransportRequest}, of any status code.
 *
 * @param code the HTTP status code
 * @param body the body decoded as UTF-8, empty when there was none
 * @param headers the answer's headers by lower-case name, the first value of each (immutable);
 *     a backend reads the {@link RequestIds#HEADER} the registry echoed here
 */
public record TransportResponse(int code, String body, Map<String, String> headers) {

  /**
   * Checks the components.
   *
   * @param code the HTTP status code
   * @param body the body, empty when there was none
   * @param headers the headers; copied, their names lower-cased
   */
  public TransportResponse {
    requireNonNull(body, "body");
    requireNonNull(headers, "headers");
    Map<String, String> lowerCase = new HashMap<>();
    for (Map.Entry<String, String> header : headers.entrySet()) {  // no lambda: cold start
      lowerCase.putIfAbsent(header.getKey().toLowerCase(Locale.ROOT), header.getValue());
    }
    headers = Map.copyOf(lowerCase);
  }

  /**
   * An answer without headers.
   *
   * @param code the HTTP status code
   * @param body the body, empty when there was none
   */
  public TransportResponse(int code, String body) {
    this(code, body, Map.of());
  }

  /**
   * Returns a header's value.
   *
   * @param name the header's name, in any case
   * @return its first value, or empty when the answer has none
   */
  public Optional<String> header(String name) {
    return Optional.ofNullable(headers.get(name.toLowerCase(Locale.ROOT)));
  }
}
