package dev.registry.server;

import org.jspecify.annotations.Nullable;

/**
 * One configuration entry of a service: a key's value at one scope.
 *
 * @param scope where it applies
 * @param key the key
 * @param value the value
 * @param description what the key is for, as the service that declared it said; null when it
 *     was never declared
 * @param index the configuration index of the change that wrote it
 * @param updatedAtMillis when that change was made (epoch milliseconds)
 */
record ConfigEntry(ConfigScope scope, String key, String value, @Nullable String description, long index,
    long updatedAtMillis) {}
