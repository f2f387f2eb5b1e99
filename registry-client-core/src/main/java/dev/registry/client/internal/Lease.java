package dev.registry.client.internal;

import static dev.registry.client.internal.Logs.log;

import dev.registry.client.Registration;
import dev.registry.client.RegistryException;
import dev.registry.client.ServiceInstance;
import dev.registry.client.Status;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * One registered instance and its lease: heartbeats renew it, a heartbeat (or status update)
 * answered 404 registers the instance again. Calls of one lease never overlap (a lock), so a
 * deregistration never races a heartbeat that would re-register.
 */
final class Lease implements Registration {

  /** No deadline: the retry policy and the request timeout bound the calls. */
  private static final long NO_DEADLINE = Long.MIN_VALUE;

  private final RealRegistryClient client;
  private final ReentrantLock lock = new ReentrantLock();
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile ServiceInstance instance;
  /** The registry's secret of the instance, presented on every call; null when it gave none. */
  private volatile @Nullable String secret;
  private volatile long renewedAtMillis;
  private volatile @Nullable ScheduledFuture<?> heartbeats;

  Lease(RealRegistryClient client, ServiceInstance instance, long nowMillis) {
    this(client, instance, null, nowMillis);
  }

  /** The registry's secret of the instance, or null. */
  @Nullable String secret() {
    return secret;
  }

  Lease(RealRegistryClient client, ServiceInstance instance, @Nullable String secret, long nowMillis) {
    this.client = client;
    this.instance = instance;
    this.secret = secret;
    this.renewedAtMillis = nowMillis;
  }

  void startHeartbeats(ScheduledExecutorService scheduler, Duration interval) {
    long millis = interval.toMillis();
    // The first heartbeat comes up to a fifth of an interval early, at random, so that instances
    // registered together (a fleet restarted at once) do not heartbeat in step for ever.
    long first = millis - java.util.concurrent.ThreadLocalRandom.current().nextLong(millis / 5 + 1);
    heartbeats = scheduler.scheduleWithFixedDelay(this::renew, first, millis, TimeUnit.MILLISECONDS);
  }

  @Override
  public ServiceInstance instance() {
    return instance;
  }

  boolean due(long nowMillis) {
    return !closed.get()
        && nowMillis - renewedAtMillis >= client.config.heartbeatInterval().toMillis();
  }

  /** One heartbeat. Never throws: a scheduled task that throws is never run again. */
  void renew() {
    renew(NO_DEADLINE);
  }

  /**
   * One heartbeat (and a re-registration if the registry forgot the instance) within
   * {@code deadlineNanos} ({@link System#nanoTime()}): each call bounded by what remains, no
   * retry past it. Never throws.
   */
  void renewBefore(long deadlineNanos) {
    renew(deadlineNanos);
  }

  private void renew(long deadlineNanos) {
    if (closed.get()) {
      return;
    }
    lock.lock();
    try {
      if (closed.get()) {
        return;
      }
      ServiceInstance current = instance;
      String currentSecret = secret;
      boolean known = call(deadlineNanos,
          timeout -> client.backend().renew(current, currentSecret, timeout));
      client.events.registryReachable();
      if (known) {
        renewedAtMillis = client.clock.millis();
        client.counters.heartbeatsSent.increment();
        client.events.fire(l -> l.heartbeatSent(current));
      } else {
        reRegister(deadlineNanos);
      }
    } catch (RegistryException e) {
      client.counters.heartbeatsFailed.increment();
      client.events.registryFailed(e);
      ServiceInstance current = instance;
      client.events.fire(l -> l.heartbeatFailed(current, e));
      log().debug("Heartbeat of {} failed", current.id(), e);
    } catch (RuntimeException e) {
      client.counters.heartbeatsFailed.increment();
      log().error("Heartbeat of {} failed unexpectedly", instance.id(), e);
    } finally {
      lock.unlock();
    }
  }

  /** A call with the retry policy, bounded by the deadline unless there is none. */
  private <T> T call(long deadlineNanos, Function<Duration, T> call) {
    if (deadlineNanos == NO_DEADLINE) {
      return client.retrying.call(() -> call.apply(client.config.requestTimeout()));
    }
    return client.retrying.callBefore(deadlineNanos,
        () -> call.apply(client.boundedTimeout(deadlineNanos - System.nanoTime())));
  }

  /** The registry forgot the instance (restart, expiry): register it again, now. */
  private void reRegister(long deadlineNanos) {
    ServiceInstance current = instance;
    String currentSecret = secret;
    RegistryBackend.Registered answer = call(deadlineNanos, timeout -> client.backend().register(
        current, currentSecret, client.config.leaseTtlSeconds(), timeout));
    ServiceInstance registered = answer.instance();
    instance = registered;
    secret = answer.secret();
    renewedAtMillis = client.clock.millis();
    client.counters.reRegistrations.increment();
    log().info("Registry had forgotten {} {}; registered it again",
        registered.service(), registered.id());
    client.events.fire(l -> l.reRegistered(registered));
  }

  @Override
  public void status(Status status) {
    java.util.Objects.requireNonNull(status, "status");
    if (closed.get()) {
      throw new IllegalStateException("registration is closed: " + instance.id());
    }
    lock.lock();
    try {
      ServiceInstance updated = instance.withStatus(status);
      String currentSecret = secret;
      boolean known;
      try {
        known = client.retrying.call(
            () -> client.backend().status(updated, currentSecret, status, client.config.requestTimeout()));
      } catch (RegistryException e) {
        client.events.registryFailed(e);
        throw e;
      }
      client.events.registryReachable();
      instance = updated;
      if (!known) {
        reRegister(NO_DEADLINE);
      }
    } finally {
      lock.unlock();
    }
  }

  /** Stops the heartbeats; first step of every close. */
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
      client.forget(this);
      deregister(System.nanoTime() + client.config.deregisterTimeout().toNanos());
    }
  }

  /** Deregisters, giving up at {@code deadlineNanos}; logs a failure, never throws it. */
  void deregister(long deadlineNanos) {
    ServiceInstance current = instance;
    boolean locked = false;
    try {
      locked = lock.tryLock(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
      current = instance;
      ServiceInstance target = current;
      String currentSecret = secret;
      client.retrying.callBefore(deadlineNanos, () -> client.backend().deregister(target, currentSecret,
          Retrying.min(client.config.requestTimeout(),
              Duration.ofNanos(Math.max(1_000_000, deadlineNanos - System.nanoTime())))));
      log().debug("Deregistered {} {}", current.service(), current.id());
      client.events.fire(l -> l.deregistered(target, true));
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
    client.events.fire(l -> l.deregistered(current, false));
  }

  @Override
  public String toString() {
    return "Registration{" + instance + "}";
  }
}
