package dev.registry.client;

import org.jspecify.annotations.Nullable;

/**
 * Picks an instance of a cached service: the client's zone first ({@link ZoneSplit}), then the
 * load balancer, skipping ejected instances. While the client has no zone and nothing of the
 * service is ejected, a pick is the balancer's alone: one counter, no clock, no allocation.
 */
final class Picker {
  private final ClientContext ctx;
  private final LoadBalancer balancer;

  Picker(ClientContext ctx) {
    this.ctx = ctx;
    this.balancer = ctx.settings.loadBalancer();
  }

  /** One instance of the holder's snapshot (which has UP instances). No allocation. */
  ServiceInstance choose(ViewHolder holder, ViewHolder.Snapshot snapshot) {
    int sequence = holder.sequence.next();
    Candidates up = snapshot.up();
    ZoneSplit zones = snapshot.zones();
    Ejections ejections = holder.ejections;
    if (ejections.count == 0) {
      return balancer.choose(zones == null ? up : zones.group(zones.shareWhenNoneEjected, holder.splits), sequence);
    }
    long now = ctx.clock.millis();
    ServiceInstance pick = null;
    if (zones != null) {
      pick = notEjected(holder, zones.group(zones.share(ejections, now), holder.splits), sequence, now);
    }
    if (pick == null) {
      pick = notEjected(holder, up, sequence, now);
    }
    return pick != null ? pick : balancer.choose(up, holder.sequence.next());
  }

  /**
   * Starts a call to one instance picked as {@link #choose} does: counted in flight until the
   * handle ends. No allocation.
   */
  Call startCall(ViewHolder holder, ViewHolder.Snapshot snapshot) {
    ServiceInstance pick = choose(holder, snapshot);
    Load load = holder.loads.get(pick.id());
    return (load != null ? load : holder.loads.of(pick)).started();
  }

  /**
   * A pick of {@code from} that is not ejected: at most as many tries as it has instances (at
   * most half of a service's are ejected, so a round usually finds one); null if all failed.
   */
  private @Nullable ServiceInstance notEjected(ViewHolder holder, Candidates from, int sequence,
      long now) {
    int next = sequence;
    for (int i = 0; i < from.size(); i++) {
      ServiceInstance pick = balancer.choose(from, next);
      if (!holder.ejections.ejected(pick.id(), now)) {
        return pick;
      }
      next = holder.sequence.next();
    }
    return null;
  }
}
