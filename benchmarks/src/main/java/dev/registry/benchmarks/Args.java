package dev.registry.benchmarks;

import java.util.HashMap;
import java.util.Map;

/** {@code --name value} command-line options with defaults. */
final class Args {
  private final Map<String, String> values = new HashMap<>();

  Args(String[] args) {
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException("expected --name value pairs, got: " + String.join(" ", args));
      }
      values.put(args[i], args[++i]);
    }
  }

  String string(String name, String fallback) {
    return values.getOrDefault(name, fallback);
  }

  int integer(String name, int fallback) {
    String v = values.get(name);
    return v == null ? fallback : Integer.parseInt(v);
  }

  int[] ints(String name, String fallback) {
    String[] parts = string(name, fallback).split(",");
    int[] result = new int[parts.length];
    for (int i = 0; i < parts.length; i++) {
      result[i] = Integer.parseInt(parts[i].trim());
    }
    return result;
  }

  /** A duration like {@code 2s}, {@code 500ms} or a plain number of seconds, in millis. */
  long millis(String name, String fallback) {
    String v = string(name, fallback).trim();
    if (v.endsWith("ms")) {
      return Long.parseLong(v.substring(0, v.length() - 2));
    }
    if (v.endsWith("s")) {
      return Math.round(Double.parseDouble(v.substring(0, v.length() - 1)) * 1000);
    }
    return Math.round(Double.parseDouble(v) * 1000);
  }
}
