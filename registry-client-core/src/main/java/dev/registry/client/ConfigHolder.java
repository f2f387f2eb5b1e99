package dev.registry.client;

import static dev.registry.client.Logs.log;

import dev.registry.client.spi.ConfigAnswer;
import dev.registry.client.spi.ConfigQuery;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * The cache entry of one service's configuration, as this client's reader sees it: the
 * immutable {@link ConfigView} swapped as a whole when the registry answers a change, and its
 * listeners. A change is checked before it is taken (validate, then swap): against the types of
 * the service's declared keys, then by every listener's {@link ConfigListener#check}; a
 * rejected one leaves the view as it was, and its index is not reported as applied.
 *
 * <p>A view changes under the holder's monitor, so that listeners hear of changes in order and
 * a subscription hears the current view exactly once; the view is published before they are
 * told.
 */
final class ConfigHolder {
  final ConfigQuery query;
  /** Held by whoever loads or refreshes the view on a caller's thread; others serve what there is. */
  final ReentrantLock refreshLock = new ReentrantLock();
  private final List<ConfigListener> listeners = new CopyOnWriteArrayList<>();
  private final Events events;
  /** The service's declared keys by name: the types a new view's values must have. */
  private volatile Map<String, ConfigKey> declared = Map.of();

  private volatile @Nullable ConfigView view;
  /** The registry's run that answered the view, for the watch to start from. */
  private volatile @Nullable String epoch;
  /** The index the registry last answered, taken or rejected: where a watch goes on from. */
  private volatile long position;
  /** The last index rejected, so that the same one is reported once. */
  private long rejected = -1;
  /** When the registry was last asked about this configuration (answered or not), clock millis. */
  private volatile long checkedAtMillis;

  ConfigHolder(ConfigQuery query, Events events) {
    this.query = query;
    this.events = events;
  }

  /** The current view, or null before the first answer. */
  @Nullable ConfigView view() {
    return view;
  }

  @Nullable String epoch() {
    return epoch;
  }

  long position() {
    return position;
  }

  long checkedAtMillis() {
    return checkedAtMillis;
  }

  /** The index of the configuration taken, the one to report as applied; -1 before the first. */
  long appliedIndex() {
    ConfigView v = view;
    return v == null ? -1 : v.index();
  }

  void declare(Map<String, ConfigKey> keys) {
    declared = Map.copyOf(keys);
  }

  /**
   * Takes what the registry answered now, if it passes the checks; tells the listeners when it
   * differs.
   *
   * @return whether the view changed
   * @throws IllegalStateException when it fails a check and there is no view to keep (the first
   *     answer), naming the reason
   */
  synchronized boolean apply(ConfigAnswer answer, long nowMillis) {
    checkedAtMillis = nowMillis;
    epoch = answer.epoch();
    position = answer.index();
    ConfigView old = view;
    if (old != null && old.index() == answer.index() && old.asMap().equals(answer.values())) {
      return old.stale() && swap(old, old.withStale(false));
    }
    ConfigView next = new ConfigView(query.service(), query.stage(), query.region(), query.client(), answer.index(),
        answer.values(), false);
    RuntimeException rejection = check(next);
    if (rejection != null) {
      if (old == null) {
        throw new IllegalStateException("the configuration of " + query.service() + " at index " + next.index()
            + " was rejected: " + rejection.getMessage(), rejection);
      }
      if (rejected != next.index()) {
        rejected = next.index();
        log().warn("The configuration of {} at index {} was rejected; index {} is kept: {}", query.service(),
            next.index(), old.index(), rejection.getMessage());
        events.fire(l -> l.configRejected(next, rejection));
      }
      return old.stale() && swap(old, old.withStale(false));
    }
    return swap(old, next);
  }

  /** Checks a view against the declared keys' types, then the listeners: the first rejection, or null. */
  private @Nullable RuntimeException check(ConfigView next) {
    for (ConfigKey key : declared.values()) {
      String value = next.asMap().get(key.name());
      if (value != null) {
        try {
          key.type().check(key.name(), value);
        } catch (IllegalArgumentException e) {
          return e;
        }
      }
    }
    for (ConfigListener listener : listeners) {
      try {
        listener.check(next);
      } catch (RuntimeException e) {
        return e;
      }
    }
    return null;
  }

  /** The registry could not be asked: keep the view, marked stale. */
  synchronized void markStale(long nowMillis) {
    checkedAtMillis = nowMillis;
    ConfigView old = view;
    if (old != null && !old.stale()) {
      swap(old, old.withStale(true));
    }
  }

  private boolean swap(@Nullable ConfigView old, ConfigView next) {
    view = next;
    events.fire(l -> l.configChanged(next));
    if (!listeners.isEmpty()) {
      ConfigChange change = new ConfigChange(old, next);
      for (ConfigListener listener : listeners) {
        tell(listener, change);
      }
    }
    return true;
  }

  /** Adds a listener and tells it the current view, atomically with changes. */
  synchronized Watch subscribe(ConfigListener listener) {
    listeners.add(listener);
    ConfigView v = view;
    if (v != null) {
      tell(listener, new ConfigChange(null, v));
    }
    return () -> listeners.remove(listener);
  }

  private static void tell(ConfigListener listener, ConfigChange change) {
    try {
      listener.onChange(change);
    } catch (RuntimeException e) {
      log().warn("ConfigListener {} threw; ignored", listener, e);
    }
  }

  @Override
  public String toString() {
    return "configuration of " + query.service() + "@" + query.stage();
  }
}
