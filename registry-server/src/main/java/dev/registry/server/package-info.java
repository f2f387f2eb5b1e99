/**
 * The bundled reference registry server: an in-memory service registry with TTL leases and a
 * long-poll watch, speaking the REST API documented in {@code docs/api.md}.
 *
 * <p>The public API is {@link dev.registry.server.RegistryServer} (embedding) and {@link
 * dev.registry.server.Main} (the runnable jar); everything else in this package is internal.
 */
@NullMarked
package dev.registry.server;

import org.jspecify.annotations.NullMarked;
