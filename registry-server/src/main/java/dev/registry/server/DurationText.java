package dev.registry.server;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Locale;

/** Parses the durations of the CLI and the {@code wait} parameter: {@code 30s}, {@code 500ms}, {@code 2m}, {@code 1.5}. */
final class DurationText {
  private DurationText() {}

  /**
   * A non-negative amount with an optional unit {@code ms}, {@code s}, {@code m} or {@code h};
   * a plain number is seconds.
   *
   * @throws IllegalArgumentException naming the text when it is not such a duration
   */
  static Duration parse(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    long unitMillis;
    String number;
    if (t.endsWith("ms")) {
      unitMillis = 1;
      number = t.substring(0, t.length() - 2);
    } else if (t.endsWith("s")) {
      unitMillis = 1000;
      number = t.substring(0, t.length() - 1);
    } else if (t.endsWith("m")) {
      unitMillis = 60_000;
      number = t.substring(0, t.length() - 1);
    } else if (t.endsWith("h")) {
      unitMillis = 3_600_000;
      number = t.substring(0, t.length() - 1);
    } else {
      unitMillis = 1000;
      number = t;
    }
    if (number.isEmpty() || !number.matches("[0-9]{1,12}(\\.[0-9]{1,9})?")) {
      throw new IllegalArgumentException("not a duration (like 30s, 500ms, 2m or 1.5): '" + text + "'");
    }
    BigDecimal millis = new BigDecimal(number).multiply(BigDecimal.valueOf(unitMillis));
    return Duration.ofMillis(millis.longValue());
  }

  /** A short form for logs and messages: {@code 30s}, {@code 1500ms}. */
  static String format(Duration d) {
    long ms = d.toMillis();
    return ms % 1000 == 0 ? (ms / 1000) + "s" : ms + "ms";
  }
}
