package dev.registry.client;

import static dev.registry.client.Logs.log;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * The cache entry of one service in one stage: an immutable {@link Snapshot} swapped as a
 * whole when the view changes, the load balancer's counter, the service's ejections and calls in
 * flight, and its listeners. {@code choose} reads one volatile field and increments one counter
 * ({@link Sequence}): no lock, no allocation.
 *
 * <p>A view changes under the holder's monitor, so that listeners hear of changes in order and
 * a subscription sees the current view exactly once; the snapshot is published before they
 * are told.
 */
final class ViewHolder {

  /**
   * A view and what picks need of it, computed once per change: its UP instances, those split by
   * the client's zone (null without a zone, or with nothing to split), and when the instances it
   * keeps from a former run of the registry are let go ({@link RestartGrace}; 0 when it keeps none).
   */
  record Snapshot(ServiceView view, Candidates up, @Nullable ZoneSplit zones, long keptUntilMillis) {}

  final String service;
  final String stage;
  final Sequence sequence = new Sequence();
  /** The zone split's own counter ({@link ZoneSplit#group}). */
  final Sequence splits = new Sequence();
  final Ejections ejections = new Ejections();
  final Loads loads;
  private final Routing routing;
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
  /** The restart rule's state: the registry's last answer, the run it came from, what is kept. */
  private @Nullable ServiceView answered;
  private @Nullable String run;
  private RestartGrace.Kept kept = RestartGrace.Kept.NONE;
  /** Where else the service was registered when last asked ({@link OtherStages}), or null. */
  volatile OtherStages.@Nullable Answer otherStages;
  /** The cache's bookkeeping: looked up since its last clean-up (see {@link ViewCache}). */
  volatile boolean accessed;
  /** The cache's bookkeeping, inline only: when the entry was last read, clock millis. */
  volatile long accessedAtMillis;

  ViewHolder(String service, String stage, Events events, Routing routing) {
    this.service = service;
    this.stage = stage;
    this.events = events;
    this.routing = routing;
    this.loads = new Loads(this, routing);
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

  /**
   * Takes a view the registry answered now, from run {@code epoch} (null when it does not say),
   * through the restart rule; tells listeners when what is served differs. @return whether it did
   */
  synchronized boolean apply(ServiceView next, @Nullable String epoch, long nowMillis, RestartGrace grace) {
    Snapshot old = snapshot;
    RestartGrace.Served served = grace.serve(old == null ? null : old.view(), run, kept, next, epoch, nowMillis);
    answered = next;
    run = served.run();
    kept = served.kept();
    checkedAtMillis = nowMillis;
    confirmedAtMillis = nowMillis;
    return swap(served.view());
  }

  /** Lets go of the instances kept from a former run once their time is up. */
  synchronized void release(long nowMillis, RestartGrace grace) {
    ServiceView last = answered;
    if (last == null || kept.isEmpty() || nowMillis < kept.untilMillis()) {
      return;
    }
    RestartGrace.Served served = grace.serve(null, run, kept, last, null, nowMillis);
    kept = served.kept();
    swap(served.view());
  }

  /** Takes a view read from the snapshot file, which the registry confirmed at another time. */
  synchronized boolean applySaved(ServiceView next, long nowMillis, long confirmedAtMillis) {
    this.checkedAtMillis = nowMillis;
    this.confirmedAtMillis = confirmedAtMillis;
    return swap(next);
  }

  private boolean swap(ServiceView next) {
    Snapshot old = snapshot;
    if (old != null && old.view().equals(next)) {
      if (old.keptUntilMillis() != kept.untilMillis()) {
        snapshot = new Snapshot(old.view(), old.up(), old.zones(), kept.untilMillis());  // kept longer: nothing to tell
      }
      return false;
    }
    List<ServiceInstance> up = new ArrayList<>(next.instances().size());
    for (ServiceInstance instance : next.instances()) {
      if (instance.status() == Status.UP) {
        up.add(instance);
      }
    }
    Candidates upList = old != null && old.up().equals(up) ? old.up() : new Candidates(up, loads);
    ZoneSplit zones = routing.zone == null ? null
        : ZoneSplit.of(routing.zone, next.instances(), upList, loads);
    loads.retain(upList);
    snapshot = new Snapshot(next, upList, zones, kept.untilMillis());
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
      snapshot = new Snapshot(stale, old.up(), old.zones(), old.keptUntilMillis());
      changed(stale);
    }
  }

  /**
   * Takes the outcome of a call to {@code instance} for the service's ejections; ignores an
   * instance of another service or before the first view.
   */
  void report(ServiceInstance instance, Outcome outcome) {
    Snapshot s = snapshot;
    if (s == null || !instance.service().equals(service)) {
      return;
    }
    switch (ejections.record(instance.id(), outcome, s.up(), routing)) {
      case EJECTED -> {
        Duration ejectionTime = Duration.ofMillis(routing.ejectionMillis);  // here only: a report allocates nothing
        log().info("Ejected {} instance {} at {} for {}: {} failed calls in a row (the last: {})", service,
            instance.id(), instance.address(), ejectionTime, routing.ejectAfter, outcome);
        events.fire(l -> l.instanceEjected(instance, ejectionTime));
      }
      case RETURNED -> log().info("{} instance {} at {} answered again after its ejection; back in rotation",
          service, instance.id(), instance.address());
      case NONE -> { }
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
