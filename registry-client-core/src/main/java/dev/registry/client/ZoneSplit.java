package dev.registry.client;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * One view of a service split by the client's zone, made once per view change: its {@code UP}
 * instances in the zone (by their {@code zone} metadata) and the others (other zones, and
 * instances without a zone), and how many instances the zone has of every status.
 *
 * <p><b>The rule</b> (Envoy's priority levels, with its overprovisioning factor of 1.4): the
 * zone keeps every pick while at least 1/1.4 (about 72 %) of its instances are healthy, that is
 * {@code UP} and not ejected; below that it keeps {@code min(1, 1.4 × healthy / all)} of the
 * picks and the rest spill over to the others. A zone with no healthy instance spills all.
 * Deterministic: of every 1000 consecutive picks of a thread, the first {@code share} stay in the
 * zone.
 */
final class ZoneSplit {
  /** Picks are split per thousand. */
  static final int ALL = 1000;

  final Candidates local;
  final Candidates others;
  /** The zone's instances of every status. */
  private final int zoneSize;
  /** The ids in {@link #local}, to count the ejected ones. */
  private final Set<String> localIds;
  /** Picks per thousand that stay in the zone while none of its instances is ejected. */
  final int shareWhenNoneEjected;

  private ZoneSplit(Candidates local, Candidates others, int zoneSize) {
    this.local = local;
    this.others = others;
    this.zoneSize = zoneSize;
    this.localIds = new HashSet<>();
    for (ServiceInstance i : local) {
      localIds.add(i.id());
    }
    this.shareWhenNoneEjected = share(local.size());
  }

  /**
   * Splits a view, or returns null when there is nothing to split: every {@code UP} instance is
   * in the zone, or none is (then picks go to all of them, as without a zone).
   *
   * @param zone the client's zone
   * @param all the view's instances, of every status
   * @param up its {@code UP} instances
   */
  static @Nullable ZoneSplit of(String zone, List<ServiceInstance> all, List<ServiceInstance> up,
      Loads loads) {
    int zoneSize = 0;
    for (ServiceInstance i : all) {
      if (zone.equals(i.metadata().get("zone"))) {
        zoneSize++;
      }
    }
    List<ServiceInstance> local = new ArrayList<>();
    List<ServiceInstance> others = new ArrayList<>();
    for (ServiceInstance i : up) {
      (zone.equals(i.metadata().get("zone")) ? local : others).add(i);
    }
    if (local.isEmpty() || others.isEmpty()) {
      return null;
    }
    return new ZoneSplit(new Candidates(local, loads), new Candidates(others, loads), zoneSize);
  }

  /** Picks per thousand that stay in the zone with {@code healthy} of its instances healthy. */
  int share(int healthy) {
    if (healthy <= 0) {
      return 0;
    }
    return (int) Math.min(ALL, (long) ALL * Routing.OVERPROVISIONING_PERCENT * healthy / (100L * zoneSize));
  }

  /** Picks per thousand that stay in the zone while {@code ejections} are in force at {@code now}. */
  int share(Ejections ejections, long now) {
    return share(local.size() - ejections.ejectedAmong(localIds, now));
  }

  /** The zone's instances or the others, for a pick while the zone keeps {@code share}. */
  Candidates group(int share, Sequence splits) {
    if (share >= ALL) {
      return local;
    }
    return share <= 0 || Math.floorMod(splits.next(), ALL) >= share ? others : local;
  }
}
