package dev.registry.spring;

/**
 * {@code spring.config.import=registry:} could not be read while the application started: the
 * message names the import, the registry's URLs and how to start without it. Its own type so
 * that {@link RegistryFailureAnalyzer} gives that fix (write {@code optional:registry:}), not
 * the fix of a registration that failed.
 */
final class RegistryConfigImportException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  RegistryConfigImportException(String message, Throwable cause) {
    super(message, cause);
  }
}
