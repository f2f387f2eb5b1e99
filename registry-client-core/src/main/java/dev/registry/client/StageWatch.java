package dev.registry.client;

import static dev.registry.client.Logs.log;

import dev.registry.client.spi.StageViews;
import dev.registry.client.spi.WatchListener;
import dev.registry.client.spi.WatchRequest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The watch of one stage: the services looked up there, and the backend watches that keep
 * their views fresh. All of them in one watch while the registry can do that; one watch per
 * service once it says it cannot; none, polled by the periodic work, once it cannot watch a
 * single service either. Each watch is a {@link Unit}: the same start, answer, failure and
 * backoff whatever the mode.
 *
 * <p>Threading: the state is guarded by this object's monitor, which is never held while the
 * backend or the views are called (answers arrive on the backend's threads, and apply a view
 * tells the user's listeners).
 */
final class StageWatch {
  /** A watch restarts (to cover a newcomer) at most this often; joins in between wait for it. */
  private static final long RESTART_SPACING_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

  private enum Mode { TOGETHER, ONE_BY_ONE, POLLED }

  private final String stage;
  private final ClientContext ctx;
  private final Views views;
  private final Map<String, ViewHolder> joined = new LinkedHashMap<>();
  private Mode mode = Mode.TOGETHER;
  private @Nullable Unit together;
  private final Map<String, Unit> single = new LinkedHashMap<>();
  private boolean closed;

  StageWatch(String stage, ClientContext ctx, Views views) {
    this.stage = stage;
    this.ctx = ctx;
    this.views = views;
  }

  /** Watches {@code holder}'s service from now on (again, if it was evicted and came back). */
  void join(ViewHolder holder) {
    Unit start = null;
    synchronized (this) {
      if (closed || joined.get(holder.service) == holder) {
        return;
      }
      joined.put(holder.service, holder);
      if (mode == Mode.TOGETHER) {
        if (together == null) {
          together = new Unit(null);
        }
        start = together.restartWanted();
      } else if (mode == Mode.ONE_BY_ONE) {
        start = new Unit(holder);
        Unit old = single.put(holder.service, start);
        if (old != null) {
          old.stop();
        }
      }
    }
    if (start != null) {
      start.start();
    }
  }

  /**
   * The periodic work's turn: evicted services leave their watch, and a stage that cannot be
   * watched is read now.
   */
  void tick() {
    Unit restart = null;
    List<ViewHolder> poll = null;
    synchronized (this) {
      joined.values().removeIf(ViewHolder::isClosed);
      if (mode == Mode.TOGETHER && together != null && together.coversAClosedView()) {
        restart = together.restartWanted();
      } else if (mode == Mode.ONE_BY_ONE) {
        for (Iterator<Unit> it = single.values().iterator(); it.hasNext(); ) {
          Unit unit = it.next();
          if (unit.only != null && unit.only.isClosed()) {
            unit.stop();
            it.remove();
          }
        }
      } else if (mode == Mode.POLLED) {
        poll = new ArrayList<>(joined.values());
      }
    }
    if (restart != null) {
      restart.start();
    }
    if (poll != null && !poll.isEmpty()) {
      views.poll(stage, poll);
    }
  }

  /**
   * The registry cannot watch what {@code from} asked: watch the services one by one, or, when
   * that was the way already, poll the stage instead. For the client's life.
   */
  private void degrade(Unit from) {
    List<Unit> starts = new ArrayList<>();
    synchronized (this) {
      if (closed || from.stopped) {
        return;
      }
      stopAll();
      if (mode == Mode.TOGETHER) {
        mode = Mode.ONE_BY_ONE;
        log().debug("The registry cannot watch the services of stage {} together; each is watched on its own", stage);
        for (ViewHolder holder : joined.values()) {
          Unit unit = new Unit(holder);
          single.put(holder.service, unit);
          starts.add(unit);
        }
      } else {
        mode = Mode.POLLED;
        log().info("The registry cannot watch stage {}; it is read every {} instead", stage,
            ctx.settings.refreshInterval());
      }
    }
    starts.forEach(Unit::start);
  }

  void close() {
    synchronized (this) {
      closed = true;
      stopAll();
    }
  }

  private void stopAll() {
    if (together != null) {
      together.stop();
      together = null;
    }
    single.values().forEach(Unit::stop);
    single.clear();
  }

  @Override
  public String toString() {
    return "watch of stage " + stage;
  }

  /**
   * One backend watch: of every joined service ({@code only} null), or of one. Restarted to
   * cover newcomers, and after a failure once a backoff has passed; each start has a generation,
   * and what the backend says about an older one is ignored.
   */
  private final class Unit {
    final @Nullable ViewHolder only;
    private long generation;
    private @Nullable Watch handle;
    /** A start scheduled on the scheduler: a backoff, or a restart waiting for its spacing. */
    private @Nullable Future<?> pending;
    private long lastStartNanos = System.nanoTime() - RESTART_SPACING_NANOS;
    /** The holders the watch in flight asked about. */
    private List<ViewHolder> covered = List.of();
    /** The services the last answered watch asked about: a joiner not among them is new. */
    private Set<String> asked = Set.of();
    /** The last answer's index, 0 (ask in full) at first and after a failure. */
    private long index;
    private @Nullable String epoch;
    private int failures;
    boolean stopped;

    Unit(@Nullable ViewHolder only) {
      this.only = only;
    }

    /**
     * A newcomer wants the watch restarted: this unit when it should start now (nothing runs,
     * or it started longer ago than the spacing), else null (a start is pending, or now is).
     */
    @Nullable Unit restartWanted() {
      if (pending != null || stopped) {
        return null;
      }
      long wait = lastStartNanos + RESTART_SPACING_NANOS - System.nanoTime();
      if (wait <= 0 || handle == null) {
        return this;
      }
      schedule(TimeUnit.NANOSECONDS.toMillis(wait) + 1);
      return null;
    }

    boolean coversAClosedView() {
      for (ViewHolder holder : covered) {
        if (holder.isClosed()) {
          return true;
        }
      }
      return false;
    }

    /** Starts a new watch of the live services, past what this unit last heard. */
    void start() {
      @Nullable WatchRequest request;
      long gen;
      Watch old;
      synchronized (StageWatch.this) {
        pending = null;
        old = handle;
        handle = null;
        List<ViewHolder> live = new ArrayList<>();
        for (ViewHolder holder : only != null ? List.of(only) : joined.values()) {
          if (!holder.isClosed() && !stopped) {
            live.add(holder);
          }
        }
        covered = live;
        gen = ++generation;
        lastStartNanos = System.nanoTime();
        request = covered.isEmpty() ? null : new WatchRequest(stage, names(covered), since(covered));
      }
      if (old != null) {
        old.close();
      }
      if (request == null) {
        return;
      }
      Watch watch;
      try {
        watch = ctx.backend().watch(request, new Listener(this, gen));
      } catch (RuntimeException e) {
        failed(gen, e instanceof RegistryException re
            ? re : new RegistryUnavailableException(StageWatch.this + " failed: " + e, 0, e));
        return;
      }
      synchronized (StageWatch.this) {
        if (gen == generation && !stopped) {
          handle = watch;
          return;
        }
      }
      watch.close();
    }

    /**
     * Where to start: one service's own view; for the whole stage, the last answer's index,
     * lowered to the view of each service that joined since, so that no change is missed.
     */
    private long since(List<ViewHolder> holders) {
      if (only != null) {
        return indexOf(only);
      }
      long since = index;
      for (ViewHolder holder : holders) {
        if (!asked.contains(holder.service)) {
          since = Math.min(since, indexOf(holder));
        }
      }
      return since;
    }

    void answered(long gen, StageViews answer) {
      List<ViewHolder> holders;
      boolean newRun;
      synchronized (StageWatch.this) {
        if (gen != generation || stopped) {
          return;
        }
        // A delta from another run of the registry may miss changes below our index (its
        // indexes started again): ask in full at once.
        newRun = !answer.complete() && epoch != null && answer.epoch() != null
            && !epoch.equals(answer.epoch());
        epoch = answer.epoch();
        index = newRun ? 0 : answer.index();
        asked = names(covered);
        failures = 0;
        holders = covered;
      }
      ctx.events.registryReachable();
      views.apply(holders, answer);
      if (newRun) {
        start();
      }
    }

    void failed(long gen, RegistryException cause) {
      List<ViewHolder> holders;
      int attempt;
      synchronized (StageWatch.this) {
        if (gen != generation || stopped) {
          return;
        }
        handle = null;
        index = 0;
        attempt = ++failures;
        holders = covered;
      }
      ctx.counters.registryFailures.increment();
      ctx.events.registryFailed(cause);
      ctx.events.fire(l -> l.watchFailed(stage, cause));
      views.markStale(holders);
      log().debug("{} failed", StageWatch.this, cause);
      synchronized (StageWatch.this) {
        if (gen == generation && !stopped && pending == null) {
          schedule(ctx.backoffMillis(attempt));
        }
      }
    }

    void unsupported(long gen) {
      synchronized (StageWatch.this) {
        if (gen != generation || stopped) {
          return;
        }
        handle = null;
      }
      degrade(this);
    }

    /** Stops for good; what is in flight is abandoned (closing a backend watch returns at once). */
    void stop() {
      stopped = true;
      generation++;
      if (pending != null) {
        pending.cancel(false);
        pending = null;
      }
      if (handle != null) {
        handle.close();
        handle = null;
      }
    }

    private void schedule(long delayMillis) {
      try {
        pending = ctx.scheduler().schedule(() -> {
          try {
            start();
          } catch (RuntimeException e) {
            log().warn("{} failed unexpectedly", StageWatch.this, e);
          }
        }, delayMillis, TimeUnit.MILLISECONDS);
      } catch (RejectedExecutionException | IllegalStateException e) {
        log().debug("{} stopped: client closing", StageWatch.this);
      }
    }
  }

  /** What one start of a unit hears from the backend. */
  private static final class Listener implements WatchListener {
    private final Unit unit;
    private final long generation;

    Listener(Unit unit, long generation) {
      this.unit = unit;
      this.generation = generation;
    }

    @Override
    public void answered(StageViews answer) {
      unit.answered(generation, answer);
    }

    @Override
    public void failed(RegistryException cause) {
      unit.failed(generation, cause);
    }

    @Override
    public void unsupported() {
      unit.unsupported(generation);
    }
  }

  private static Set<String> names(List<ViewHolder> holders) {
    Set<String> names = new HashSet<>();
    for (ViewHolder holder : holders) {
      names.add(holder.service);
    }
    return names;
  }

  private static long indexOf(ViewHolder holder) {
    ViewHolder.Snapshot s = holder.snapshot();
    return s == null ? 0 : s.view().index();
  }
}
