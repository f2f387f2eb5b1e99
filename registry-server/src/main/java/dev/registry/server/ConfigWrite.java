package dev.registry.server;

import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What one write asks of a service's configuration, at one scope, as one change: keys to set,
 * keys to delete, and declared defaults, each written only where the key has no value at that
 * scope (so that declaring never overwrites what an operator set). A key appears in one of the
 * three at most.
 *
 * @param scope where
 * @param set keys and their new values
 * @param delete keys to remove
 * @param defaults declared keys with their default values and descriptions
 */
record ConfigWrite(ConfigScope scope, Map<String, String> set, Set<String> delete, Map<String, Declared> defaults) {
  ConfigWrite {
    set = Map.copyOf(set);
    delete = Set.copyOf(delete);
    defaults = Map.copyOf(defaults);
  }

  /** A declared key: its default value and a one-line description (null for none). */
  record Declared(String value, @Nullable String description) {}
}
