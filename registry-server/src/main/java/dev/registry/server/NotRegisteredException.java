package dev.registry.server;

/** The registry knows no such service in the stage, or the service but not the instance. */
final class NotRegisteredException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  final boolean serviceKnown;

  NotRegisteredException(boolean serviceKnown, String message) {
    super(message, null, false, false);
    this.serviceKnown = serviceKnown;
  }
}
