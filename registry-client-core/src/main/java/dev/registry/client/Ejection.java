package dev.registry.client;

import static java.util.Objects.requireNonNull;

import org.jspecify.annotations.Nullable;

/**
 * The ejection room: what callers report about their calls to instances (the outcomes of
 * {@link ServiceLookup#report} and {@link Call#end}), and whether an instance is ejected for it.
 * The state is per service, in its holder's {@link Ejections}; {@link Picker} skips the ejected.
 */
final class Ejection {
  private final ClientContext ctx;
  private final Views views;

  Ejection(ClientContext ctx, Views views) {
    this.ctx = ctx;
    this.views = views;
  }

  void report(ServiceInstance instance, Outcome outcome) {
    requireNonNull(outcome, "outcome");
    ViewHolder holder = holderOf(instance);
    if (holder != null) {
      holder.report(instance, outcome);
    }
  }

  boolean isEjected(ServiceInstance instance) {
    ViewHolder holder = holderOf(instance);
    return holder != null && holder.ejections.count != 0
        && holder.ejections.ejected(instance.id(), ctx.clock.millis());
  }

  private @Nullable ViewHolder holderOf(ServiceInstance instance) {
    requireNonNull(instance, "instance");
    String stage = instance.stage();
    return views.cached(instance.service(), stage != null ? stage : ctx.settings.stage());
  }
}
