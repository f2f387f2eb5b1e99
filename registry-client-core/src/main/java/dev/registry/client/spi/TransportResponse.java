package dev.registry.client.spi;

import static java.util.Objects.requireNonNull;

/**
 * The registry's answer to a {@link TransportRequest}, of any status code.
 *
 * @param code the HTTP status code
 * @param body the body decoded as UTF-8, empty when there was none
 */
public record TransportResponse(int code, String body) {

  /**
   * Checks the components.
   *
   * @param code the HTTP status code
   * @param body the body, empty when there was none
   */
  public TransportResponse {
    requireNonNull(body, "body");
  }
}
