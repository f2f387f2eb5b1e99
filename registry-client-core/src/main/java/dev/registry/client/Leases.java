package dev.registry.client;

import static dev.registry.client.Logs.log;
import static java.util.Objects.requireNonNull;

import dev.registry.client.spi.Registered;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.ToLongFunction;

/**
 * The leases room: the registrations a client holds. Registers (with heartbeats on the
 * scheduler, or none, for the inline client's due work to renew), renews those that are due,
 * removes instances whoever registered them, and deregisters everything when the client closes.
 */
final class Leases {
  private final ClientContext ctx;
  /** The configuration index an instance's service has taken, reported with its renewals; -1 for none. */
  private final ToLongFunction<ServiceInstance> appliedConfig;
  private final Set<Lease> leases = ConcurrentHashMap.newKeySet();

  Leases(ClientContext ctx, ToLongFunction<ServiceInstance> appliedConfig) {
    this.ctx = ctx;
    this.appliedConfig = appliedConfig;
  }

  /**
   * Registers an instance, with retries, and holds its lease; with {@code heartbeats}, renews it
   * on the scheduler every heartbeat interval.
   *
   * @throws RegistryException if the registry could not be reached or refused
   */
  Lease register(ServiceInstance instance, boolean heartbeats) {
    ServiceInstance resolved = withStage(instance);
    Registered registered = ctx.call(ClientContext.NO_DEADLINE,
        timeout -> ctx.backend().register(resolved, null, timeout));
    Lease lease = new Lease(ctx, registered, leases::remove, appliedConfig);
    leases.add(lease);
    ServiceInstance taken = registered.instance();
    log().debug("Registered {} {} at {}", taken.service(), taken.id(), taken.address());
    ctx.events.fire(l -> l.registered(taken));
    if (heartbeats) {
      try {
        lease.startHeartbeats(ctx.scheduler(), ctx.settings.heartbeatInterval());
      } catch (IllegalStateException | RejectedExecutionException e) {
        lease.close();
        throw new IllegalStateException("RegistryClient is closed", e);
      }
    }
    return lease;
  }

  /**
   * Removes an instance from the registry, whoever registered it; a lease of this client for it
   * stops. One call with retries.
   *
   * @return whether the registry held it
   * @throws RegistryException if the registry could not be reached or refused
   */
  boolean deregister(ServiceInstance instance) {
    ServiceInstance resolved = withStage(instance);
    String handle = null;
    for (Lease lease : leases) {
      ServiceInstance held = lease.instance();
      if (held.service().equals(resolved.service()) && held.id().equals(resolved.id())
          && resolved.stage().equals(held.stage())) {
        handle = lease.registered().handle();  // the registry may ask for it (docs/api.md, "Security")
        if (lease.stop()) {
          leases.remove(lease);
        }
      }
    }
    Registered target = new Registered(resolved, handle);
    boolean known = ctx.call(ClientContext.NO_DEADLINE, timeout -> ctx.backend().deregister(target, timeout));
    ctx.events.fire(l -> l.deregistered(resolved, true));
    return known;
  }

  /** Renews, within the deadline, the leases whose heartbeat interval has passed. */
  void renewDue(long deadlineNanos) {
    long now = ctx.clock.millis();
    for (Lease lease : leases) {
      if (deadlineNanos - System.nanoTime() <= 0) {
        return;
      }
      if (lease.due(now)) {
        lease.renew(deadlineNanos);
      }
    }
  }

  /** Stops every lease's renewals: the first step of the client's close. */
  List<Lease> stopAll() {
    List<Lease> all = new ArrayList<>(leases);
    all.forEach(Lease::stop);
    return all;
  }

  /** Deregisters the stopped leases under one deadline. */
  void deregister(List<Lease> stopped, long deadlineNanos) {
    for (Lease lease : stopped) {
      lease.deregister(deadlineNanos);
      leases.remove(lease);
    }
  }

  private ServiceInstance withStage(ServiceInstance instance) {
    requireNonNull(instance, "instance");
    return instance.stage() == null ? instance.withStage(ctx.settings.stage()) : instance;
  }
}
