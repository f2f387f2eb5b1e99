package dev.registry.server;

/** A registration the registry's limits do not allow; becomes a 409 with {@code code}. */
final class LimitExceededException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  final String code;

  LimitExceededException(String code, String message) {
    super(message, null, false, false);
    this.code = code;
  }
}
