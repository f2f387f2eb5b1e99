package dev.registry.client;

import static dev.registry.client.Logs.log;

import dev.registry.client.spi.StageViews;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The views room: the cache of views and everything that fills it. The first fetch of a
 * service (with retries, and the snapshot file when the registry is down), applying what the
 * registry answered (a fetch, a watch's answer, a refresh), one-attempt refreshes, the warm-up
 * from the catalog, and the snapshot file's writes. Who asks when is the façades' and the
 * watcher's business; this room only answers.
 */
final class Views {
  private final ClientContext ctx;
  private final ViewCache cache;
  private final Admission admission;
  private final @Nullable SnapshotFile snapshotFile;

  Views(ClientContext ctx) {
    this.ctx = ctx;
    Settings settings = ctx.settings;
    this.cache = new ViewCache(settings.idleTimeout(), ctx.clock, ctx.events, ctx.inline());
    this.admission = new Admission(settings.maxInstancesPerView(), settings.allowLinkLocalAddresses());
    this.snapshotFile = settings.snapshotFile() == null ? null
        : new SnapshotFile(settings.snapshotFile(), settings.snapshotMaxAge(), settings.maxAnswerBytes());
  }

  /** The hot path: the cached holder, or null. */
  @Nullable ViewHolder cached(@Nullable String service, @Nullable String stage) {
    return cache.get(service, stage);
  }

  /** The holder of a service, made (empty) if there is none; the names are checked. */
  ViewHolder holder(String service, String stage) {
    Names.checkName("service", service);
    Names.checkName("stage", stage);
    return cache.getOrCreate(service, stage);
  }

  /**
   * The first fetch of a service, on the caller's thread, with retries. When the registry
   * cannot be reached, the snapshot file's view is served, marked stale, if it is young
   * enough. Does nothing when another thread loaded it meanwhile.
   *
   * @return false when it was loaded already
   * @throws RegistryException if the registry could not be reached and no saved view serves
   */
  boolean load(ViewHolder holder) {
    holder.refreshLock.lock();
    try {
      if (holder.snapshot() != null) {
        return false;
      }
      StageViews answer;
      try {
        // Admitted within the attempt, so that a view past the limit fails the lookup.
        answer = ctx.call(ClientContext.NO_DEADLINE, timeout -> admitted(holder,
            ctx.backend().discover(holder.service, holder.stage, timeout)));
      } catch (RegistryException e) {
        serveSaved(holder, e);
        return true;
      }
      apply(List.of(holder), answer);
      return true;
    } finally {
      holder.refreshLock.unlock();
    }
  }

  /** A cold start while the registry is down: the last good view from disk, or {@code e}. */
  private void serveSaved(ViewHolder holder, RegistryException e) {
    SnapshotFile file = snapshotFile;
    SnapshotFile.Saved saved = file == null ? null : file.find(holder.service, holder.stage);
    if (file == null || saved == null) {
      throw e;
    }
    long now = ctx.clock.millis();
    if (file.tooOld(saved, now)) {
      e.addSuppressed(new IllegalStateException(file.whyTooOld(holder, saved, now)));
      throw e;
    }
    // Index 0, so that the watch's first answer from the registry replaces it at once. It keeps
    // its saved time, so that a rewrite of the file does not make it younger.
    ServiceView old;
    try {
      old = admission.admit(saved.view());
    } catch (RegistryUnavailableException tooLarge) {
      e.addSuppressed(tooLarge);
      throw e;
    }
    log().info("Registry unreachable; serving {} from the snapshot {} (saved {} ago)", holder,
        file, Duration.ofMillis(now - saved.savedAtMillis()));
    holder.apply(new ServiceView(old.service(), old.stage(), 0, old.instances(), true), now,
        saved.savedAtMillis());
  }

  /** {@code answer}, once the view of {@code holder}'s service in it is one the client takes. */
  private StageViews admitted(ViewHolder holder, StageViews answer) {
    ServiceView view = answer.views().get(holder.service);
    if (view != null) {
      admission.admit(view);
    }
    return answer;
  }

  /**
   * One fetch of a service, bounded by {@code timeout}; when it fails, the view is kept and
   * marked stale. Never throws for the registry.
   */
  void refresh(ViewHolder holder, Duration timeout) {
    try {
      apply(List.of(holder), ctx.callOnce(timeout,
          t -> ctx.backend().discover(holder.service, holder.stage, t)));
    } catch (RegistryException e) {
      holder.markStale(ctx.clock.millis());
    }
  }

  /**
   * Refreshes each of {@code holders} that was not asked about for {@code maxAge}, unless
   * another thread is at it; before {@code deadlineNanos}, when there is one
   * ({@link ClientContext#NO_DEADLINE}).
   */
  void refreshOlderThan(Collection<ViewHolder> holders, Duration maxAge, long deadlineNanos) {
    long due = ctx.clock.millis() - maxAge.toMillis();
    for (ViewHolder holder : holders) {
      long remaining = deadlineNanos - System.nanoTime();
      if (ctx.isClosed() || (deadlineNanos != ClientContext.NO_DEADLINE && remaining <= 0)) {
        return;
      }
      if (holder.checkedAtMillis() <= due && holder.refreshLock.tryLock()) {
        try {
          if (holder.checkedAtMillis() <= due) {
            refresh(holder, deadlineNanos == ClientContext.NO_DEADLINE
                ? ctx.settings.requestTimeout() : ctx.boundedTimeout(remaining));
          }
        } finally {
          holder.refreshLock.unlock();
        }
      }
    }
  }

  /** The safety net: refreshes loaded views that nothing confirmed for {@code maxAge}. */
  void refreshUnconfirmed(Duration maxAge) {
    List<ViewHolder> loaded = new ArrayList<>();
    for (ViewHolder holder : cache.holders()) {
      if (holder.snapshot() != null) {
        loaded.add(holder);
      }
    }
    refreshOlderThan(loaded, maxAge, ClientContext.NO_DEADLINE);
  }

  /**
   * Reads a stage whose registry cannot be watched: with its catalog, in one call, when the
   * backend has one, else service by service. Never throws for the registry.
   */
  void poll(String stage, List<ViewHolder> holders) {
    Optional<StageViews> catalog;
    try {
      catalog = ctx.callOnce(ctx.settings.requestTimeout(), t -> ctx.backend().catalog(stage, t));
    } catch (RegistryException e) {
      markStale(holders);
      return;
    }
    if (catalog.isPresent()) {
      apply(holders, catalog.get());
    } else {
      refreshOlderThan(holders, Duration.ZERO, ClientContext.NO_DEADLINE);
    }
  }

  /**
   * Takes what the registry answered about {@code asked}: a view it holds is applied; one it
   * does not hold has no instance when the answer is complete, and is confirmed unchanged
   * otherwise. Writes the snapshot file when a view changed, or when it is due.
   */
  void apply(Collection<ViewHolder> asked, StageViews answer) {
    long now = ctx.clock.millis();
    boolean changed = false;
    for (ViewHolder holder : asked) {
      changed |= apply(holder, answer, now);
    }
    saved(changed, now);
  }

  private boolean apply(ViewHolder holder, StageViews answer, long now) {
    if (holder.isClosed()) {
      return false;
    }
    ServiceView view = answer.views().get(holder.service);
    if (view == null && answer.complete()) {
      view = new ServiceView(holder.service, holder.stage, answer.index(), List.of(), false);
    }
    if (view == null) {
      holder.confirm(now);
      return false;
    }
    ServiceView admitted;
    try {
      admitted = admission.admit(view);
    } catch (RegistryUnavailableException e) {
      admission.refused(e);
      holder.markStale(now);
      return false;
    }
    ctx.counters.refreshes.increment();
    return holder.apply(admitted, now);
  }

  /**
   * Rewrites the snapshot file after a change, and after unchanged views were confirmed once
   * the last write is a tenth of its maximum age old, so that the saved times of views that
   * rarely change keep up with their confirmations.
   */
  private void saved(boolean changed, long now) {
    if (snapshotFile != null && (changed || snapshotFile.resaveDue(now))) {
      saveSnapshot(now);
    }
  }

  void markStale(Collection<ViewHolder> holders) {
    long now = ctx.clock.millis();
    for (ViewHolder holder : holders) {
      holder.markStale(now);
    }
  }

  /**
   * Fills the cache with every service of {@code stage} in one call (the catalog), replacing
   * the views cached. Returns the holders, or an empty list when the registry has no catalog.
   *
   * @throws RegistryException if the registry could not be reached or refused
   */
  List<ViewHolder> warmUp(String stage) {
    Optional<StageViews> catalog = catalog(stage);
    if (catalog.isEmpty()) {
      return List.of();
    }
    long now = ctx.clock.millis();
    boolean changed = false;
    List<ViewHolder> holders = new ArrayList<>();
    for (String service : catalog.get().views().keySet()) {
      ViewHolder holder = cache.getOrCreate(service, stage);
      holder.refreshLock.lock();
      try {
        changed |= apply(holder, catalog.get(), now);
      } finally {
        holder.refreshLock.unlock();
      }
      holders.add(holder);
    }
    saved(changed, now);
    return holders;
  }

  /**
   * The names of the services of {@code stage}, sorted, from the catalog.
   *
   * @throws RegistryException if the registry could not be reached or refused
   * @throws UnsupportedOperationException if the registry has no catalog
   */
  List<String> services(String stage) {
    StageViews catalog = catalog(stage).orElseThrow(() -> new UnsupportedOperationException(
        "the registry at " + ctx.settings.registryUrls() + " lists no services"));
    List<String> names = new ArrayList<>(catalog.views().keySet());
    names.sort(null);
    return List.copyOf(names);
  }

  private Optional<StageViews> catalog(String stage) {
    Names.checkName("stage", stage);
    return ctx.call(ClientContext.NO_DEADLINE, timeout -> ctx.backend().catalog(stage, timeout));
  }

  /** Records the reads since the last clean-up, evicts idle views; a subscribed view never is. */
  void cleanUp() {
    cache.cleanUp();
    for (ViewHolder holder : cache.holders()) {
      if (holder.hasListeners()) {
        cache.touch(holder);
      }
    }
  }

  List<ViewHolder> holders() {
    return cache.holders();
  }

  void closeAll() {
    cache.invalidateAll();
  }

  private void saveSnapshot(long now) {
    SnapshotFile file = snapshotFile;
    if (file == null) {
      return;
    }
    List<SnapshotFile.Saved> views = new ArrayList<>();
    for (ViewHolder h : cache.holders()) {
      synchronized (h) {  // the view and its confirmation time together (apply holds it)
        ViewHolder.Snapshot s = h.snapshot();
        if (s != null) {
          views.add(new SnapshotFile.Saved(s.view(), h.confirmedAtMillis()));
        }
      }
    }
    file.save(views, now);
  }
}
