package dev.registry.client.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * The cached views: one map per stage, keyed by service name, so that a lookup allocates no
 * key object. Entries not read for the idle timeout are evicted (and stop being watched); time
 * comes from the client's clock, so tests drive expiry. Maintenance runs on the calling
 * thread: a client starts no thread for its cache.
 *
 * <p>With background refresh each stage is a Caffeine cache ({@code expireAfterAccess}). In
 * the inline mode (AWS Lambda) it is a plain {@link ConcurrentHashMap} whose entries carry the
 * time of their last read, swept by {@link #cleanUp()}: a Lambda function looks up a handful
 * of services, and Caffeine's classes (tens of them, loaded at the first lookup) cost a cold
 * start more than they give there. Caffeine is referenced only from {@link CaffeineStage}, so
 * the inline mode never loads it.
 *
 * <p>Both read time from a coarse copy of the clock, advanced by {@link #cleanUp()} (the
 * periodic refresh, {@code runDueWork}) and by the first lookup of a service, never by a
 * plain cached lookup: reading the clock cost more than the rest of {@code choose} together
 * (the pick benchmark, docs/benchmarks.md).
 *
 * <p>In the Caffeine stage, cached lookups do not go through Caffeine either: they read a
 * plain index beside the cache. A Caffeine read with {@code expireAfterAccess} writes the
 * entry's access time and feeds a read buffer whose maintenance runs on the reader: 6 times
 * the cost of a map {@code get} with one thread, 8 times with two (docs/benchmarks.md).
 * Instead, the first lookup of a service after each clean-up is a real Caffeine access (at
 * the clock's time), later ones only find the holder's {@code accessed} flag set, and {@link
 * #cleanUp()} records flagged holders as read before it lets Caffeine evict. A service is
 * thus evicted at the first clean-up after it has been idle for the idle timeout: at most
 * one refresh interval late, never early.
 */
final class ServiceCache {
  /** The services of one stage. */
  interface Stage {
    @Nullable ServiceHolder get(String service);

    ServiceHolder getOrCreate(String service);

    Collection<ServiceHolder> holders();

    void cleanUp();

    void invalidateAll();
  }

  private final ConcurrentHashMap<String, Stage> stages = new ConcurrentHashMap<>();
  private final Function<String, Stage> newStage;
  private final Clock clock;
  /** The clock's millis as of the last {@link #tick()}. */
  private volatile long coarseMillis;

  ServiceCache(Duration idleTimeout, Clock clock, Events events, boolean inline) {
    this.clock = clock;
    this.coarseMillis = clock.millis();
    LongSupplier now = () -> coarseMillis;
    if (inline) {
      this.newStage = stage -> new MapStage(stage, idleTimeout.toMillis(), now, events);
    } else {
      long origin = coarseMillis;
      this.newStage = stage -> new CaffeineStage(stage, idleTimeout, now, origin, events, this::tick);
    }
  }

  /** The hot path: no allocation. Null names miss, so that the slow path's checks name them. */
  @Nullable ServiceHolder get(@Nullable String service, @Nullable String stage) {
    if (service == null || stage == null) {
      return null;
    }
    Stage cache = stages.get(stage);
    return cache == null ? null : cache.get(service);
  }

  ServiceHolder getOrCreate(String service, String stage) {
    tick();
    return stages.computeIfAbsent(stage, newStage).getOrCreate(service);
  }

  /** Counts as a read, so that a watched service never goes idle. */
  void touch(ServiceHolder holder) {
    get(holder.service, holder.stage);
  }

  List<ServiceHolder> holders() {
    List<ServiceHolder> all = new ArrayList<>();
    for (Stage cache : stages.values()) {
      all.addAll(cache.holders());
    }
    return all;
  }

  void cleanUp() {
    tick();
    stages.values().forEach(Stage::cleanUp);
  }

  private void tick() {
    coarseMillis = clock.millis();
  }

  void invalidateAll() {
    stages.values().forEach(Stage::invalidateAll);
  }

  /**
   * Background mode: Caffeine's {@code expireAfterAccess} for eviction, ticking on the coarse
   * clock, and a plain index for lookups that follows it.
   */
  static final class CaffeineStage implements Stage {
    private final String stage;
    private final Events events;
    private final Runnable tick;
    private final ConcurrentHashMap<String, ServiceHolder> index = new ConcurrentHashMap<>();
    private final Cache<String, ServiceHolder> cache;

    CaffeineStage(String stage, Duration idleTimeout, LongSupplier clock, long origin,
        Events events, Runnable tick) {
      this.stage = stage;
      this.events = events;
      this.tick = tick;
      this.cache = Caffeine.newBuilder()
          .expireAfterAccess(idleTimeout)
          .ticker(() -> (clock.getAsLong() - origin) * 1_000_000L)
          .executor(Runnable::run)
          .<String, ServiceHolder>removalListener((service, holder, cause) -> {
            if (holder != null && cause != RemovalCause.REPLACED) {
              holder.close();
              index.remove(holder.service, holder);
            }
          })
          .build();
    }

    /** Two map reads, no allocation, no write once the flag is set. */
    @Override
    public @Nullable ServiceHolder get(String service) {
      ServiceHolder holder = index.get(service);
      if (holder == null || holder.closed) {
        return null;
      }
      if (!holder.accessed) {
        // The first lookup since the last clean-up is recorded at once, at its own time.
        holder.accessed = true;
        tick.run();
        cache.getIfPresent(service);
      }
      return holder;
    }

    @Override
    public ServiceHolder getOrCreate(String service) {
      ServiceHolder holder = cache.get(service, s -> new ServiceHolder(s, stage, events));
      // A holder evicted between these two lines is closed; get() skips it, and the next
      // getOrCreate puts the new one in its place.
      index.put(service, holder);
      return holder;
    }

    @Override
    public Collection<ServiceHolder> holders() {
      return cache.asMap().values();
    }

    /** Records the lookups since the last clean-up, then lets Caffeine evict idle entries. */
    @Override
    public void cleanUp() {
      for (ServiceHolder holder : index.values()) {
        if (holder.accessed) {
          holder.accessed = false;
          cache.getIfPresent(holder.service);
        }
      }
      cache.cleanUp();
    }

    @Override
    public void invalidateAll() {
      cache.invalidateAll();
    }
  }

  /** Inline mode: a plain map; a read stamps the entry, {@link #cleanUp()} evicts idle ones. */
  static final class MapStage implements Stage {
    private final String stage;
    private final long idleMillis;
    private final LongSupplier clock;
    private final Events events;
    private final ConcurrentHashMap<String, ServiceHolder> map = new ConcurrentHashMap<>();

    MapStage(String stage, long idleMillis, LongSupplier clock, Events events) {
      this.stage = stage;
      this.idleMillis = idleMillis;
      this.clock = clock;
      this.events = events;
    }

    @Override
    public @Nullable ServiceHolder get(String service) {
      ServiceHolder holder = map.get(service);
      if (holder != null) {
        long now = clock.getAsLong();
        if (holder.accessedAtMillis != now) { // no write, so no shared cache line, when unchanged
          holder.accessedAtMillis = now;
        }
      }
      return holder;
    }

    @Override
    public ServiceHolder getOrCreate(String service) {
      ServiceHolder holder = map.computeIfAbsent(service, s -> new ServiceHolder(s, stage, events));
      holder.accessedAtMillis = clock.getAsLong();
      return holder;
    }

    @Override
    public Collection<ServiceHolder> holders() {
      return map.values();
    }

    @Override
    public void cleanUp() {
      long now = clock.getAsLong();
      for (Iterator<ServiceHolder> it = map.values().iterator(); it.hasNext(); ) {
        ServiceHolder holder = it.next();
        if (now - holder.accessedAtMillis >= idleMillis) {
          it.remove();
          holder.close();
        }
      }
    }

    @Override
    public void invalidateAll() {
      for (Iterator<ServiceHolder> it = map.values().iterator(); it.hasNext(); ) {
        ServiceHolder holder = it.next();
        it.remove();
        holder.close();
      }
    }
  }
}
