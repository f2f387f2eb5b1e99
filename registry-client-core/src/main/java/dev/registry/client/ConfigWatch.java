package dev.registry.client;

import static dev.registry.client.Logs.log;

import dev.registry.client.spi.ConfigAnswer;
import dev.registry.client.spi.ConfigWatchListener;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The watch of one configuration: a backend watch from the index the holder has, started again
 * after a backoff when it fails (the configuration is marked stale meanwhile), and, once the
 * registry says it cannot watch, none: the periodic work reads it instead. The same rules as a
 * stage's watch ({@link StageWatch}), for one view of the other kind.
 *
 * <p>Threading: the state is guarded by this object's monitor, which is never held while the
 * backend or the holder is called.
 */
final class ConfigWatch {
  private final ConfigHolder holder;
  private final ClientContext ctx;
  private final Configs configs;
  private long generation;
  private @Nullable Watch handle;
  private @Nullable Future<?> pending;
  private int failures;
  private boolean polled;
  private boolean closed;

  ConfigWatch(ConfigHolder holder, ClientContext ctx, Configs configs) {
    this.holder = holder;
    this.ctx = ctx;
    this.configs = configs;
  }

  /** Starts a backend watch from what the holder has. */
  void start() {
    long gen;
    synchronized (this) {
      pending = null;
      if (closed || polled) {
        return;
      }
      gen = ++generation;
    }
    Watch watch;
    try {
      watch = ctx.backend().watchConfig(holder.query, holder.position(), holder.epoch(), new Listener(gen));
    } catch (RuntimeException e) {
      failed(gen, e instanceof RegistryException re
          ? re : new RegistryUnavailableException(this + " failed: " + e, 0, e));
      return;
    }
    synchronized (this) {
      if (gen == generation && !closed) {
        handle = watch;
        return;
      }
    }
    watch.close();
  }

  /** Whether the registry cannot watch it: the periodic work reads it. */
  synchronized boolean polled() {
    return polled;
  }

  private void answered(long gen, ConfigAnswer answer) {
    synchronized (this) {
      if (gen != generation || closed) {
        return;
      }
      failures = 0;
    }
    ctx.events.registryReachable();
    configs.apply(holder, answer);
  }

  private void failed(long gen, RegistryException cause) {
    int attempt;
    synchronized (this) {
      if (gen != generation || closed) {
        return;
      }
      handle = null;
      attempt = ++failures;
    }
    ctx.counters.registryFailures.increment();
    ctx.events.registryFailed(cause);
    configs.markStale(holder);
    log().debug("{} failed", this, cause);
    synchronized (this) {
      if (gen == generation && !closed && pending == null) {
        try {
          pending = ctx.scheduler().schedule(this::start, ctx.backoffMillis(attempt), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException | IllegalStateException e) {
          log().debug("{} stopped: client closing", this);
        }
      }
    }
  }

  private void unsupported(long gen) {
    synchronized (this) {
      if (gen != generation || closed) {
        return;
      }
      handle = null;
      polled = true;
    }
    log().info("The registry cannot watch the {}; it is read every {} instead", holder,
        ctx.settings.refreshInterval());
  }

  /** Stops for good; what is in flight is abandoned. */
  void close() {
    Watch h;
    synchronized (this) {
      closed = true;
      generation++;
      if (pending != null) {
        pending.cancel(false);
        pending = null;
      }
      h = handle;
      handle = null;
    }
    if (h != null) {
      h.close();
    }
  }

  @Override
  public String toString() {
    return "watch of the " + holder;
  }

  /** What one start hears from the backend. */
  private final class Listener implements ConfigWatchListener {
    private final long generation;

    Listener(long generation) {
      this.generation = generation;
    }

    @Override
    public void answered(ConfigAnswer answer) {
      ConfigWatch.this.answered(generation, answer);
    }

    @Override
    public void failed(RegistryException cause) {
      ConfigWatch.this.failed(generation, cause);
    }

    @Override
    public void unsupported() {
      ConfigWatch.this.unsupported(generation);
    }
  }
}
