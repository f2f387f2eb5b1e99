package dev.registry.client.internal;

import static dev.registry.client.internal.Logs.log;

import dev.registry.client.ServiceInstance;
import dev.registry.client.ServiceListener;
import dev.registry.client.ServiceView;
import dev.registry.client.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * The cache entry of one service in one stage: an immutable {@link Snapshot} swapped as a
 * whole when the view changes, and the load balancer's counter. {@code choose} reads one
 * volatile field and increments one counter ({@link Sequence}): no lock, no allocation.
 */
final class ServiceHolder {

  /** A view and its UP instances, computed once per change. */
  record Snapshot(ServiceView view, List<ServiceInstance> up) {}

  final String service;
  final String stage;
  final Sequence sequence = new Sequence();
  final List<ServiceListener> listeners = new CopyOnWriteArrayList<>();
  /** Held by whoever loads or refreshes the view inline; others serve what there is. */
  final ReentrantLock refreshLock = new ReentrantLock();
  final AtomicBoolean watching = new AtomicBoolean();
  private final Events events;

  private volatile @Nullable Snapshot snapshot;
  /** Reported failures by instance id; guarded by itself for changes, read without a lock. */
  final java.util.concurrent.ConcurrentHashMap<String, Health> health = new java.util.concurrent.ConcurrentHashMap<>();
  /** Instances with an ejection set (maybe ended); 0 keeps {@code choose} on its fast path. */
  volatile int ejections;

  /** Reported calls to one instance. */
  static final class Health {
    int consecutiveFailures;
    volatile long ejectedUntil;
  }
  /** When the registry was last asked about this view (answered or not), clock millis. */
  volatile long checkedAtMillis;
  /**
   * When the registry last answered this view (changed or not), clock millis; for a view read
   * from the snapshot file, when the registry had last confirmed it then. What the snapshot
   * file saves as the view's age.
   */
  volatile long confirmedAtMillis;
  /** Inline mode only: when the entry was last read, clock millis (idle eviction). */
  volatile long accessedAtMillis;
  volatile @Nullable Future<?> inFlight;
  volatile boolean closed;
  /** Looked up since the last clean-up; set by lookups, cleared by {@link ServiceCache#cleanUp()}. */
  volatile boolean accessed;
  /** Consecutive long-poll failures; touched only by the poll loop, one step at a time. */
  int pollFailures;

  ServiceHolder(String service, String stage, Events events) {
    this.service = service;
    this.stage = stage;
    this.events = events;
  }

  @Nullable Snapshot snapshot() {
    return snapshot;
  }

  /** Whether the instance with {@code id} is ejected at {@code now}. No allocation. */
  boolean ejected(String id, long now) {
    Health h = health.get(id);
    return h != null && h.ejectedUntil > now;
  }

  /**
   * A failed call to instance {@code id}: after {@code ejectAfter} in a row it is ejected until
   * {@code now + ejectionMillis}, unless that would eject more than half of the UP instances.
   *
   * @return whether this report ejected it
   */
  boolean reportFailure(String id, long now, int ejectAfter, long ejectionMillis) {
    synchronized (health) {
      Health h = health.computeIfAbsent(id, k -> new Health());
      if (h.ejectedUntil > now) {
        return false;
      }
      if (++h.consecutiveFailures < ejectAfter) {
        return false;
      }
      Snapshot s = snapshot;
      int up = s == null ? 0 : s.up().size();
      int ejectedUp = 0;
      boolean isUp = false;
      if (s != null) {
        for (ServiceInstance i : s.up()) {
          isUp |= i.id().equals(id);
          if (ejected(i.id(), now)) {
            ejectedUp++;
          }
        }
      }
      if (!isUp || ejectedUp + 1 > up / 2) {
        return false;
      }
      h.consecutiveFailures = 0;
      h.ejectedUntil = now + ejectionMillis;
      ejections = countEjections();
      return true;
    }
  }

  /** A call to instance {@code id} worked: its failures and any ejection end. */
  void reportSuccess(String id) {
    if (health.isEmpty()) {
      return;
    }
    synchronized (health) {
      if (health.remove(id) != null) {
        ejections = countEjections();
      }
    }
  }

  private int countEjections() {
    int n = 0;
    for (Health h : health.values()) {
      if (h.ejectedUntil != 0) {
        n++;
      }
    }
    return n;
  }

  /** Takes a view the registry answered; tells listeners when it differs. @return whether it did */
  boolean apply(ServiceView next, long nowMillis) {
    return apply(next, nowMillis, nowMillis);
  }

  /** Like {@link #apply(ServiceView, long)}, for a view the registry confirmed at another time. */
  synchronized boolean apply(ServiceView next, long nowMillis, long confirmedAtMillis) {
    checkedAtMillis = nowMillis;
    this.confirmedAtMillis = confirmedAtMillis;
    Snapshot old = snapshot;
    if (old != null && old.view().equals(next)) {
      return false;
    }
    List<ServiceInstance> up = new ArrayList<>(next.instances().size());
    for (ServiceInstance instance : next.instances()) {
      if (instance.status() == Status.UP) {
        up.add(instance);
      }
    }
    List<ServiceInstance> upList = old != null && old.up().equals(up) ? old.up() : List.copyOf(up);
    snapshot = new Snapshot(next, upList);
    changed(next);
    return true;
  }

  /** The registry could not be asked: keep the view, marked stale. */
  synchronized void markStale(long nowMillis) {
    checkedAtMillis = nowMillis;
    Snapshot old = snapshot;
    if (old != null && !old.view().stale()) {
      ServiceView stale = old.view().withStale(true);
      snapshot = new Snapshot(stale, old.up());
      changed(stale);
    }
  }

  /** Adds a listener and tells it the current view, atomically with changes. */
  synchronized void subscribe(ServiceListener listener) {
    listeners.add(listener);
    Snapshot s = snapshot;
    if (s != null) {
      tell(listener, s.view());
    }
  }

  private void changed(ServiceView view) {
    events.fire(l -> l.viewChanged(view));
    for (ServiceListener listener : listeners) {
      tell(listener, view);
    }
  }

  private static void tell(ServiceListener listener, ServiceView view) {
    try {
      listener.onChange(view);
    } catch (RuntimeException e) {
      log().warn("ServiceListener {} threw; ignored", listener, e);
    }
  }

  /** Leaves the cache: stop the long-poll. */
  void close() {
    closed = true;
    Future<?> f = inFlight;
    if (f != null) {
      f.cancel(true);
    }
  }

  @Override
  public String toString() {
    return service + "@" + stage;
  }
}
