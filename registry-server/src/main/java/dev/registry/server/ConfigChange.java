package dev.registry.server;

import org.jspecify.annotations.Nullable;

/**
 * One key changed by one write, as the history keeps it.
 *
 * @param index the configuration index the write took (every key of one write shares it)
 * @param atMillis when (epoch milliseconds)
 * @param scope where
 * @param key which key
 * @param oldValue the value before, null when the key had none at that scope
 * @param newValue the value after, null when the write deleted it
 * @param description the entry's description after the change (kept with the entry), or null
 * @param by who wrote it: {@code operator}, {@code service} (the shared token) or {@code anyone}
 *     (a registry without a token)
 */
record ConfigChange(long index, long atMillis, ConfigScope scope, String key, @Nullable String oldValue,
    @Nullable String newValue, @Nullable String description, String by) {}
