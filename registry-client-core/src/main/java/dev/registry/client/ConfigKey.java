package dev.registry.client;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A configuration key a service declares ({@code declareConfig}): its name, its type, the
 * default written to the registry where the key has no value yet (never over a value an
 * operator set), and a one-line description that operators see beside it. A declared key's
 * value is checked against its type whenever the configuration changes: a value that does not
 * parse is rejected, and the client keeps the view it has (validate, then swap).
 *
 * <pre>{@code
 * ConfigKey timeout = ConfigKey.ofDuration("payment.timeout", Duration.ofSeconds(2), "bank call timeout");
 * }</pre>
 *
 * @param name the key: 1 to 256 characters from {@code A-Z a-z 0-9 . _ - [ ]}, starting with a
 *     letter or digit
 * @param type what its value must be
 * @param defaultValue the default, as the registry keeps it (a string of the type)
 * @param description one line of at most 256 characters, or null for none
 */
public record ConfigKey(String name, Type type, String defaultValue, @Nullable String description) {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._\\-\\[\\]]{0,255}");

  /**
   * Checks the components: a valid name, a default of the type, a short description.
   *
   * @param name the key
   * @param type the type
   * @param defaultValue the default
   * @param description the description, or null
   * @throws IllegalArgumentException naming what is wrong
   */
  public ConfigKey {
    requireNonNull(name, "name");
    requireNonNull(type, "type");
    requireNonNull(defaultValue, "defaultValue");
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("a configuration key must be 1 to 256 characters from A-Z a-z 0-9 . _ - [ ],"
          + " starting with a letter or digit: '" + name + "'");
    }
    type.check(name, defaultValue);
    if (description != null && (description.length() > 256 || description.indexOf('\n') >= 0
        || description.indexOf('\r') >= 0)) {
      throw new IllegalArgumentException("the description of " + name + " must be one line of at most 256 characters");
    }
  }

  /**
   * A string key.
   *
   * @param name the key
   * @param defaultValue its default
   * @param description one line, or null
   * @return the key
   */
  public static ConfigKey ofString(String name, String defaultValue, @Nullable String description) {
    return new ConfigKey(name, Type.STRING, defaultValue, description);
  }

  /**
   * An int key.
   *
   * @param name the key
   * @param defaultValue its default
   * @param description one line, or null
   * @return the key
   */
  public static ConfigKey ofInt(String name, int defaultValue, @Nullable String description) {
    return new ConfigKey(name, Type.INT, Integer.toString(defaultValue), description);
  }

  /**
   * A long key.
   *
   * @param name the key
   * @param defaultValue its default
   * @param description one line, or null
   * @return the key
   */
  public static ConfigKey ofLong(String name, long defaultValue, @Nullable String description) {
    return new ConfigKey(name, Type.LONG, Long.toString(defaultValue), description);
  }

  /**
   * A boolean key.
   *
   * @param name the key
   * @param defaultValue its default
   * @param description one line, or null
   * @return the key
   */
  public static ConfigKey ofBoolean(String name, boolean defaultValue, @Nullable String description) {
    return new ConfigKey(name, Type.BOOLEAN, Boolean.toString(defaultValue), description);
  }

  /**
   * A duration key; its default is written as whole milliseconds with a unit ({@code 2000ms}),
   * or seconds when whole ({@code 2s}).
   *
   * @param name the key
   * @param defaultValue its default, zero or more
   * @param description one line, or null
   * @return the key
   */
  public static ConfigKey ofDuration(String name, Duration defaultValue, @Nullable String description) {
    requireNonNull(defaultValue, "defaultValue");
    long millis = defaultValue.toMillis();
    return new ConfigKey(name, Type.DURATION, millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms", description);
  }

  /** What a key's value must be. */
  public enum Type {
    /** Any string. */
    STRING,
    /** A decimal int. */
    INT,
    /** A decimal long. */
    LONG,
    /** {@code true} or {@code false}, in any case. */
    BOOLEAN,
    /**
     * A duration: ISO-8601 ({@code PT1.5S}), or a whole number with a unit {@code ns},
     * {@code us}, {@code ms}, {@code s}, {@code m}, {@code h} or {@code d}; milliseconds
     * without one, as in Spring.
     */
    DURATION;

    /**
     * Checks a value of this type.
     *
     * @param key the key, for the message
     * @param value the value
     * @throws IllegalArgumentException if the value is not of this type, naming the key
     */
    public void check(String key, String value) {
      switch (this) {
        case STRING -> requireNonNull(value, "value");
        case INT -> parseInt(key, value);
        case LONG -> parseLong(key, value);
        case BOOLEAN -> parseBoolean(key, value);
        case DURATION -> parseDuration(key, value);
      }
    }

    int parseInt(String key, String value) {
      try {
        return Integer.parseInt(value.trim());
      } catch (NumberFormatException e) {
        throw bad(key, value);
      }
    }

    long parseLong(String key, String value) {
      try {
        return Long.parseLong(value.trim());
      } catch (NumberFormatException e) {
        throw bad(key, value);
      }
    }

    boolean parseBoolean(String key, String value) {
      String v = value.trim();
      if (v.equalsIgnoreCase("true")) {
        return true;
      }
      if (v.equalsIgnoreCase("false")) {
        return false;
      }
      throw bad(key, value);
    }

    Duration parseDuration(String key, String value) {
      String v = value.trim();
      if (!v.isEmpty() && (v.charAt(0) == 'P' || v.charAt(0) == 'p' || v.charAt(0) == '-')) {
        try {
          return Duration.parse(v);
        } catch (DateTimeParseException e) {
          throw bad(key, value);
        }
      }
      // A number and a unit, read by hand: a typed getter parses at each call.
      int digits = 0;
      long amount = 0;
      while (digits < v.length() && v.charAt(digits) >= '0' && v.charAt(digits) <= '9') {
        if (digits == 18) {
          throw bad(key, value);
        }
        amount = amount * 10 + (v.charAt(digits) - '0');
        digits++;
      }
      int unitAt = digits;
      while (unitAt < v.length() && v.charAt(unitAt) == ' ') {
        unitAt++;
      }
      if (digits == 0) {
        throw bad(key, value);
      }
      ChronoUnit unit = unit(v, unitAt);
      if (unit == null) {
        throw bad(key, value);
      }
      try {
        return Duration.of(amount, unit);
      } catch (ArithmeticException e) {
        throw bad(key, value);
      }
    }

    /** The unit at {@code at} to the end, in any case: none is milliseconds; null for another. */
    private static @Nullable ChronoUnit unit(String v, int at) {
      int length = v.length() - at;
      if (length == 0) {
        return ChronoUnit.MILLIS;
      }
      char first = Character.toLowerCase(v.charAt(at));
      if (length == 1) {
        return switch (first) {
          case 's' -> ChronoUnit.SECONDS;
          case 'm' -> ChronoUnit.MINUTES;
          case 'h' -> ChronoUnit.HOURS;
          case 'd' -> ChronoUnit.DAYS;
          default -> null;
        };
      }
      if (length != 2 || Character.toLowerCase(v.charAt(at + 1)) != 's') {
        return null;
      }
      return switch (first) {
        case 'm' -> ChronoUnit.MILLIS;
        case 'u' -> ChronoUnit.MICROS;
        case 'n' -> ChronoUnit.NANOS;
        default -> null;
      };
    }

    private IllegalArgumentException bad(String key, String value) {
      String shown = value.length() <= 100 ? value : value.substring(0, 100) + "...";
      return new IllegalArgumentException("the configuration value of " + key + " is not "
          + switch (this) {
            case INT -> "an int";
            case LONG -> "a long";
            case BOOLEAN -> "true or false";
            case DURATION -> "a duration (30s, 500ms, PT1M)";
            case STRING -> "a string";
          } + ": '" + shown + "'");
    }
  }
}
