package dev.registry.client;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The reported failures of one service's instances, by instance id, and who is ejected. Changed
 * under its own lock; read without one: {@code choose} reads {@link #count} alone while nothing
 * is ejected.
 */
final class Ejections {

  /** Reported calls to one instance. */
  private static final class Health {
    int consecutiveFailures;
    volatile long ejectedUntil;
  }

  private final ConcurrentHashMap<String, Health> byId = new ConcurrentHashMap<>();
  /** Instances with an ejection set (maybe ended); 0 keeps {@code choose} on its fast path. */
  volatile int count;

  /** Whether the instance with {@code id} is ejected at {@code now}. No allocation. */
  boolean ejected(String id, long now) {
    Health h = byId.get(id);
    return h != null && h.ejectedUntil > now;
  }

  /**
   * A failed call to instance {@code id}: after {@code ejectAfter} in a row it is ejected until
   * {@code now + ejectionMillis}, unless it is not UP or that would eject more than half of the
   * UP instances.
   *
   * @param up the service's UP instances now
   * @return whether this report ejected it
   */
  boolean reportFailure(String id, List<ServiceInstance> up, long now, int ejectAfter, long ejectionMillis) {
    synchronized (byId) {
      Health h = byId.computeIfAbsent(id, k -> new Health());
      if (h.ejectedUntil > now || ++h.consecutiveFailures < ejectAfter) {
        return false;
      }
      int ejectedUp = 0;
      boolean isUp = false;
      for (ServiceInstance i : up) {
        isUp |= i.id().equals(id);
        if (ejected(i.id(), now)) {
          ejectedUp++;
        }
      }
      if (!isUp || ejectedUp + 1 > up.size() / 2) {
        return false;
      }
      h.consecutiveFailures = 0;
      h.ejectedUntil = now + ejectionMillis;
      count = countEjected();
      return true;
    }
  }

  /**
   * A call to instance {@code id} worked: its failures and any ejection end.
   *
   * @return whether it had been ejected since its last success (it is back)
   */
  boolean reportSuccess(String id) {
    if (byId.isEmpty()) {
      return false;
    }
    synchronized (byId) {
      Health removed = byId.remove(id);
      if (removed == null) {
        return false;
      }
      count = countEjected();
      return removed.ejectedUntil != 0;
    }
  }

  private int countEjected() {
    int n = 0;
    for (Health h : byId.values()) {
      if (h.ejectedUntil != 0) {
        n++;
      }
    }
    return n;
  }
}
