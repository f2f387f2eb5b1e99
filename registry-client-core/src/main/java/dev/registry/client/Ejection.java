package dev.registry.client;

import static dev.registry.client.Logs.log;
import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * The ejection room: what callers report about their calls to instances, and the picks that
 * skip the instances ejected for it. The state is per service, in its holder's
 * {@link Ejections}; {@link #choose} stays on the plain path while a service has none.
 */
final class Ejection {
  private final ClientContext ctx;
  private final Views views;
  private final LoadBalancer balancer;
  private final long ejectionMillis;

  Ejection(ClientContext ctx, Views views) {
    this.ctx = ctx;
    this.views = views;
    this.balancer = ctx.settings.loadBalancer();
    this.ejectionMillis = ctx.settings.ejectionTime().toMillis();
  }

  /** One of {@code up} (not empty), by the load balancer, skipping ejected ones. No allocation. */
  ServiceInstance choose(ViewHolder holder, List<ServiceInstance> up) {
    if (holder.ejections.count == 0) {
      return balancer.choose(up, holder.sequence.next());
    }
    // At most half are ejected, so one pick of a round of picks is not.
    long now = ctx.clock.millis();
    for (int i = 0; i < up.size(); i++) {
      ServiceInstance pick = balancer.choose(up, holder.sequence.next());
      if (!holder.ejections.ejected(pick.id(), now)) {
        return pick;
      }
    }
    return balancer.choose(up, holder.sequence.next());
  }

  void reportFailure(ServiceInstance instance) {
    ViewHolder holder = holderOf(instance);
    ViewHolder.Snapshot snapshot = holder == null ? null : holder.snapshot();
    if (holder != null && snapshot != null && holder.ejections.reportFailure(instance.id(),
        snapshot.up(), ctx.clock.millis(), ctx.settings.ejectAfter(), ejectionMillis)) {
      log().info("Ejected {} instance {} at {} for {}: {} failed calls in a row", instance.service(),
          instance.id(), instance.address(), ctx.settings.ejectionTime(), ctx.settings.ejectAfter());
    }
  }

  void reportSuccess(ServiceInstance instance) {
    ViewHolder holder = holderOf(instance);
    if (holder != null && holder.ejections.reportSuccess(instance.id())) {
      log().info("{} instance {} at {} answered again after its ejection; back in rotation",
          instance.service(), instance.id(), instance.address());
    }
  }

  boolean isEjected(ServiceInstance instance) {
    ViewHolder holder = holderOf(instance);
    return holder != null && holder.ejections.count != 0
        && holder.ejections.ejected(instance.id(), ctx.clock.millis());
  }

  private @org.jspecify.annotations.Nullable ViewHolder holderOf(ServiceInstance instance) {
    requireNonNull(instance, "instance");
    String stage = instance.stage();
    return views.cached(instance.service(), stage != null ? stage : ctx.settings.stage());
  }
}
