package dev.registry.client;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The watcher room: keeps the views of looked-up services fresh through the backend's watch,
 * one {@link StageWatch} per stage, and the configurations read, one {@link ConfigWatch} each.
 * A service joins its stage's watch at its first lookup (or {@code watch}, or warm-up) and
 * leaves it when it goes idle; a configuration is watched from its first read on. Background clients only: an
 * inline client refreshes on its callers' threads instead.
 */
final class Watcher {
  private final ClientContext ctx;
  private final Views views;
  private final ConcurrentHashMap<String, StageWatch> stages = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<ConfigHolder, ConfigWatch> configs = new ConcurrentHashMap<>();

  Watcher(ClientContext ctx, Views views) {
    this.ctx = ctx;
    this.views = views;
  }

  /**
   * Watches the service of {@code holder} from now on. The first one starts the scheduler, and
   * with it the periodic work (the safety net, idle eviction, stages that cannot be watched).
   *
   * @throws IllegalStateException if the client is closed
   */
  void watch(ViewHolder holder) {
    ctx.scheduler();
    stages.computeIfAbsent(holder.stage, stage -> new StageWatch(stage, ctx, views)).join(holder);
  }

  /**
   * Watches the configuration of {@code holder} from now on, for the client's life; as for
   * views, the first one starts the scheduler.
   *
   * @throws IllegalStateException if the client is closed
   */
  void watch(ConfigHolder holder, Configs from) {
    ctx.scheduler();
    ConfigWatch made = new ConfigWatch(holder, ctx, from);
    if (configs.putIfAbsent(holder, made) == null) {
      made.start();
    }
  }

  /** The configurations the registry cannot watch: the periodic work reads them. */
  List<ConfigHolder> polledConfigs() {
    List<ConfigHolder> polled = new ArrayList<>();
    configs.forEach((holder, watch) -> {
      if (watch.polled()) {
        polled.add(holder);
      }
    });
    return polled;
  }

  /** The periodic work's turn: idle services leave, stages that cannot be watched are read. */
  void tick() {
    stages.values().forEach(StageWatch::tick);
  }

  void close() {
    stages.values().forEach(StageWatch::close);
    configs.values().forEach(ConfigWatch::close);
  }
}
