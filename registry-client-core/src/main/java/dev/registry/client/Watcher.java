package dev.registry.client;

import java.util.concurrent.ConcurrentHashMap;

/**
 * The watcher room: keeps the views of looked-up services fresh through the backend's watch,
 * one {@link StageWatch} per stage. A service joins its stage's watch at its first lookup (or
 * {@code watch}, or warm-up) and leaves it when it goes idle. Background clients only: an
 * inline client refreshes on its callers' threads instead.
 */
final class Watcher {
  private final ClientContext ctx;
  private final Views views;
  private final ConcurrentHashMap<String, StageWatch> stages = new ConcurrentHashMap<>();

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

  /** The periodic work's turn: idle services leave, stages that cannot be watched are read. */
  void tick() {
    stages.values().forEach(StageWatch::tick);
  }

  void close() {
    stages.values().forEach(StageWatch::close);
  }
}
