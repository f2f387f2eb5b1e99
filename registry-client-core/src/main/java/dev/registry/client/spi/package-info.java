/**
 * The seams other modules plug into. A registry backend ({@link
 * dev.registry.client.spi.RegistryBackend}, made by a {@link
 * dev.registry.client.spi.RegistryBackendProvider} that {@link java.util.ServiceLoader} finds
 * by the registry URLs' scheme) speaks to one kind of registry; it gets a {@link
 * dev.registry.client.spi.BackendContext} with the client's settings and {@link
 * dev.registry.client.spi.HttpTransport}, and may read and write JSON with {@link
 * dev.registry.client.spi.Json} and {@link dev.registry.client.spi.JsonViews}. A transport
 * plugs into the client builder. docs/architecture.md describes the contract as a whole.
 */
@NullMarked
package dev.registry.client.spi;

import org.jspecify.annotations.NullMarked;
