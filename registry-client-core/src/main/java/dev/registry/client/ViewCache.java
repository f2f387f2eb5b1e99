package dev.registry.client;

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
 * The cached views: one index per stage, keyed by service name, so that a lookup allocates no
 * key object. Entries not read for the idle timeout are evicted (and stop being watched); time
 * comes from the client's clock, so tests drive expiry. Maintenance runs on the calling
 * thread: a client starts no thread for its cache.
 *
 * <p>Cached lookups read a plain {@link ConcurrentHashMap} and, once per clean-up period, set
 * the holder's {@code accessed} flag: no clock read, no write after the first. A Caffeine read
 * with {@code expireAfterAccess} reads the ticker, writes the entry's access time and feeds a
 * read buffer whose maintenance runs on the reader: 6 times the cost of the map's {@code get}
 * with one thread, 8 times with two (docs/benchmarks.md). {@link #cleanUp()} (the periodic
 * refresh, {@code runDueWork}) records a flagged holder as read, at the clean-up's time, before
 * it evicts. A service is thus evicted at the first clean-up after it has been idle for the
 * idle timeout: at most one refresh interval late, never early.
 *
 * <p>In a background client, eviction is Caffeine's {@code expireAfterAccess} with a coarse
 * ticker (advanced only by those moments). In an inline client (AWS Lambda) a stage is the plain
 * map alone, whose entries carry the time of their last recorded read: a Lambda function looks
 * up a handful of services, and Caffeine's classes (tens of them, loaded at the first lookup)
 * cost a cold start more than they give there. Caffeine is referenced only from {@link
 * CaffeineStage}, so an inline client never loads it.
 */
final class ViewCache {
  /** The services of one stage. */
  interface Stage {
    /** The hot path: no allocation, no write once the holder's flag is set. */
    @Nullable ViewHolder get(String service);

    ViewHolder getOrCreate(String service);

    /** Counts as a read now, so that a watched service never goes idle. */
    void touch(String service);

    Collection<ViewHolder> holders();

    void cleanUp();

    void invalidateAll();
  }

  private final ConcurrentHashMap<String, Stage> stages = new ConcurrentHashMap<>();
  private final Function<String, Stage> newStage;
  private final Clock clock;
  /** The clock's millis as of the last {@link #tick()}. */
  private volatile long coarseMillis;

  ViewCache(Duration idleTimeout, Clock clock, Events events, boolean inline, Routing routing) {
    this.clock = clock;
    this.coarseMillis = clock.millis();
    LongSupplier now = () -> coarseMillis;
    if (inline) {
      this.newStage = stage -> new MapStage(stage, idleTimeout.toMillis(), now, events, routing);
    } else {
      long origin = coarseMillis;
      this.newStage = stage -> new CaffeineStage(stage, idleTimeout, now, origin, this::tick,
          events, routing);
    }
  }

  /** The hot path: two map reads, no allocation. */
  @Nullable ViewHolder get(@Nullable String service, @Nullable String stage) {
    if (service == null || stage == null) {
      return null; // a miss: the lookup's checks then name the null argument
    }
    Stage cache = stages.get(stage);
    return cache == null ? null : cache.get(service);
  }

  ViewHolder getOrCreate(String service, String stage) {
    tick();
    return stages.computeIfAbsent(stage, newStage).getOrCreate(service);
  }

  /** Counts as a read, so that a watched service never goes idle. */
  void touch(ViewHolder holder) {
    Stage cache = stages.get(holder.stage);
    if (cache != null) {
      tick();
      cache.touch(holder.service);
    }
  }

  List<ViewHolder> holders() {
    List<ViewHolder> all = new ArrayList<>();
    for (Stage cache : stages.values()) {
      all.addAll(cache.holders());
    }
    return all;
  }

  /** Records the reads since the last clean-up, then evicts what has been idle too long. */
  void cleanUp() {
    tick();
    stages.values().forEach(Stage::cleanUp);
  }

  void invalidateAll() {
    stages.values().forEach(Stage::invalidateAll);
  }

  private void tick() {
    coarseMillis = clock.millis();
  }

  /** A background client's: Caffeine's {@code expireAfterAccess} behind a plain index. */
  static final class CaffeineStage implements Stage {
    private final String stage;
    private final Events events;
    private final Routing routing;
    private final Runnable tick;
    private final Cache<String, ViewHolder> cache;
    /** Follows the cache: holders are added by {@link #getOrCreate}, removed on eviction. */
    private final ConcurrentHashMap<String, ViewHolder> index = new ConcurrentHashMap<>();

    CaffeineStage(String stage, Duration idleTimeout, LongSupplier clock, long origin,
        Runnable tick, Events events, Routing routing) {
      this.stage = stage;
      this.events = events;
      this.routing = routing;
      this.tick = tick;
      this.cache = Caffeine.newBuilder()
          .expireAfterAccess(idleTimeout)
          .ticker(() -> (clock.getAsLong() - origin) * 1_000_000L)
          .executor(Runnable::run)
          .<String, ViewHolder>removalListener((service, holder, cause) -> {
            if (holder != null && cause != RemovalCause.REPLACED) {
              holder.close();
              index.remove(holder.service, holder);
            }
          })
          .build();
    }

    @Override
    public @Nullable ViewHolder get(String service) {
      ViewHolder holder = index.get(service);
      if (holder == null || holder.isClosed()) {
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
    public ViewHolder getOrCreate(String service) {
      ViewHolder holder = cache.get(service, s -> new ViewHolder(s, stage, events, routing));
      // A holder evicted between these two lines is closed; get() skips it, and the next
      // getOrCreate puts the new one in its place.
      index.put(service, holder);
      return holder;
    }

    @Override
    public void touch(String service) {
      cache.getIfPresent(service);
    }

    @Override
    public Collection<ViewHolder> holders() {
      return cache.asMap().values();
    }

    @Override
    public void cleanUp() {
      for (ViewHolder holder : index.values()) {
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

  /** An inline client's: a plain map; {@link #cleanUp()} records flagged reads and evicts idle ones. */
  static final class MapStage implements Stage {
    private final String stage;
    private final long idleMillis;
    private final LongSupplier clock;
    private final Events events;
    private final Routing routing;
    private final ConcurrentHashMap<String, ViewHolder> map = new ConcurrentHashMap<>();

    MapStage(String stage, long idleMillis, LongSupplier clock, Events events, Routing routing) {
      this.stage = stage;
      this.idleMillis = idleMillis;
      this.clock = clock;
      this.events = events;
      this.routing = routing;
    }

    @Override
    public @Nullable ViewHolder get(String service) {
      ViewHolder holder = map.get(service);
      if (holder == null || holder.isClosed()) {
        return null;
      }
      if (!holder.accessed) {
        holder.accessed = true;
      }
      return holder;
    }

    @Override
    public ViewHolder getOrCreate(String service) {
      ViewHolder holder = map.computeIfAbsent(service, s -> new ViewHolder(s, stage, events, routing));
      holder.accessedAtMillis = clock.getAsLong();
      return holder;
    }

    @Override
    public void touch(String service) {
      ViewHolder holder = map.get(service);
      if (holder != null) {
        holder.accessedAtMillis = clock.getAsLong();
      }
    }

    @Override
    public Collection<ViewHolder> holders() {
      return map.values();
    }

    @Override
    public void cleanUp() {
      long now = clock.getAsLong();
      for (Iterator<ViewHolder> it = map.values().iterator(); it.hasNext(); ) {
        ViewHolder holder = it.next();
        if (holder.accessed) {
          holder.accessed = false;
          holder.accessedAtMillis = now;
        } else if (now - holder.accessedAtMillis >= idleMillis) {
          it.remove();
          holder.close();
        }
      }
    }

    @Override
    public void invalidateAll() {
      for (Iterator<ViewHolder> it = map.values().iterator(); it.hasNext(); ) {
        ViewHolder holder = it.next();
        it.remove();
        holder.close();
      }
    }
  }
}
