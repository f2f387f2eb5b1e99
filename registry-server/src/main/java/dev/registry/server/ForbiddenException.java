package dev.registry.server;

/** A request about an instance that does not present the instance's secret; becomes a 403. */
final class ForbiddenException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  ForbiddenException(String message) {
    super(message, null, false, false);
  }
}
