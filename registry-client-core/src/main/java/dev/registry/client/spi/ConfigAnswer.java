package dev.registry.client.spi;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What a registry answered about one {@link ConfigQuery}: the resolved values, the index of
 * that configuration, and which run of the registry answered.
 *
 * @param index the registry's index of the service's configuration, 0 or more (0 for a service
 *     without any): a watch started past it misses no change; a changed index is a changed
 *     configuration
 * @param epoch which run of the registry answered (as {@link StageViews#epoch()}), or null when
 *     it does not say
 * @param values the resolved values by key (copied)
 */
public record ConfigAnswer(long index, @Nullable String epoch, Map<String, String> values) {

  /**
   * Checks the components and copies the map.
   *
   * @param index the index, 0 or more
   * @param epoch the run, or null
   * @param values the values by key
   * @throws IllegalArgumentException if the index is negative
   */
  public ConfigAnswer {
    if (index < 0) {
      throw new IllegalArgumentException("index must be >= 0: " + index);
    }
    values = Map.copyOf(requireNonNull(values, "values"));
  }
}
