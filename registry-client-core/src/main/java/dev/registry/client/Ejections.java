package dev.registry.client;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The reported outcomes of one service's instances, by instance id, and who is ejected. Changed
 * under its own lock; read without one: {@code choose} reads {@link #count} alone while nothing
 * is ejected, and the array of ejections while something is.
 */
final class Ejections {
  private static final Ejected[] NONE = new Ejected[0];

  /** Reported calls to one instance. */
  private static final class Health {
    int consecutiveFailures;
    volatile long ejectedUntil;
  }

  /** An ejection set (maybe ended by now). */
  private record Ejected(String id, long until) {}

  private final ConcurrentHashMap<String, Health> byId = new ConcurrentHashMap<>();
  /** Instances with an ejection set (maybe ended); 0 keeps {@code choose} on its fast path. */
  volatile int count;
  /** The ejections set, as of the last change. */
  private volatile Ejected[] ejected = NONE;

  /** Whether the instance with {@code id} is ejected at {@code now}. No allocation. */
  boolean ejected(String id, long now) {
    Health h = byId.get(id);
    return h != null && h.ejectedUntil > now;
  }

  /** How many of {@code ids} are ejected at {@code now}. No allocation. */
  int ejectedAmong(Set<String> ids, long now) {
    int n = 0;
    for (Ejected e : ejected) {
      if (e.until > now && ids.contains(e.id)) {
        n++;
      }
    }
    return n;
  }

  /**
   * Takes the outcome of a call to instance {@code id}: a failure per {@code routing.ejectOn}
   * counts towards an ejection, {@link Outcome#CANCELLED} counts for nothing, anything else is a
   * success.
   *
   * @param up the service's UP instances now
   * @return what the report did to the instance's ejection
   */
  Change record(String id, Outcome outcome, List<ServiceInstance> up, Routing routing) {
    if (outcome == Outcome.CANCELLED) {
      return Change.NONE;
    }
    if (routing.ejectOn.contains(outcome)) {
      return reportFailure(id, up, routing.clock.millis(), routing.ejectAfter, routing.ejectionMillis)
          ? Change.EJECTED : Change.NONE;
    }
    return reportSuccess(id) ? Change.RETURNED : Change.NONE;
  }

  /** What a report did: nothing to tell, ejected the instance, or ended its ejection. */
  enum Change { NONE, EJECTED, RETURNED }

  /**
   * A failed call to instance {@code id}: after {@code ejectAfter} in a row it is ejected until
   * {@code now + ejectionMillis}, unless it is not UP or that would eject more than half of the
   * UP instances.
   */
  private boolean reportFailure(String id, List<ServiceInstance> up, long now, int ejectAfter,
      long ejectionMillis) {
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
      changed();
      return true;
    }
  }

  /**
   * A call to instance {@code id} worked: its failures and any ejection end.
   *
   * @return whether it had been ejected since its last success (it is back)
   */
  private boolean reportSuccess(String id) {
    if (byId.isEmpty()) {
      return false;
    }
    synchronized (byId) {
      Health removed = byId.remove(id);
      if (removed == null) {
        return false;
      }
      changed();
      return removed.ejectedUntil != 0;
    }
  }

  private void changed() {
    List<Ejected> set = new ArrayList<>();
    for (Map.Entry<String, Health> e : byId.entrySet()) {
      if (e.getValue().ejectedUntil != 0) {
        set.add(new Ejected(e.getKey(), e.getValue().ejectedUntil));
      }
    }
    ejected = set.toArray(NONE);
    count = set.size();
  }
}
