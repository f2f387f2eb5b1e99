package dev.registry.client;

import org.jspecify.annotations.Nullable;

/**
 * A failure of the registry, or of talking to it: the root of the one unchecked exception
 * family of this library. Misuse of the API throws {@link IllegalArgumentException} or
 * {@link IllegalStateException} instead.
 */
public class RegistryException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception.
   *
   * @param message what failed
   * @param cause what caused it, or null
   */
  public RegistryException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }

  /**
   * Creates an exception without a cause.
   *
   * @param message what failed
   */
  public RegistryException(String message) {
    super(message);
  }
}
