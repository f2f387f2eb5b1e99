package dev.registry.client;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
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

    private static final Pattern SIMPLE = Pattern.compile("(\\d{1,18})\\s*(ns|us|ms|s|m|h|d)?");

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
      if (v.startsWith("P") || v.startsWith("p") || v.startsWith("-P") || v.startsWith("-p")) {
        try {
          return Duration.parse(v);
        } catch (DateTimeParseException e) {
          throw bad(key, value);
        }
      }
      Matcher m = SIMPLE.matcher(v.toLowerCase(Locale.ROOT));
      if (!m.matches()) {
        throw bad(key, value);
      }
      long amount = Long.parseLong(m.group(1));
      String unit = m.group(2) == null ? "ms" : m.group(2);
      try {
        return switch (unit) {
          case "ns" -> Duration.ofNanos(amount);
          case "us" -> Duration.ofNanos(Math.multiplyExact(amount, 1000L));
          case "ms" -> Duration.ofMillis(amount);
          case "s" -> Duration.ofSeconds(amount);
          case "m" -> Duration.ofMinutes(amount);
          case "h" -> Duration.ofHours(amount);
          default -> Duration.ofDays(amount);
        };
      } catch (ArithmeticException e) {
        throw bad(key, value);
      }
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
