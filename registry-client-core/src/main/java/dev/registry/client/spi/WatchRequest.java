package dev.registry.client.spi;

import static java.util.Objects.requireNonNull;

import java.util.Set;

/**
 * What {@link RegistryBackend#watch} is asked to watch: services of one stage, from a position.
 *
 * @param stage the stage
 * @param services the services, one or more (copied)
 * @param since the index past which changes are wanted: 0 asks for every service's view in
 *     full first; otherwise an index of an earlier {@link StageViews} of this registry, or of a
 *     view it answered, and the watch answers what changed past it
 */
public record WatchRequest(String stage, Set<String> services, long since) {

  /**
   * Checks the components and copies the set.
   *
   * @param stage the stage
   * @param services the services, one or more
   * @param since the index past which changes are wanted, 0 or more
   * @throws IllegalArgumentException if there is no service or the index is negative
   */
  public WatchRequest {
    requireNonNull(stage, "stage");
    services = Set.copyOf(requireNonNull(services, "services"));
    if (services.isEmpty()) {
      throw new IllegalArgumentException("services must not be empty");
    }
    if (since < 0) {
      throw new IllegalArgumentException("since must be >= 0: " + since);
    }
  }
}
