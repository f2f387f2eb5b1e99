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
 */
final class ServiceCache {
  private final ConcurrentHashMap<String, Cache<String, ServiceHolder>> stages =
      new ConcurrentHashMap<>();
  private final Function<String, Cache<String, ServiceHolder>> newStage;
  private final Events events;

  ServiceCache(Duration idleTimeout, Clock clock, Events events) {
    this.events = events;
    long origin = clock.millis();
    this.newStage = stage -> Caffeine.newBuilder()
        .expireAfterAccess(idleTimeout)
        .ticker(() -> (clock.millis() - origin) * 1_000_000L)
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
    stages.values().forEach(Cache::cleanUp);
  }

  void invalidateAll() {
    stages.values().forEach(Cache::invalidateAll);
  }
}
