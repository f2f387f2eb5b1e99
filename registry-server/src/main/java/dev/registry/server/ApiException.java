package dev.registry.server;

import org.jspecify.annotations.Nullable;

/** A request the server refuses: becomes {@code {"error": code, "message": message}} with the status. */
final class ApiException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  final int status;
  final String code;
  final @Nullable String allow;

  ApiException(int status, String code, String message) {
    this(status, code, message, null);
  }

  ApiException(int status, String code, String message, @Nullable String allow) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
    this.allow = allow;
  }

  static ApiException missingField(String field) {
    return new ApiException(400, "missing_field", field + " is required");
  }

  static ApiException invalidField(String message) {
    return new ApiException(400, "invalid_field", message);
  }

  static ApiException invalidQuery(String message) {
    return new ApiException(400, "invalid_query", message);
  }
}
