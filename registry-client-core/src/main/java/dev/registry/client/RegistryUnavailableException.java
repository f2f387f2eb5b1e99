package dev.registry.client;

import org.jspecify.annotations.Nullable;

/**
 * The registry could not be reached, or answered with a transient failure (a connection
 * error, a timeout, a 5xx, a 429). The client retries these.
 */
public class RegistryUnavailableException extends RegistryException {
  private static final long serialVersionUID = 1L;

  /** Serialized: see the accessor. */
  private final int statusCode;

  /**
   * Creates an exception.
   *
   * @param message what failed, naming the registry URL
   * @param statusCode the HTTP status of the answer, or 0 when there was no answer
   * @param cause what caused it, or null
   */
  public RegistryUnavailableException(String message, int statusCode, @Nullable Throwable cause) {
    super(message, cause);
    this.statusCode = statusCode;
  }

  /**
   * Returns the HTTP status of the registry's answer.
   *
   * @return the status, or 0 when there was no answer (connection failure, timeout)
   */
  public int statusCode() {
    return statusCode;
  }
}
