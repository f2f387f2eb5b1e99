package dev.registry.client;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * A change of a service's configuration, as a {@link ConfigListener} hears it: the view before
 * (none at the subscription), the view after, and the keys whose values differ (added, changed
 * or removed; none when only the stale flag or the index moved).
 */
public final class ConfigChange {
  private final @Nullable ConfigView previous;
  private final ConfigView current;
  private final Set<String> changedKeys;

  /**
   * A change from {@code previous} to {@code current}.
   *
   * @param previous the view before, or null for none (every key of {@code current} changed)
   * @param current the view after
   */
  public ConfigChange(@Nullable ConfigView previous, ConfigView current) {
    this.previous = previous;
    this.current = requireNonNull(current, "current");
    Set<String> keys = new TreeSet<>(current.asMap().keySet());
    if (previous != null) {
      keys.addAll(previous.asMap().keySet());
      keys.removeIf(k -> previous.asMap().get(k) != null && previous.asMap().get(k).equals(current.asMap().get(k)));
    }
    this.changedKeys = Collections.unmodifiableSet(keys);
  }

  /**
   * Returns the view before the change.
   *
   * @return the view, or empty at the subscription
   */
  public Optional<ConfigView> previous() {
    return Optional.ofNullable(previous);
  }

  /**
   * Returns the view after the change: what {@link ServiceLookup#config(String)} answers now.
   *
   * @return the view
   */
  public ConfigView current() {
    return current;
  }

  /**
   * Returns the keys whose values differ between the two views.
   *
   * @return the keys, sorted (immutable)
   */
  public Set<String> changedKeys() {
    return changedKeys;
  }

  @Override
  public String toString() {
    return "ConfigChange{" + (previous == null ? "none" : previous.index()) + " -> " + current.index()
        + ", changed " + changedKeys + "}";
  }
}
