package dev.registry.client;

import static dev.registry.client.Logs.log;

import dev.registry.client.spi.Registered;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.ToLongFunction;
import org.jspecify.annotations.Nullable;

/**
 * One registered instance and its lease: renewals (by heartbeats, or by the inline client's due
 * work) keep it, and a renewal or status change that the registry no longer knows registers the
 * instance again. Calls of one lease never overlap (a lock), so a deregistration never races a
 * renewal that would register again.
 */
final class Lease implements Registration {
  private final ClientContext ctx;
  /** Told when the lease is closed, so that its room forgets it. */
  private final Consumer<Lease> onClose;
  /** The configuration index the instance's service has taken, reported with each renewal; -1 for none. */
  private final ToLongFunction<ServiceInstance> appliedConfig;
  private final ReentrantLock lock = new ReentrantLock();
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile Registered registered;
  private volatile long renewedAtMillis;
  private volatile @Nullable ScheduledFuture<?> heartbeats;

  Lease(ClientContext ctx, Registered registered, Consumer<Lease> onClose,
      ToLongFunction<ServiceInstance> appliedConfig) {
    this.ctx = ctx;
    this.registered = registered;
    this.onClose = onClose;
    this.appliedConfig = appliedConfig;
    this.renewedAtMillis = ctx.clock.millis();
  }

  /** Renews the lease every {@code interval} on the scheduler, from now on. */
  void startHeartbeats(ScheduledExecutorService scheduler, Duration interval) {
    long millis = interval.toMillis();
    // The first heartbeat comes up to a fifth of an interval early, at random, so that instances
    // registered together (a fleet restarted at once) do not heartbeat in step for ever.
    long first = millis - ThreadLocalRandom.current().nextLong(millis / 5 + 1);
    heartbeats = scheduler.scheduleWithFixedDelay(
        () -> renew(ClientContext.NO_DEADLINE), first, millis, TimeUnit.MILLISECONDS);
  }

  @Override
  public ServiceInstance instance() {
    return registered.instance();
  }

  Registered registered() {
    return registered;
  }

  boolean due(long nowMillis) {
    return !closed.get() && nowMillis - renewedAtMillis >= ctx.settings.heartbeatInterval().toMillis();
  }

  /**
   * Renews the lease, and registers again if the registry forgot the instance, before
   * {@code deadlineNanos} ({@link ClientContext#NO_DEADLINE}: the retry policy bounds it). Never
   * throws: a scheduled task that throws is never run again.
   */
  void renew(long deadlineNanos) {
    if (closed.get()) {
      return;
    }
    lock.lock();
    try {
      if (closed.get()) {
        return;
      }
      Registered current = registered;
      if (ctx.call(deadlineNanos, timeout -> renewOnce(current, timeout))) {
        renewedAtMillis = ctx.clock.millis();
        ctx.counters.heartbeatsSent.increment();
        ctx.events.fire(l -> l.heartbeatSent(current.instance()));
      } else {
        reRegister(current.instance(), deadlineNanos);
      }
    } catch (RegistryException e) {
      ctx.counters.heartbeatsFailed.increment();
      ServiceInstance current = instance();
      ctx.events.fire(l -> l.heartbeatFailed(current, e));
      log().debug("Heartbeat of {} failed", current.id(), e);
    } catch (RuntimeException e) {
      ctx.counters.heartbeatsFailed.increment();
      log().error("Heartbeat of {} failed unexpectedly", instance().id(), e);
    } finally {
      lock.unlock();
    }
  }

  /**
   * One renewal, reporting the configuration index the instance's service has taken when this
   * client reads it; a registry that cannot take the index is renewed without it (said once).
   */
  private boolean renewOnce(Registered current, Duration timeout) {
    long applied = appliedConfig.applyAsLong(current.instance());
    if (applied >= 0 && !ctx.cannotReportConfig()) {
      try {
        return ctx.backend().renew(current, applied, timeout);
      } catch (UnsupportedOperationException e) {
        ctx.cannotReportConfig(e);
      }
    }
    return ctx.backend().renew(current, timeout);
  }

  /** The registry forgot the instance (restart, expiry): register it again, now. */
  private void reRegister(ServiceInstance instance, long deadlineNanos) {
    String handle = registered.handle();
    Registered again = ctx.call(deadlineNanos, timeout -> ctx.backend().register(instance, handle, timeout));
    registered = again;
    renewedAtMillis = ctx.clock.millis();
    ctx.counters.reRegistrations.increment();
    log().info("Registry had forgotten {} {}; registered it again",
        again.instance().service(), again.instance().id());
    ctx.events.fire(l -> l.reRegistered(again.instance()));
  }

  @Override
  public void status(Status status) {
    Objects.requireNonNull(status, "status");
    if (closed.get()) {
      throw new IllegalStateException("registration is closed: " + instance().id());
    }
    lock.lock();
    try {
      Registered current = registered;
      ServiceInstance updated = current.instance().withStatus(status);
      boolean known = ctx.call(ClientContext.NO_DEADLINE,
          timeout -> ctx.backend().status(current, status, timeout));
      registered = new Registered(updated, current.handle());
      if (!known) {
        reRegister(updated, ClientContext.NO_DEADLINE);
      }
    } finally {
      lock.unlock();
    }
  }

  /** Stops the renewals; the first step of every close. @return whether this call stopped it */
  boolean stop() {
    if (!closed.compareAndSet(false, true)) {
      return false;
    }
    ScheduledFuture<?> h = heartbeats;
    if (h != null) {
      h.cancel(false);
    }
    return true;
  }

  @Override
  public void close() {
    if (stop()) {
      onClose.accept(this);
      deregister(System.nanoTime() + ctx.settings.deregisterTimeout().toNanos());
    }
  }

  /** Deregisters, giving up at {@code deadlineNanos}; logs a failure, never throws it. */
  void deregister(long deadlineNanos) {
    ServiceInstance current = instance();
    boolean locked = false;
    try {
      locked = lock.tryLock(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
      Registered target = registered;
      current = target.instance();
      ctx.call(deadlineNanos, timeout -> ctx.backend().deregister(target, timeout));
      log().debug("Deregistered {} {}", current.service(), current.id());
      ServiceInstance gone = current;
      ctx.events.fire(l -> l.deregistered(gone, true));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      deregisterFailed(current, e);
    } catch (RegistryException e) {
      deregisterFailed(current, e);
    } finally {
      if (locked) {
        lock.unlock();
      }
    }
  }

  private void deregisterFailed(ServiceInstance current, Exception e) {
    log().warn("Could not deregister {} {} (its lease will end by itself): {}",
        current.service(), current.id(), e.toString());
    ctx.events.fire(l -> l.deregistered(current, false));
  }

  @Override
  public String toString() {
    return "Registration{" + instance() + "}";
  }
}
