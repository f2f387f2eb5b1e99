package dev.registry.server;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The lease of one instance: the epoch millisecond at which it ends. Renewal is lock-free so that
 * heartbeats stay cheap; removal and expiry swap in {@link #REMOVED} so that a heartbeat racing
 * with them either happened before (and was overtaken) or sees the instance gone.
 */
final class Lease {
  static final long REMOVED = Long.MIN_VALUE;
  /**
   * The lease length of an instance held until it is removed: a MicroReg registration, which
   * sends no heartbeats (the registry's own health checks watch it instead).
   */
  static final long UNTIL_REMOVED = 0;

  /** The end of a lease of {@code ttlMillis} that starts at {@code now}. */
  static long end(long now, long ttlMillis) {
    return ttlMillis == UNTIL_REMOVED ? Long.MAX_VALUE : now + ttlMillis;
  }

  private final AtomicLong end;

  Lease(long end) {
    this.end = new AtomicLong(end);
  }

  long end() {
    return end.get();
  }

  /** Extends the lease to {@code newEnd} unless it has ended at {@code now}; never shortens it. */
  boolean renew(long now, long newEnd) {
    while (true) {
      long current = end.get();
      if (current <= now) {
        return false;
      }
      if (newEnd <= current || end.compareAndSet(current, newEnd)) {
        return true;
      }
    }
  }

  /** Sets the end outright (a re-registration may shorten it); only under the registry lock. */
  void reset(long newEnd) {
    end.set(newEnd);
  }

  /** Ends the lease if it has run out at {@code now}; false if a heartbeat renewed it meanwhile. */
  boolean expire(long now) {
    while (true) {
      long current = end.get();
      if (current > now) {
        return false;
      }
      if (current == REMOVED || end.compareAndSet(current, REMOVED)) {
        return true;
      }
    }
  }

  void remove() {
    end.set(REMOVED);
  }
}
