package dev.registry.client;

import static dev.registry.client.Logs.log;

import java.util.List;

/**
 * Where else a service is registered, for a lookup that found no instance of it in its stage: a
 * client looking in the wrong stage is the most common reason, and "it is registered in stage(s)
 * 'greeting'" says so where the user looks (the exception of {@code choose}, and one WARN).
 *
 * <p>Only failure paths ask: a first fetch that found the service empty, and a {@code choose}
 * that found no instance at all. The registry is asked at most once per refresh interval per
 * service (the answer is kept in the service's holder), and the cached pick never comes here.
 */
final class OtherStages {

  /** The registry's answer about one service, and when it was asked (clock millis). */
  record Answer(List<String> stages, long atMillis) {}

  private final ClientContext ctx;

  OtherStages(ClientContext ctx) {
    this.ctx = ctx;
  }

  /**
   * The other stages in which {@code holder}'s service has instances, asking the registry when
   * the last answer is older than the refresh interval; empty when the view has instances, when
   * there is none elsewhere, or when the registry cannot tell. A stale view (the registry is
   * away) asks nothing: the call would only cost its timeout. Never throws for the registry.
   */
  List<String> of(ViewHolder holder) {
    ViewHolder.Snapshot snapshot = holder.snapshot();
    if (snapshot == null || snapshot.view().stale() || !snapshot.view().instances().isEmpty()) {
      return List.of();
    }
    Answer last = holder.otherStages;
    long now = ctx.clock.millis();
    if (last != null && now - last.atMillis() < ctx.settings.refreshInterval().toMillis()) {
      return last.stages();
    }
    // One thread asks; the others answer with what is known (a burst of failing picks makes
    // one call, not one each).
    if (!holder.refreshLock.tryLock()) {
      return last == null ? List.of() : last.stages();
    }
    try {
      List<String> stages = ask(holder);
      holder.otherStages = new Answer(stages, now);
      if (!stages.isEmpty() && (last == null || !last.stages().equals(stages))) {
        log().warn("No instance of service '{}' in stage '{}'; it is registered in {}",
            holder.service, holder.stage, NoInstanceAvailableException.stages(stages));
      }
      return stages;
    } finally {
      holder.refreshLock.unlock();
    }
  }

  private List<String> ask(ViewHolder holder) {
    try {
      // A read about the service, so the event listener hears it as one of its discovers.
      RegistryCall call = new RegistryCall(RegistryCall.Operation.DISCOVER, holder.stage, holder.service);
      return ctx.callOnce(call, ctx.settings.requestTimeout(),
              t -> ctx.backend().stagesOf(holder.service, t)).stream()
          .filter(stage -> !stage.equals(holder.stage)).toList();
    } catch (RegistryException e) {
      log().debug("Could not ask where else {} is registered: {}", holder, e.toString());
      return List.of();
    }
  }
}
