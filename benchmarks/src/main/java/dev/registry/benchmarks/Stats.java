package dev.registry.benchmarks;

import java.util.Arrays;
import java.util.Locale;

/** Percentiles of a sample of latencies, in nanoseconds. */
final class Stats {
  private final long[] sorted;

  Stats(long[] nanos, int count) {
    this.sorted = Arrays.copyOf(nanos, count);
    Arrays.sort(sorted);
  }

  int count() {
    return sorted.length;
  }

  /** The nearest-rank percentile, in nanoseconds; 0 for an empty sample. */
  long percentile(double p) {
    if (sorted.length == 0) {
      return 0;
    }
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }

  long max() {
    return sorted.length == 0 ? 0 : sorted[sorted.length - 1];
  }

  static String millis(long nanos) {
    return String.format(Locale.ROOT, "%.2f", nanos / 1e6);
  }

  /** {@code p50=1.23 ms p99=4.56 ms max=7.89 ms (n=200)}. */
  String summaryMillis() {
    return "p50=" + millis(percentile(50)) + " ms p99=" + millis(percentile(99)) + " ms max="
        + millis(max()) + " ms (n=" + count() + ")";
  }
}
