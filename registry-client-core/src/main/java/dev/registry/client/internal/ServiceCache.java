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
 * <p>Caffeine's ticker is a coarse copy of the clock, advanced by {@link #cleanUp()} (the
 * periodic refresh, {@code runDueWork}) and by the first lookup of a service, never by a
 * cached lookup: reading the clock cost more than the rest of {@code choose} together (the
 * pick benchmark, docs/benchmarks.md). An access is therefore stamped with the time of the
 * last clean-up, up to one refresh interval early, which the idle timeout (longer than the
 * refresh interval) absorbs.
 */
final class ServiceCache {
  private final ConcurrentHashMap<String, Cache<String, ServiceHolder>> stages =
      new ConcurrentHashMap<>();
  private final Function<String, Cache<String, ServiceHolder>> newStage;
  private final Events events;
  private final Clock clock;
  private final long origin;
  /** Clock millis since {@code origin} as of the last {@link #tick()}, in nanoseconds. */
  private volatile long coarseNanos;

  ServiceCache(Duration idleTimeout, Clock clock, Events events) {
    this.events = events;
    this.clock = clock;
    this.origin = clock.millis();
    this.newStage = stage -> Caffeine.newBuilder()
        .expireAfterAccess(idleTimeout)
        .ticker(() -> coarseNanos)
        .executor(Runnable::run)
        .<String, ServiceHolder>removalListener((service, holder, cause) -> {
          if (holder != null && cause != RemovalCause.REPLACED) {
            holder.close();
          }
        })
        .build();
  }

  /** The hot path: no allocation. */
  @Nullable ServiceHolder get(String service, String stage) {
    Cache<String, ServiceHolder> cache = stages.get(stage);
    return cache == null ? null : cache.getIfPresent(service);
  }

  ServiceHolder getOrCreate(String service, String stage) {
    tick();
    return stages.computeIfAbsent(stage, newStage)
        .get(service, s -> new ServiceHolder(s, stage, events));
  }

  /** Counts as a read, so that a watched service never goes idle. */
  void touch(ServiceHolder holder) {
    get(holder.service, holder.stage);
  }

  List<ServiceHolder> holders() {
    List<ServiceHolder> all = new ArrayList<>();
    for (Cache<String, ServiceHolder> cache : stages.values()) {
      all.addAll(cache.asMap().values());
    }
    return all;
  }

  void cleanUp() {
    tick();
    stages.values().forEach(Cache::cleanUp);
  }

  private void tick() {
    coarseNanos = (clock.millis() - origin) * 1_000_000L;
  }

  void invalidateAll() {
    stages.values().forEach(Cache::invalidateAll);
  }
}
