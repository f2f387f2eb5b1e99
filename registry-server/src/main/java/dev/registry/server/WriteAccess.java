package dev.registry.server;

import org.jspecify.annotations.Nullable;

/**
 * Who may write: the shared token (services register, renew, change and remove their own
 * instances, and write configuration) and the operator token (every write, and the status and
 * removal of any instance without its secret). A registry with neither lets anyone write.
 */
final class WriteAccess {
  /** A registry without a token: anyone writes. */
  static final WriteAccess OPEN = new WriteAccess(null, null);

  private final @Nullable SharedToken token;
  private final @Nullable SharedToken operator;

  WriteAccess(@Nullable SharedToken token, @Nullable SharedToken operator) {
    this.token = token;
    this.operator = operator;
  }

  /** Whether writes need a token (and requests about an instance its secret). */
  boolean secured() {
    return token != null || operator != null;
  }

  /**
   * Who an {@code Authorization} header value makes the caller.
   *
   * @throws ApiException 401 {@code unauthorized} when the registry has a token and the header
   *     carries neither
   */
  Caller check(@Nullable String authorization) {
    if (!secured()) {
      return Caller.ANYONE;
    }
    // Both are compared, whichever matches, so that the time taken says nothing of which did.
    boolean isOperator = operator != null && operator.permits(authorization);
    boolean isService = token != null && token.permits(authorization);
    if (isOperator) {
      return Caller.OPERATOR;
    }
    if (isService) {
      return Caller.SERVICE;
    }
    throw new ApiException(401, "unauthorized", "this registry needs 'Authorization: Bearer <token>' on every write");
  }

  /** Like {@link #check}, false instead of the 401: for XML-RPC, which answers a fault. */
  boolean permits(@Nullable String authorization) {
    try {
      check(authorization);
      return true;
    } catch (ApiException e) {
      return false;
    }
  }
}
