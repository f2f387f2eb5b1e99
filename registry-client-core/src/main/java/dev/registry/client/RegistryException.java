package dev.registry.client;

import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A failure of the registry, or of talking to it: the root of the one unchecked exception
 * family of this library. Misuse of the API throws {@link IllegalArgumentException} or
 * {@link IllegalStateException} instead.
 *
 * <p>A failure of a request names the request's ID ({@link #requestId()}, and
 * {@code request_id=...} at the end of the message): the ID the registry echoed, or the one
 * sent when no answer came. The reference server logs every failed or refused request with it
 * (docs/api.md, "Request IDs"), so that the server's side of a failure seen here can be found.
 */
public class RegistryException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Serialized: see the accessor. */
  private final @Nullable String requestId;

  /**
   * Creates an exception about a request.
   *
   * @param message what failed; the request ID is appended
   * @param requestId the ID of the request that failed, or null when there was no request
   * @param cause what caused it, or null
   */
  public RegistryException(String message, @Nullable String requestId, @Nullable Throwable cause) {
    super(requestId == null ? message : message + " (request_id=" + requestId + ")", cause);
    this.requestId = requestId;
  }

  /**
   * Creates an exception that is about no single request.
   *
   * @param message what failed
   * @param cause what caused it, or null
   */
  public RegistryException(String message, @Nullable Throwable cause) {
    this(message, null, cause);
  }

  /**
   * Creates an exception that is about no single request, without a cause.
   *
   * @param message what failed
   */
  public RegistryException(String message) {
    this(message, null, null);
  }

  /**
   * Returns the ID of the request that failed, to look for in the registry's log.
   *
   * @return the ID the registry echoed (the one sent when it did not answer), or empty when
   *     the failure was about no single request
   */
  public Optional<String> requestId() {
    return Optional.ofNullable(requestId);
  }
}
