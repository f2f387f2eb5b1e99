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
   * Creates an exception about a request.
   *
   * @param message what failed, naming the registry URL; the request ID is appended
   * @param statusCode the HTTP status of the answer, or 0 when there was no answer
   * @param requestId the ID the registry echoed, the one sent when it did not answer, or null
   *     when the failure was about no single request
   * @param cause what caused it, or null
   */
  public RegistryUnavailableException(String message, int statusCode, @Nullable String requestId,
      @Nullable Throwable cause) {
    super(message, requestId, cause);
    this.statusCode = statusCode;
  }

  /**
   * Creates an exception that is about no single request (a stream that ended, a lease lost).
   *
   * @param message what failed, naming the registry URL
   * @param statusCode the HTTP status of the answer, or 0 when there was no answer
   * @param cause what caused it, or null
   */
  public RegistryUnavailableException(String message, int statusCode, @Nullable Throwable cause) {
    this(message, statusCode, null, cause);
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
