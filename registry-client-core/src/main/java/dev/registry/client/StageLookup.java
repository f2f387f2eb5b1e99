package dev.registry.client;

import static dev.registry.client.Logs.log;
import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The lookups of one stage, over a client's rooms: what both façades answer for their stage,
 * and {@code inStage} for another. A lookup reads the cache and nothing else once the service
 * is there; its first lookup fetches it, and a background client's watcher then watches it.
 * An inline client (no watcher) refreshes a view older than the refresh interval on the
 * caller's thread instead: one attempt, and the stale view serves when it fails.
 */
final class StageLookup implements ServiceLookup {
  private final ClientContext ctx;
  private final Views views;
  private final Ejection ejection;
  private final Picker picker;
  private final OtherStages otherStages;
  private final @Nullable Watcher watcher;
  /** The configuration room, made at its first use. */
  private final Supplier<Configs> configs;
  private final String stage;
  private final long refreshMillis;

  StageLookup(ClientContext ctx, Views views, Ejection ejection, Picker picker, OtherStages otherStages,
      @Nullable Watcher watcher, Supplier<Configs> configs, String stage) {
    this.ctx = ctx;
    this.views = views;
    this.ejection = ejection;
    this.picker = picker;
    this.otherStages = otherStages;
    this.watcher = watcher;
    this.configs = configs;
    this.stage = stage;
    this.refreshMillis = ctx.settings.refreshInterval().toMillis();
  }

  @Override
  public ServiceInstance choose(String service) {
    ViewHolder holder = lookup(service);
    return picker.choose(holder, withInstances(holder));
  }

  @Override
  public Call startCall(String service) {
    ViewHolder holder = lookup(service);
    return picker.startCall(holder, withInstances(holder));
  }

  private ViewHolder.Snapshot withInstances(ViewHolder holder) {
    ViewHolder.Snapshot snapshot = requireNonNull(holder.snapshot());
    if (snapshot.up().isEmpty()) {
      throw new NoInstanceAvailableException(holder.service, stage, otherStages.of(holder));
    }
    return snapshot;
  }

  @Override
  public List<ServiceInstance> instances(String service) {
    return view(service).instances();
  }

  @Override
  public ServiceView view(String service) {
    return requireNonNull(lookup(service).snapshot()).view();
  }

  /** Returns a loaded holder. The fast path reads the cache and nothing else. */
  private ViewHolder lookup(String service) {
    ensureOpen();
    ctx.counters.lookups.increment();
    ViewHolder holder = views.cached(service, stage);
    ViewHolder.Snapshot snapshot = holder == null ? null : holder.snapshot();
    if (snapshot != null) {
      if (snapshot.keptUntilMillis() != 0) {  // a former run's instances are kept: let go when due
        views.releaseIfDue(holder);
        snapshot = requireNonNull(holder.snapshot());
      }
      if (watcher == null && ctx.clock.millis() - holder.checkedAtMillis() >= refreshMillis) {
        views.refreshOlderThan(List.of(holder), ctx.settings.refreshInterval(), ClientContext.NO_DEADLINE);
        snapshot = requireNonNull(holder.snapshot());
      } else {
        ctx.counters.cacheHits.increment();
      }
      served(snapshot.view());
      return holder;
    }
    holder = views.holder(service, stage);
    if (!views.load(holder)) {
      ctx.counters.cacheHits.increment();
    } else {
      otherStages.of(holder); // an empty first answer: one WARN names the stages it is in
    }
    if (watcher != null) {
      watcher.watch(holder);
    }
    served(requireNonNull(holder.snapshot()).view());
    return holder;
  }

  /** Tells the listener when the view served is stale. */
  private void served(ServiceView view) {
    if (view.stale()) {
      ctx.events.fire(l -> l.staleServed(view));
    }
  }

  @Override
  public Watch watch(String service, ServiceListener listener) {
    requireNonNull(listener, "listener");
    ensureOpen();
    ViewHolder holder = views.holder(service, stage);
    try {
      views.load(holder);
    } catch (RegistryException e) {
      log().debug("Watch of {} waits for the registry: {}", holder, e.toString());
    }
    if (watcher != null) {
      watcher.watch(holder);
    }
    return holder.subscribe(listener);
  }

  @Override
  public ConfigView config(String service) {
    ensureOpen();
    Configs room = configs.get();
    ConfigHolder holder = room.cached(service, stage);
    ConfigView view = holder == null ? null : holder.view();
    if (view != null) {
      if (watcher == null && ctx.clock.millis() - holder.checkedAtMillis() >= refreshMillis) {
        room.refreshOlderThan(List.of(holder), ctx.settings.refreshInterval(), ClientContext.NO_DEADLINE);
        view = holder.view();
      }
      return requireNonNull(view);
    }
    holder = room.holder(service, stage);
    room.load(holder);
    if (watcher != null) {
      watcher.watch(holder, room);
    }
    return requireNonNull(holder.view());
  }

  @Override
  public Watch watchConfig(String service, ConfigListener listener) {
    requireNonNull(listener, "listener");
    ensureOpen();
    Configs room = configs.get();
    ConfigHolder holder = room.holder(service, stage);
    try {
      room.load(holder);
    } catch (RegistryException e) {
      log().debug("Watch of the {} waits for the registry: {}", holder, e.toString());
    }
    if (watcher != null) {
      watcher.watch(holder, room);
    }
    return holder.subscribe(listener);
  }

  @Override
  public List<String> services() {
    ensureOpen();
    return views.services(stage);
  }

  @Override
  public ServiceLookup inStage(String other) {
    return new StageLookup(ctx, views, ejection, picker, otherStages, watcher, configs,
        Names.checkName("stage", other));
  }

  @Override
  public void report(ServiceInstance instance, Outcome outcome) {
    ejection.report(instance, outcome);
  }

  @Override
  public boolean isEjected(ServiceInstance instance) {
    return ejection.isEjected(instance);
  }

  @Override
  public String stage() {
    return stage;
  }

  private void ensureOpen() {
    if (ctx.isClosed()) {
      throw new IllegalStateException("RegistryClient is closed");
    }
  }

  @Override
  public String toString() {
    return "ServiceLookup{" + ctx.settings.registryUrls() + ", stage=" + stage + "}";
  }
}
