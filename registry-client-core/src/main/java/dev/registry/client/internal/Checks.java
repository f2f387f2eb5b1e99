package dev.registry.client.internal;

import java.util.regex.Pattern;

/** Argument checks of lookups, done only on the slow path (a cache miss). */
final class Checks {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

  private Checks() {}

  static String name(String what, String value) {
    if (value == null) {
      throw new NullPointerException(what);
    }
    if (!NAME.matcher(value).matches()) {
      throw new IllegalArgumentException(what
          + " must be 1 to 128 characters from A-Z a-z 0-9 . _ -, starting with a letter or digit: '"
          + value + "'");
    }
    return value;
  }

  static java.time.Duration positive(String what, java.time.Duration value) {
    if (value == null) {
      throw new NullPointerException(what);
    }
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(what + " must be > 0: " + value);
    }
    return value;
  }
}
