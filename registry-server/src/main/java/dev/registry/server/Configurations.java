package dev.registry.server;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * The central configuration: per service, key/value entries at scopes ({@link ConfigScope}), the
 * index of its last change, a short history, and the long-polls that wait for a change. Knows
 * nothing of HTTP.
 *
 * <p><b>Indexes.</b> One counter for every service's configuration, separate from the
 * instances' revision: it is saved with the entries, so that a restarted server with a data
 * directory goes on from where it was, and a reader's index stays meaningful across the
 * restart. A service's index is the index of its last change at any scope. A write that changes
 * nothing (the same value again, a default where a value exists) takes no index.
 *
 * <p><b>Waking.</b> A change wakes the readers it affects: those whose stage, region and client
 * the changed scope applies to. A reader it does not affect keeps waiting; when its wait ends it
 * is answered with the service's index, which has moved, and the same entries.
 *
 * <p>Threading: writes run under one lock and publish an immutable {@link ServiceConfig}, so
 * reads take no lock. Watches are told outside the lock.
 */
final class Configurations {
  /** Changes (keys written) kept in each service's history; a write is kept or dropped whole. */
  static final int HISTORY = 100;

  private static final ServiceConfig NONE = new ServiceConfig(0, Map.of(), 0, List.of());

  private final Clock clock;
  private final Limits limits;
  /** The run of the server, as the instances' answers name it: a reader that names another run is answered at once. */
  final String epoch;
  private final ReentrantLock lock = new ReentrantLock();
  private final ConcurrentHashMap<String, ServiceConfig> services = new ConcurrentHashMap<>();
  /** Per service, its parked readers and which changed scopes wake them; under the lock. */
  private final Map<String, Map<Watch, Predicate<ConfigScope>>> watches = new HashMap<>();
  /** The last index handed out; written under the lock. */
  private volatile long revision;
  /** Services with at least one entry; under the lock. */
  private int configured;
  private boolean closed;
  private volatile ConfigJournal journal = ConfigJournal.NONE;
  private volatile Consumer<List<Watch>> waker = Configurations::tellEach;

  Configurations(Clock clock, Limits limits, String epoch) {
    this.clock = clock;
    this.limits = limits;
    this.epoch = epoch;
  }

  /**
   * The configuration of one service, immutable.
   *
   * @param index the index of its last change, 0 for none
   * @param scopes its entries by scope, then by key
   * @param size how many entries, at every scope
   * @param history its last changes, oldest first
   */
  record ServiceConfig(long index, Map<ConfigScope, Map<String, ConfigEntry>> scopes, int size,
      List<ConfigChange> history) {}

  /** The configuration one reader sees: for each key, the entry that wins, by key. */
  record Resolved(long index, Map<String, ConfigEntry> entries) {}

  /** The outcome of a write: the service's index after it, and the keys it changed. */
  record Written(long index, List<String> changed) {}

  // ---------------------------------------------------------------- reads

  /** A service's configuration; empty, with index 0, when it has none. */
  ServiceConfig config(String service) {
    return services.getOrDefault(service, NONE);
  }

  /** What a reader in {@code reader}'s stage, region and client sees of a service's configuration. */
  Resolved resolve(String service, ConfigScope reader) {
    ServiceConfig config = config(service);
    Map<String, ConfigEntry> winners = new TreeMap<>();
    config.scopes().forEach((scope, entries) -> {
      if (scope.appliesTo(reader)) {
        for (ConfigEntry entry : entries.values()) {
          winners.merge(entry.key(), entry,
              (held, candidate) -> candidate.scope().precedence() > held.scope().precedence() ? candidate : held);
        }
      }
    });
    return new Resolved(config.index(), Collections.unmodifiableMap(winners));
  }

  /** Every service's configuration, by service; for invariant checks in tests. */
  Map<String, ServiceConfig> all() {
    return Collections.unmodifiableMap(services);
  }

  /** The last index handed out, for any service. */
  long revision() {
    return revision;
  }

  // ---------------------------------------------------------------- writes

  /**
   * Applies one write as one change: every key it changes takes the same new index, is kept in
   * the history and told to the journal; the readers it affects wake. Checks the limits first
   * and changes nothing when one would be broken.
   *
   * @throws LimitExceededException when the service would hold more than {@code
   *     maxConfigEntries} entries, or a new service more than {@code maxServices} would have
   *     configuration
   */
  Written write(String service, ConfigWrite write, Caller by) {
    List<Watch> wake = new ArrayList<>();
    lock.lock();
    try {
      ServiceConfig current = config(service);
      Map<String, ConfigEntry> atScope = current.scopes().getOrDefault(write.scope(), Map.of());
      List<Pending> pending = changes(atScope, write);
      if (pending.isEmpty()) {
        return new Written(current.index(), List.of());
      }
      int size = current.size();
      String added = null;
      for (Pending p : pending) {
        size += (p.old == null ? 1 : 0) - (p.value == null ? 1 : 0);
        if (p.old == null && added == null) {
          added = p.key;
        }
      }
      checkLimits(service, current, size, added);
      long index = ++revision;
      long now = clock.millis();
      Map<String, ConfigEntry> entries = new TreeMap<>(atScope);
      List<ConfigChange> changes = new ArrayList<>(pending.size());
      for (Pending p : pending) {
        String description = p.description != null ? p.description : p.old == null ? null : p.old.description();
        if (p.value == null) {
          entries.remove(p.key);
        } else {
          entries.put(p.key, new ConfigEntry(write.scope(), p.key, p.value, description, index, now));
        }
        changes.add(new ConfigChange(index, now, write.scope(), p.key, p.old == null ? null : p.old.value(),
            p.value, description, by.label));
      }
      Map<ConfigScope, Map<String, ConfigEntry>> scopes = new LinkedHashMap<>(current.scopes());
      if (entries.isEmpty()) {
        scopes.remove(write.scope());
      } else {
        scopes.put(write.scope(), Collections.unmodifiableMap(entries));
      }
      List<ConfigChange> history = keepLast(current.history(), changes);
      publish(service, new ServiceConfig(index, Collections.unmodifiableMap(scopes), size, history), current);
      journal.changed(service, changes, history.get(0).index());
      Map<Watch, Predicate<ConfigScope>> parked = watches.get(service);
      if (parked != null) {
        parked.entrySet().removeIf(e -> e.getValue().test(write.scope()) && wake.add(e.getKey()));
        if (parked.isEmpty()) {
          watches.remove(service);
        }
      }
      return new Written(index, changes.stream().map(ConfigChange::key).toList());
    } finally {
      lock.unlock();
      if (!wake.isEmpty()) {
        waker.accept(wake);
      }
    }
  }

  /** A key a write changes: its entry before (null for none), its value after (null when deleted). */
  private record Pending(String key, @Nullable ConfigEntry old, @Nullable String value, @Nullable String description) {}

  /** What the write changes at its scope, by key; a key set to the value it has is no change. */
  private static List<Pending> changes(Map<String, ConfigEntry> atScope, ConfigWrite write) {
    Map<String, Pending> pending = new TreeMap<>();
    write.set().forEach((key, value) -> {
      ConfigEntry old = atScope.get(key);
      if (old == null || !old.value().equals(value)) {
        pending.put(key, new Pending(key, old, value, null));
      }
    });
    for (String key : write.delete()) {
      ConfigEntry old = atScope.get(key);
      if (old != null) {
        pending.put(key, new Pending(key, old, null, null));
      }
    }
    write.defaults().forEach((key, declared) -> {
      if (!atScope.containsKey(key)) {
        pending.put(key, new Pending(key, null, declared.value(), declared.description()));
      }
    });
    return new ArrayList<>(pending.values());
  }

  private void checkLimits(String service, ServiceConfig current, int size, @Nullable String added) {
    if (size > limits.maxConfigEntries()) {
      throw new LimitExceededException("too_many_entries", "the configuration of " + service + " would hold "
          + size + " entries with " + RequestBody.quote(String.valueOf(added)) + "; at most "
          + limits.maxConfigEntries() + " are allowed (every scope counts)");
    }
    if (current.size() == 0 && size > 0 && configured >= limits.maxServices()) {
      throw new LimitExceededException("too_many_services", "the registry already holds the configuration of "
          + configured + " services; at most " + limits.maxServices() + " are allowed");
    }
  }

  /** The history with {@code changes} added, cut to the last {@link #HISTORY} keys (whole writes). */
  private static List<ConfigChange> keepLast(List<ConfigChange> history, List<ConfigChange> changes) {
    List<ConfigChange> all = new ArrayList<>(history.size() + changes.size());
    all.addAll(history);
    all.addAll(changes);
    if (all.size() > HISTORY) {
      long from = all.get(all.size() - HISTORY).index();
      all.removeIf(c -> c.index() < from);
    }
    return List.copyOf(all);
  }

  /** Under the lock. */
  private void publish(String service, ServiceConfig config, ServiceConfig before) {
    if ((before.size() == 0) != (config.size() == 0)) {
      configured += config.size() == 0 ? -1 : 1;
    }
    services.put(service, config);
  }

  /**
   * Puts back what an earlier run saved (the data directory), before the server serves. Tells
   * the journal nothing: it is saved already.
   *
   * @param entries every entry, by service
   * @param history the kept history, by service, oldest first
   */
  void restore(Map<String, List<ConfigEntry>> entries, Map<String, List<ConfigChange>> history) {
    lock.lock();
    try {
      Map<String, Map<ConfigScope, Map<String, ConfigEntry>>> byService = new HashMap<>();
      Map<String, Long> indexes = new HashMap<>();
      entries.forEach((service, list) -> {
        for (ConfigEntry e : list) {
          byService.computeIfAbsent(service, s -> new LinkedHashMap<>())
              .computeIfAbsent(e.scope(), s -> new TreeMap<>()).put(e.key(), e);
          indexes.merge(service, e.index(), Math::max);
        }
      });
      history.forEach((service, list) -> {
        for (ConfigChange c : list) {
          indexes.merge(service, c.index(), Math::max);
        }
      });
      for (var e : indexes.entrySet()) {
        String service = e.getKey();
        Map<ConfigScope, Map<String, ConfigEntry>> scopes = new LinkedHashMap<>();
        int size = 0;
        for (var scope : byService.getOrDefault(service, Map.of()).entrySet()) {
          scopes.put(scope.getKey(), Collections.unmodifiableMap(scope.getValue()));
          size += scope.getValue().size();
        }
        publish(service, new ServiceConfig(e.getValue(), Collections.unmodifiableMap(scopes), size,
            List.copyOf(history.getOrDefault(service, List.of()))), NONE);
        revision = Math.max(revision, e.getValue());
      }
    } finally {
      lock.unlock();
    }
  }

  // ---------------------------------------------------------------- watches

  /**
   * Parks {@code watch} until a change of the service's configuration that {@code affects}
   * says concerns it. Returns false, parking nothing, when the service's index already differs
   * from {@code index}, when {@code epoch} names another run of the server, or when closed:
   * answer at once.
   *
   * @param affects given the scope of a change, whether it wakes this watch
   * @param epoch the run the reader's index came from, or null when it did not say
   */
  boolean watch(String service, Predicate<ConfigScope> affects, long index, @Nullable String epoch, Watch watch) {
    lock.lock();
    try {
      if (closed || config(service).index() != index || (epoch != null && !epoch.equals(this.epoch))) {
        return false;
      }
      watches.computeIfAbsent(service, s -> new LinkedHashMap<>()).put(watch, affects);
      return true;
    } finally {
      lock.unlock();
    }
  }

  /** Forgets a parked watch (its wait ended or its client went away); idempotent. */
  void unwatch(String service, Watch watch) {
    lock.lock();
    try {
      Map<Watch, Predicate<ConfigScope>> parked = watches.get(service);
      if (parked != null && parked.remove(watch) != null && parked.isEmpty()) {
        watches.remove(service);
      }
    } finally {
      lock.unlock();
    }
  }

  /** How many readers are parked; for tests. */
  int watchCount() {
    lock.lock();
    try {
      return watches.values().stream().mapToInt(Map::size).sum();
    } finally {
      lock.unlock();
    }
  }

  /** Tells every parked watch and refuses new ones; idempotent. */
  void close() {
    List<Watch> wake = new ArrayList<>();
    lock.lock();
    try {
      closed = true;
      watches.values().forEach(parked -> wake.addAll(parked.keySet()));
      watches.clear();
    } finally {
      lock.unlock();
    }
    tellEach(wake);
  }

  /** Sets who is told of each change to save it (the data directory); by default nobody. Set before use. */
  void journal(ConfigJournal journal) {
    this.journal = journal;
  }

  /** Sets who tells the watches of a change (the server's pool, see {@code RegistryHandler.wake}). Set before use. */
  void waker(Consumer<List<Watch>> waker) {
    this.waker = waker;
  }

  private static void tellEach(List<Watch> watches) {
    for (Watch watch : watches) {
      watch.changed();
    }
  }
}
