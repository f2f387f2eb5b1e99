package dev.registry.client;

import org.jspecify.annotations.Nullable;

/**
 * The registry refused a request (a 4xx answer other than 429 and the 404 of an unknown service
 * or instance, such as 400 {@code invalid_field}), or the URL is not a registry at all (a 404
 * for a route that does not exist, code {@code not_found}: a wrong path in the registry URL).
 * Retrying the same request would not help, so the client does not.
 */
public class RegistryRejectedException extends RegistryException {
  private static final long serialVersionUID = 1L;

  /** Serialized: see the accessor. */
  private final int statusCode;
  /** Serialized: see the accessor. */
  private final String errorCode;

  /**
   * Creates an exception about a request.
   *
   * @param message the registry's message; the request ID is appended
   * @param statusCode the HTTP status
   * @param errorCode the registry's machine-readable {@code error} code, or an empty string
   * @param requestId the ID the registry echoed (the one sent when it echoed none), or null
   *     when the refusal was about no single request
   */
  public RegistryRejectedException(String message, int statusCode, String errorCode,
      @Nullable String requestId) {
    super(message, requestId, null);
    this.statusCode = statusCode;
    this.errorCode = errorCode;
  }

  /**
   * Creates an exception that is about no single request.
   *
   * @param message the registry's message
   * @param statusCode the HTTP status
   * @param errorCode the registry's machine-readable {@code error} code, or an empty string
   */
  public RegistryRejectedException(String message, int statusCode, String errorCode) {
    this(message, statusCode, errorCode, null);
  }

  /**
   * Returns the HTTP status of the answer.
   *
   * @return the status, 400 to 499
   */
  public int statusCode() {
    return statusCode;
  }

  /**
   * Returns the registry's {@code error} code (see docs/api.md), such as {@code invalid_field}.
   *
   * @return the code, or an empty string when the answer carried none
   */
  public String errorCode() {
    return errorCode;
  }
}
