package dev.registry.client;

import dev.registry.client.spi.ConfigAnswer;
import dev.registry.client.spi.ConfigQuery;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The configuration room: the configurations this client reads, as its reader (its stage, or
 * the one asked for, and the client's region and client) sees them, and everything that fills
 * them, as {@link Views} does for views: the first read (with retries), applying what the
 * registry answered, one-attempt refreshes, and the declared keys. Who asks when is the
 * façades' and the watcher's business.
 *
 * <p>Made at the first use of configuration, so that a client that never reads any loads none
 * of it. Configurations are never evicted: a service reads its own configuration for its whole
 * life, and an evicted one would make the next read wait for the registry.
 */
final class Configs {
  private final ClientContext ctx;
  /** By stage, then service: a cached read builds no key. */
  private final ConcurrentHashMap<String, ConcurrentHashMap<String, ConfigHolder>> holders = new ConcurrentHashMap<>();
  /** Each service's declared keys by name, kept for the holders of every stage. */
  private final ConcurrentHashMap<String, Map<String, ConfigKey>> declared = new ConcurrentHashMap<>();

  Configs(ClientContext ctx) {
    this.ctx = ctx;
  }

  /** The hot path: the holder, or null. */
  @Nullable ConfigHolder cached(String service, String stage) {
    ConcurrentHashMap<String, ConfigHolder> ofStage = holders.get(stage);
    return ofStage == null ? null : ofStage.get(service);
  }

  /** The holder of a service's configuration in a stage, made (empty) if there is none; the names are checked. */
  ConfigHolder holder(String service, String stage) {
    ConfigHolder held = cached(service, stage);
    if (held != null) {
      return held;
    }
    Names.checkName("service", service);
    Names.checkName("stage", stage);
    return holders.computeIfAbsent(stage, k -> new ConcurrentHashMap<>()).computeIfAbsent(service, k -> {
      ConfigHolder made = new ConfigHolder(new ConfigQuery(service, stage, ctx.settings.region(),
          ctx.settings.client()), ctx.events);
      made.declare(declared.getOrDefault(service, Map.of()));
      return made;
    });
  }

  /**
   * The first read of a configuration, on the caller's thread, with retries. Does nothing when
   * another thread loaded it meanwhile.
   *
   * @throws RegistryException if the registry could not be reached or refused
   * @throws UnsupportedOperationException if the registry keeps no configuration
   * @throws IllegalStateException if the configuration fails its checks (a declared key's value)
   */
  void load(ConfigHolder holder) {
    holder.refreshLock.lock();
    try {
      if (holder.view() == null) {
        ConfigAnswer answer = named(() -> ctx.call(ClientContext.NO_DEADLINE, read(holder)));
        holder.apply(answer, ctx.clock.millis());
      }
    } finally {
      holder.refreshLock.unlock();
    }
  }

  /**
   * One read, bounded by {@code timeout}; when it fails, the view is kept and marked stale.
   * Never throws for the registry.
   */
  void refresh(ConfigHolder holder, Duration timeout) {
    try {
      apply(holder, named(() -> ctx.callOnce(timeout, read(holder))));
    } catch (RegistryException e) {
      holder.markStale(ctx.clock.millis());
    }
  }

  /** One attempt at reading {@code holder}'s configuration. */
  private Function<Duration, ConfigAnswer> read(ConfigHolder holder) {
    return timeout -> ctx.backend().config(holder.query, timeout);
  }

  /** Runs a call of the backend's configuration methods; a registry without any is named in the error. */
  private <T> T named(Supplier<T> call) {
    try {
      return call.get();
    } catch (UnsupportedOperationException e) {
      throw new UnsupportedOperationException("the registry at " + ctx.settings.registryUrls()
          + " keeps no configuration: " + e.getMessage(), e);
    }
  }

  /**
   * Refreshes each of {@code holders} that was not asked about for {@code maxAge}, unless
   * another thread is at it; before {@code deadlineNanos}, when there is one.
   */
  void refreshOlderThan(Collection<ConfigHolder> due, Duration maxAge, long deadlineNanos) {
    long before = ctx.clock.millis() - maxAge.toMillis();
    for (ConfigHolder holder : due) {
      long remaining = deadlineNanos - System.nanoTime();
      if (ctx.isClosed() || (deadlineNanos != ClientContext.NO_DEADLINE && remaining <= 0)) {
        return;
      }
      if (holder.view() != null && holder.checkedAtMillis() <= before && holder.refreshLock.tryLock()) {
        try {
          if (holder.checkedAtMillis() <= before) {
            refresh(holder, deadlineNanos == ClientContext.NO_DEADLINE
                ? ctx.settings.requestTimeout() : ctx.boundedTimeout(remaining));
          }
        } finally {
          holder.refreshLock.unlock();
        }
      }
    }
  }

  /** Takes what the registry answered; a rejected change keeps the view (see {@link ConfigHolder}). */
  void apply(ConfigHolder holder, ConfigAnswer answer) {
    ctx.counters.refreshes.increment();
    holder.apply(answer, ctx.clock.millis());
  }

  void markStale(ConfigHolder holder) {
    holder.markStale(ctx.clock.millis());
  }

  /**
   * Writes a service's declared keys' defaults where no value exists (one call, with retries),
   * and checks the service's configurations against their types from now on.
   *
   * @return the index of the service's configuration after the write
   * @throws RegistryException if the registry could not be reached or refused
   * @throws UnsupportedOperationException if the registry keeps no configuration
   */
  long declare(String service, List<ConfigKey> keys) {
    Names.checkName("service", service);
    Map<String, ConfigKey> byName = new LinkedHashMap<>();
    for (ConfigKey key : keys) {
      if (byName.put(key.name(), key) != null) {
        throw new IllegalArgumentException("the key " + key.name() + " is declared twice");
      }
    }
    long index = named(() -> ctx.call(ClientContext.NO_DEADLINE,
        timeout -> ctx.backend().declareConfig(service, keys, timeout)));
    Map<String, ConfigKey> all = declared.merge(service, byName, (held, added) -> {
      Map<String, ConfigKey> merged = new LinkedHashMap<>(held);
      merged.putAll(added);
      return Map.copyOf(merged);
    });
    for (ConcurrentHashMap<String, ConfigHolder> ofStage : holders.values()) {
      ConfigHolder holder = ofStage.get(service);
      if (holder != null) {
        holder.declare(all);
      }
    }
    return index;
  }

  /** The index of the configuration an instance's service has taken in its stage, -1 when none is held. */
  long appliedIndex(ServiceInstance instance) {
    String stage = instance.stage();
    ConfigHolder holder = stage == null ? null : cached(instance.service(), stage);
    return holder == null ? -1 : holder.appliedIndex();
  }

  List<ConfigHolder> holders() {
    List<ConfigHolder> all = new ArrayList<>();
    holders.values().forEach(ofStage -> all.addAll(ofStage.values()));
    return all;
  }
}
