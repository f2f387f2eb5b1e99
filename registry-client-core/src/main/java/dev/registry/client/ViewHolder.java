package dev.registry.client;

import static dev.registry.client.Logs.log;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * The cache entry of one service in one stage: an immutable {@link Snapshot} swapped as a
 * whole when the view changes, the load balancer's counter, the service's ejections, and its
 * listeners. {@code choose} reads one volatile field and increments one counter
 * ({@link Sequence}): no lock, no allocation.
 *
 * <p>A view changes under the holder's monitor, so that listeners hear of changes in order and
 * a subscription sees the current view exactly once; the snapshot is published before they
 * are told.
 */
final class ViewHolder {

  /** A view and its UP instances, computed once per change. */
  record Snapshot(ServiceView view, List<ServiceInstance> up) {}

  final String service;
  final String stage;
  final Sequence sequence = new Sequence();
  final Ejections ejections = new Ejections();
  /** Held by whoever loads or refreshes the view on a caller's thread; others serve what there is. */
  final ReentrantLock refreshLock = new ReentrantLock();
  private final List<ServiceListener> listeners = new CopyOnWriteArrayList<>();
  private final Events events;

  private volatile @Nullable Snapshot snapshot;
  /** When the registry was last asked about this view (answered or not), clock millis. */
  private volatile long checkedAtMillis;
  /**
   * When the registry last answered this view (changed or not), clock millis; for a view read
   * from the snapshot file, when the registry had confirmed it then. The snapshot file saves it.
   */
  private volatile long confirmedAtMillis;
  private volatile boolean closed;
  /** Where else the service was registered when last asked ({@link OtherStages}), or null. */
  volatile OtherStages.@Nullable Answer otherStages;
  /** The cache's bookkeeping: looked up since its last clean-up (see {@link ViewCache}). */
  volatile boolean accessed;
  /** The cache's bookkeeping, inline only: when the entry was last read, clock millis. */
  volatile long accessedAtMillis;

  ViewHolder(String service, String stage, Events events) {
    this.service = service;
    this.stage = stage;
    this.events = events;
  }

  /** The current view and its UP instances, or null before the first fetch. */
  @Nullable Snapshot snapshot() {
    return snapshot;
  }

  long checkedAtMillis() {
    return checkedAtMillis;
  }

  long confirmedAtMillis() {
    return confirmedAtMillis;
  }

  /** Takes a view the registry answered now; tells listeners when it differs. @return whether it did */
  boolean apply(ServiceView next, long nowMillis) {
    return apply(next, nowMillis, nowMillis);
  }

  /** Like {@link #apply(ServiceView, long)}, for a view the registry confirmed at another time. */
  synchronized boolean apply(ServiceView next, long nowMillis, long confirmedAtMillis) {
    this.checkedAtMillis = nowMillis;
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
    if (old == null) {
      events.viewCached();
    }
    changed(next);
    return true;
  }

  /** The registry confirmed the view as it is. */
  void confirm(long nowMillis) {
    checkedAtMillis = nowMillis;
    confirmedAtMillis = nowMillis;
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
  synchronized Watch subscribe(ServiceListener listener) {
    listeners.add(listener);
    Snapshot s = snapshot;
    if (s != null) {
      tell(listener, s.view());
    }
    return () -> listeners.remove(listener);
  }

  boolean hasListeners() {
    return !listeners.isEmpty();
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

  /** Left the cache (idle, or the client closed): it is watched no more. */
  void close() {
    closed = true;
  }

  boolean isClosed() {
    return closed;
  }

  @Override
  public String toString() {
    return service + "@" + stage;
  }
}
