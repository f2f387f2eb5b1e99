package dev.registry.client;

import static dev.registry.client.Logs.log;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The rule that keeps a view from losing instances only because the registry lost its memory
 * (docs/reliability.md, "The registry restarts (client side)"). When a view is answered by
 * another run of the registry than the one its current view came from (another {@code epoch},
 * both named), the instances the new run does not hold are kept, and the view is marked stale,
 * until the new run shows them (then the registry's word counts again: a later removal is taken
 * at once) or one lease TTL has passed since this client first heard of that run, whichever
 * comes first. An answer that names no run is taken as from the view's run, so a backend
 * without epochs never triggers the rule.
 *
 * <p>Threading: {@link #serve} runs under the monitor of the view's holder; this object's own
 * state (the runs seen) is guarded by its monitor, taken inside the holder's and never around it.
 */
final class RestartGrace {
  /** Runs remembered with the time first heard of: enough for registries that take turns. */
  private static final int RUNS_REMEMBERED = 16;

  /** What a view keeps from a former run: instances the new run has not shown yet, and until when. */
  record Kept(List<ServiceInstance> instances, long untilMillis) {
    static final Kept NONE = new Kept(List.of(), 0);

    boolean isEmpty() {
      return instances.isEmpty();
    }
  }

  /** What to serve after an answer: the view, the run it came from, what it keeps. */
  record Served(ServiceView view, @Nullable String run, Kept kept) {}

  private final long ttlMillis;
  /** Each run this client heard of (the latest ones), with when it first heard of it. */
  private final Map<String, Long> runs = new LinkedHashMap<>(RUNS_REMEMBERED * 2, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
      return size() > RUNS_REMEMBERED;
    }
  };

  RestartGrace(Duration leaseTtl) {
    this.ttlMillis = leaseTtl.toMillis();
  }

  /**
   * The view to serve after the registry answered {@code answered} (of run {@code epoch}, or
   * null when it does not say) about a holder whose view is {@code current} (of run {@code run},
   * keeping {@code kept}). With {@code epoch} null and {@code answered} the holder's last answer,
   * it lets go of what is kept once its time is up.
   */
  Served serve(@Nullable ServiceView current, @Nullable String run, Kept kept, ServiceView answered,
      @Nullable String epoch, long nowMillis) {
    Kept keep = kept;
    if (epoch != null) {
      long heardAt = heardOf(epoch, nowMillis);
      if (current != null && run != null && !run.equals(epoch)) {
        keep = new Kept(current.instances(), heardAt + ttlMillis);
      }
    }
    keep = remaining(keep, answered, nowMillis);
    return new Served(withKept(answered, keep), epoch != null ? epoch : run, keep);
  }

  /** {@code answered} with the kept instances, marked stale when there are any. */
  private static ServiceView withKept(ServiceView answered, Kept kept) {
    if (kept.isEmpty()) {
      return answered;
    }
    List<ServiceInstance> instances = new ArrayList<>(answered.instances());
    instances.addAll(kept.instances());
    return new ServiceView(answered.service(), answered.stage(), answered.index(), instances, true);
  }

  /** The kept instances that {@code answered} does not show, none once their time is up. */
  private static Kept remaining(Kept kept, ServiceView answered, long nowMillis) {
    if (kept.isEmpty() || nowMillis >= kept.untilMillis()) {
      return Kept.NONE;
    }
    Set<String> shown = new HashSet<>();
    for (ServiceInstance instance : answered.instances()) {
      shown.add(instance.id());
    }
    List<ServiceInstance> left = new ArrayList<>();
    for (ServiceInstance instance : kept.instances()) {
      if (!shown.contains(instance.id())) {
        left.add(instance);
      }
    }
    return left.isEmpty() ? Kept.NONE
        : left.size() == kept.instances().size() ? kept : new Kept(List.copyOf(left), kept.untilMillis());
  }

  /** When this client first heard of run {@code epoch}: now, the first time. */
  private synchronized long heardOf(String epoch, long nowMillis) {
    Long heard = runs.get(epoch);
    if (heard != null) {
      return heard;
    }
    if (!runs.isEmpty()) {
      log().info("The registry answered from a new run ({}); instances it does not hold yet are kept "
          + "for up to {} ms, marked stale, while their owners register again", epoch, ttlMillis);
    }
    runs.put(epoch, nowMillis);
    return nowMillis;
  }
}
