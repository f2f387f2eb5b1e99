package dev.registry.client;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.jspecify.annotations.Nullable;

/**
 * The round-robin sequence of one cached service: a number that goes up by one with every
 * pick the same thread makes.
 *
 * <p>It starts as one counter. When two picks collide on it (a compare-and-set fails), it
 * splits into stripes, each its own counter on its own cache line, and a thread then draws
 * from the stripe its id picks. Why: a counter that every pick writes moves between the
 * cores at every pick when two of them pick from one service at once, and that transfer was
 * two thirds of a pick. Two threads paid about 55 ns a pick against 19 ns without the
 * increment (docs/benchmarks.md, "Pick cost").
 *
 * <p>The stripes start one apart, so threads on different stripes pick different instances
 * in turn. A thread that finds its stripe taken moves to the next stripe for that pick, so a
 * collision costs no more than the single counter did. Each stripe goes round on its own, and
 * calls still spread evenly: a thread alone on its stripe spreads exactly evenly. Nothing here
 * allocates after the split, which happens at most once per service.
 */
final class Sequence {
  /**
   * Ints per stripe: 32 × 4 bytes, two 64-byte cache lines, since processors fetch lines in
   * adjacent pairs.
   */
  private static final int PAD = 32;
  /** Stripes after the split: a power of two, about four per processor, at most 64. */
  static final int STRIPES = Math.min(64,
      Integer.highestOneBit(Math.max(2, Runtime.getRuntime().availableProcessors()) * 4 - 1) << 1);

  private final AtomicInteger single = new AtomicInteger();
  private volatile @Nullable AtomicIntegerArray stripes;

  /** The next number for the calling thread: one more than its last while it runs alone. */
  int next() {
    AtomicIntegerArray s = stripes;
    if (s == null) {
      int v = single.get();
      if (single.compareAndSet(v, v + 1)) {
        return v;
      }
      s = split();
    }
    int stripe = stripeOf(Thread.currentThread().getId());
    for (int tries = 0; tries < STRIPES; tries++) {
      int at = ((stripe + tries) & (STRIPES - 1)) * PAD;
      int v = s.get(at);
      if (s.compareAndSet(at, v, v + 1)) {
        return v;
      }
    }
    return s.getAndIncrement(stripe * PAD);
  }

  /** Whether picks have collided and the sequence has split; for tests. */
  boolean isSplit() {
    return stripes != null;
  }

  /** Splits now, as the first collision does: stripe k starts k past the single counter. */
  synchronized AtomicIntegerArray split() {
    AtomicIntegerArray s = stripes;
    if (s == null) {
      s = new AtomicIntegerArray(STRIPES * PAD);
      int from = single.get();
      for (int k = 0; k < STRIPES; k++) {
        s.set(k * PAD, from + k);
      }
      stripes = s;
    }
    return s;
  }

  /** Spreads consecutive thread ids over the stripes (Fibonacci hashing: the product's top bits). */
  static int stripeOf(long threadId) {
    return (int) ((threadId * 0x9E3779B97F4A7C15L) >>> (64 - Integer.numberOfTrailingZeros(STRIPES)));
  }
}
