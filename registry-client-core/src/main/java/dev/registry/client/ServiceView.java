package dev.registry.client;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Objects;

/**
 * What the client knows of one service in one stage: its instances (of every status) as the
 * registry last listed them, the registry's index of that view, and whether the view is stale.
 *
 * @param service the service name
 * @param stage the stage
 * @param index the registry's revision of this view; a changed index is a changed view
 * @param instances the live instances of every status, in the registry's order (immutable)
 * @param stale {@code true} when the registry could not be reached the last time the client
 *     tried to confirm this view, so it may be out of date; or when, after a restart of the
 *     registry, the view still holds instances of the former run that the new run does not hold
 *     yet (kept for at most one lease TTL, docs/reliability.md)
 */
public record ServiceView(
    String service, String stage, long index, List<ServiceInstance> instances, boolean stale) {

  /**
   * Checks the components and copies the list.
   *
   * @param service the service name
   * @param stage the stage
   * @param index the registry's revision of this view
   * @param instances the instances of every status
   * @param stale whether the view may be out of date
   */
  public ServiceView {
    requireNonNull(service, "service");
    requireNonNull(stage, "stage");
    instances = List.copyOf(instances);
  }

  /**
   * Returns the instances whose status is {@link Status#UP}, in order. Allocates a new list
   * on every call; {@link RegistryClient#choose(String)} does not use it.
   *
   * @return the UP instances
   */
  public List<ServiceInstance> upInstances() {
    return instances.stream().filter(i -> i.status() == Status.UP).toList();
  }

  /**
   * Whether {@code o} is a view with the same components.
   *
   * @param o the other object
   * @return whether they are equal
   */
  @Override
  public boolean equals(Object o) {
    // Written out: a record's generated equals bootstraps java.lang.runtime.ObjectMethods at its
    // first call, 50 to 190 ms of a fresh JVM on this project's machine, which the first answer
    // of a watch paid (benchmarks/run firstchange).
    return o instanceof ServiceView v && index == v.index && stale == v.stale
        && service.equals(v.service) && stage.equals(v.stage) && instances.equals(v.instances);
  }

  /**
   * A hash of the components.
   *
   * @return the hash
   */
  @Override
  public int hashCode() {
    return Objects.hash(service, stage, index, instances, stale);
  }

  /**
   * Returns this view with its stale flag set to {@code newStale}.
   *
   * @param newStale the flag
   * @return this view when the flag is unchanged, else a copy
   */
  public ServiceView withStale(boolean newStale) {
    return newStale == stale ? this : new ServiceView(service, stage, index, instances, newStale);
  }
}
