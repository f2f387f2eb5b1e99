package dev.registry.server;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A check the registry runs against an instance itself (with {@code --health-checks}): a TCP
 * connect to the address's host and port, or an HTTP GET of {@code path} on the address that
 * must answer 2xx. After {@code failures} failed checks in a row an {@code UP} instance goes
 * {@code DOWN}; after {@code successes} in a row a {@code DOWN} one goes {@code UP} again.
 * Other statuses ({@code STARTING}, {@code OUT_OF_SERVICE}) are the owner's and are left alone.
 *
 * @param type {@code tcp} or {@code http}
 * @param path the path of an HTTP check (starting with {@code /}); null for TCP
 * @param interval time between the end of one check and the start of the next
 * @param timeout the longest a check may take; a slower one failed
 * @param failures failures in a row that take an instance DOWN
 * @param successes successes in a row that bring a DOWN instance back UP
 */
record HealthCheck(String type, @Nullable String path, Duration interval, Duration timeout, int failures,
    int successes) {
  static final Duration MIN_INTERVAL = Duration.ofMillis(100);
  static final Duration MAX_INTERVAL = Duration.ofHours(1);
  static final int MAX_COUNT = 100;
  static final Set<String> FIELDS = Set.of("type", "path", "interval", "timeout", "failures", "successes");

  /** MicroReg's own check: a TCP connect every 5 s; one failure marks it DOWN. */
  static final HealthCheck MICROREG = new HealthCheck("tcp", null, Duration.ofSeconds(5), Duration.ofSeconds(2), 1, 1);

  /**
   * Reads a check from the fields of a JSON object or an XML-RPC struct: {@code type} ({@code
   * tcp} or {@code http}), {@code path} (HTTP only, default {@code /}), {@code interval}
   * (default 10 s) and {@code timeout} (default 2 s) as durations ({@code "500ms"}, {@code
   * "10s"} or a number of seconds), {@code failures} (default 3) and {@code successes}
   * (default 1), each 1 to 100.
   *
   * @throws IllegalArgumentException naming the field and the value
   */
  static HealthCheck parse(Map<String, ?> fields) {
    for (String key : fields.keySet()) {
      if (!FIELDS.contains(key)) {
        throw new IllegalArgumentException("check has no field '" + truncate(key) + "'; its fields are " + FIELDS);
      }
    }
    Object rawType = fields.get("type");
    if (!(rawType instanceof String type) || !(type.equals("tcp") || type.equals("http"))) {
      throw new IllegalArgumentException("check.type must be 'tcp' or 'http': " + show(rawType));
    }
    String path = null;
    if (type.equals("http")) {
      Object rawPath = fields.get("path");
      path = rawPath == null ? "/" : rawPath instanceof String p ? p : null;
      if (path == null || !path.startsWith("/") || path.length() > 1024 || !path.chars().allMatch(c -> c > ' ' && c < 0x7f)) {
        throw new IllegalArgumentException("check.path must be a path starting with / (printable ASCII, at most 1024): "
            + show(rawPath));
      }
    } else if (fields.get("path") != null) {
      throw new IllegalArgumentException("check.path is for http checks only");
    }
    Duration interval = duration(fields, "interval", Duration.ofSeconds(10));
    Duration timeout = duration(fields, "timeout", Duration.ofSeconds(2));
    if (timeout.compareTo(interval) > 0) {
      throw new IllegalArgumentException("check.timeout (" + DurationText.format(timeout)
          + ") must not be longer than check.interval (" + DurationText.format(interval) + ")");
    }
    return new HealthCheck(type, path, interval, timeout, count(fields, "failures", 3), count(fields, "successes", 1));
  }

  /** The fields as {@link #parse} reads them, for storing. */
  Map<String, Object> fields() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("type", type);
    if (path != null) {
      m.put("path", path);
    }
    m.put("interval", DurationText.format(interval));
    m.put("timeout", DurationText.format(timeout));
    m.put("failures", failures);
    m.put("successes", successes);
    return m;
  }

  private static Duration duration(Map<String, ?> fields, String name, Duration fallback) {
    Object raw = fields.get(name);
    if (raw == null) {
      return fallback;
    }
    Duration d;
    try {
      d = raw instanceof Integer seconds ? Duration.ofSeconds(seconds)
          : raw instanceof String text ? DurationText.parse(text) : null;
    } catch (IllegalArgumentException e) {
      d = null;
    }
    if (d == null || d.compareTo(MIN_INTERVAL) < 0 || d.compareTo(MAX_INTERVAL) > 0) {
      throw new IllegalArgumentException("check." + name + " must be a duration from 100ms to 1h (like \"10s\"): "
          + show(raw));
    }
    return d;
  }

  private static int count(Map<String, ?> fields, String name, int fallback) {
    Object raw = fields.get(name);
    if (raw == null) {
      return fallback;
    }
    if (!(raw instanceof Integer n) || n < 1 || n > MAX_COUNT) {
      throw new IllegalArgumentException("check." + name + " must be an integer from 1 to " + MAX_COUNT + ": " + show(raw));
    }
    return n;
  }

  private static String show(@Nullable Object value) {
    return value instanceof String s ? "'" + truncate(s) + "'" : truncate(String.valueOf(value));
  }

  private static String truncate(String s) {
    return s.length() <= 100 ? s : s.substring(0, 100) + "...";
  }
}
