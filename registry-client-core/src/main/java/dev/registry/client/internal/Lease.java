package dev.registry.client.internal;

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
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One registered instance and its lease: heartbeats renew it, a heartbeat (or status update)
 * answered 404 registers the instance again. Calls of one lease never overlap (a lock), so a
 * deregistration never races a heartbeat that would re-register.
 */
final class Lease implements Registration {
  private static final Logger log = LoggerFactory.getLogger("dev.registry.client");

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
      boolean known = client.retrying.call(
          () -> client.backend().renew(current, currentSecret, client.config.requestTimeout()));
      client.events.registryReachable();
      if (known) {
        renewedAtMillis = client.clock.millis();
        client.counters.heartbeatsSent.increment();
        client.events.fire(l -> l.heartbeatSent(current));
      } else {
        reRegister();
      }
    } catch (RegistryException e) {
      client.counters.heartbeatsFailed.increment();
      client.events.registryFailed(e);
      ServiceInstance current = instance;
      client.events.fire(l -> l.heartbeatFailed(current, e));
      log.debug("Heartbeat of {} failed", current.id(), e);
    } catch (RuntimeException e) {
      client.counters.heartbeatsFailed.increment();
      log.error("Heartbeat of {} failed unexpectedly", instance.id(), e);
    } finally {
      lock.unlock();
    }
  }

  /** The registry forgot the instance (restart, expiry): register it again, now. */
  private void reRegister() {
    ServiceInstance current = instance;
    String currentSecret = secret;
    RegistryBackend.Registered answer = client.retrying.call(() -> client.backend().register(
        current, currentSecret, client.config.leaseTtlSeconds(), client.config.requestTimeout()));
    ServiceInstance registered = answer.instance();
    instance = registered;
    secret = answer.secret();
    renewedAtMillis = client.clock.millis();
    client.counters.reRegistrations.increment();
    log.info("Registry had forgotten {} {}; registered it again",
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
        reRegister();
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
      log.debug("Deregistered {} {}", current.service(), current.id());
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
    log.warn("Could not deregister {} {} (its lease will end by itself): {}",
        current.service(), current.id(), e.toString());
    client.events.fire(l -> l.deregistered(current, false));
  }

  @Override
  public String toString() {
    return "Registration{" + instance + "}";
  }
}
