package dev.registry.client.spi;

import static java.util.Objects.requireNonNull;

import dev.registry.client.ServiceView;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What a registry answered about services of one stage: their views, whether the answer covers
 * every service that was asked about, the registry's index past which a watch misses nothing,
 * and which run of the registry answered.
 *
 * <p>{@code complete}: every service asked about (the one of a {@link RegistryBackend#discover},
 * every service of the stage for a {@link RegistryBackend#catalog}, the services of a
 * {@link WatchRequest}) that is not in {@code views} has no instance. Not complete (a delta):
 * a service not in {@code views} is unchanged.
 *
 * <p>{@code epoch} names the run of the registry: the reference server draws one at each start;
 * a backend over a replicated store would name the cluster. Indexes of one run mean nothing in
 * another, so when a delta comes from another run than the answer before it, the core asks
 * again in full; and a view from a new run is how the core knows that the registry may have
 * lost its memory: the instances a view held and the new run does not are kept, marked stale,
 * for up to one lease TTL while their owners register again. So name a run only where a new one
 * may have forgotten: a store that keeps its data names itself (etcd its cluster id) or nothing.
 * Null when the registry does not say; such answers never count as from a new run.
 *
 * @param stage the stage
 * @param index the registry's position after this answer, 0 or more: a watch of the same
 *     services started past it misses no change; comparable with the views' indexes within one
 *     run
 * @param epoch which run of the registry answered, or null when it does not say
 * @param complete whether a service asked about and not in {@code views} has no instance
 * @param views the views by service name, each of this stage (copied)
 */
public record StageViews(
    String stage, long index, @Nullable String epoch, boolean complete, Map<String, ServiceView> views) {

  /**
   * Checks the components and copies the map.
   *
   * @param stage the stage
   * @param index the registry's position, 0 or more
   * @param epoch the run, or null
   * @param complete whether the answer covers every service asked about
   * @param views the views by service name
   * @throws IllegalArgumentException if the index is negative
   */
  public StageViews {
    requireNonNull(stage, "stage");
    if (index < 0) {
      throw new IllegalArgumentException("index must be >= 0: " + index);
    }
    views = Map.copyOf(requireNonNull(views, "views"));
  }
}
