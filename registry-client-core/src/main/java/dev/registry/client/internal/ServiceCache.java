package dev.registry.client.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The cached views: one Caffeine cache per stage, keyed by service name, so that a lookup
 * allocates no key object. Entries not read for the idle timeout are evicted (and stop being
 * watched); time comes from the client's clock, so tests drive expiry. Maintenance runs on the
 * calling thread: a client starts no thread of Caffeine's.
 *
 * <p>Cached lookups do not go through Caffeine: they read a plain {@link ConcurrentHashMap}
 * index beside it. A Caffeine read with {@code expireAfterAccess} reads the ticker, writes the
 * entry's access time and feeds a read buffer whose maintenance runs on the reader: 6 times
 * the cost of the map's {@code get} with one thread, 8 times with two (docs/benchmarks.md).
 * Instead, the first lookup of a service after each clean-up is a real Caffeine access (at
 * the clock's time), later ones only find the holder's {@code accessed} flag set, and {@link
 * #cleanUp()} (the periodic refresh, {@code runDueWork}) records a flagged holder as read
 * before it lets Caffeine evict. Caffeine's ticker is a coarse copy of the clock, advanced
 * only by those moments, never by a plain cached lookup. A service is thus evicted at the
 * first clean-up after it has been idle for the idle timeout: at most one refresh interval
 * late, never early.
 */
final class ServiceCache {
  /** One stage: Caffeine for eviction, the index for lookups; the index follows Caffeine. */
  private record StageCache(
      Cache<String, ServiceHolder> cache, ConcurrentHashMap<String, ServiceHolder> index) {}

  private final ConcurrentHashMap<String, StageCache> stages = new ConcurrentHashMap<>();
  private final Function<String, StageCache> newStage;
  private final Events events;
  private final Clock clock;
  private final long origin;
  /** Clock millis since {@code origin} as of the last {@link #tick()}, in nanoseconds. */
  private volatile long coarseNanos;

  ServiceCache(Duration idleTimeout, Clock clock, Events events) {
    this.events = events;
    this.clock = clock;
    this.origin = clock.millis();
    this.newStage = stage -> {
      ConcurrentHashMap<String, ServiceHolder> index = new ConcurrentHashMap<>();
      Cache<String, ServiceHolder> cache = Caffeine.newBuilder()
          .expireAfterAccess(idleTimeout)
          .ticker(() -> coarseNanos)
          .executor(Runnable::run)
          .<String, ServiceHolder>removalListener((service, holder, cause) -> {
            if (holder != null && cause != RemovalCause.REPLACED) {
              holder.close();
              index.remove(holder.service, holder);
            }
          })
          .build();
      return new StageCache(cache, index);
    };
  }

  /** The hot path: two map reads, no allocation, no write once the flag is set. */
  @Nullable ServiceHolder get(String service, String stage) {
    StageCache s = stages.get(stage);
    ServiceHolder holder = s == null ? null : s.index.get(service);
    if (holder == null || holder.closed) {
      return null;
    }
    if (!holder.accessed) {
      // The first lookup since the last clean-up is recorded at once, at its own time.
      holder.accessed = true;
      tick();
      s.cache.getIfPresent(service);
    }
    return holder;
  }

  ServiceHolder getOrCreate(String service, String stage) {
    tick();
    StageCache s = stages.computeIfAbsent(stage, newStage);
    ServiceHolder holder = s.cache.get(service, name -> new ServiceHolder(name, stage, events));
    // A holder evicted between these two lines is closed; get() skips it, and the next
    // getOrCreate puts the new one in its place.
    s.index.put(service, holder);
    return holder;
  }

  /** Counts as a read, so that a watched service never goes idle. */
  void touch(ServiceHolder holder) {
    StageCache s = stages.get(holder.stage);
    if (s != null) {
      s.cache.getIfPresent(holder.service);
    }
  }

  List<ServiceHolder> holders() {
    List<ServiceHolder> all = new ArrayList<>();
    for (StageCache s : stages.values()) {
      all.addAll(s.cache.asMap().values());
    }
    return all;
  }

  /** Records the accesses since the last clean-up, then evicts what has been idle too long. */
  void cleanUp() {
    tick();
    for (StageCache s : stages.values()) {
      for (ServiceHolder holder : s.index.values()) {
        if (holder.accessed) {
          holder.accessed = false;
          s.cache.getIfPresent(holder.service);
        }
      }
      s.cache.cleanUp();
    }
  }

  private void tick() {
    coarseNanos = (clock.millis() - origin) * 1_000_000L;
  }

  void invalidateAll() {
    stages.values().forEach(s -> s.cache.invalidateAll());
  }
}
