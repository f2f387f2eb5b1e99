/**
 * The reference server's backend: its HTTP wire (docs/api.md) behind the
 * {@link dev.registry.client.spi.RegistryBackend} SPI, for {@code http} and {@code https}
 * registry URLs. Nothing in the public API or the SPI refers to this package; the client finds
 * {@link dev.registry.client.internal.HttpBackendProvider} through {@link java.util.ServiceLoader},
 * like any backend. Not API: it may change in any release.
 */
@NullMarked
package dev.registry.client.internal;

import org.jspecify.annotations.NullMarked;
