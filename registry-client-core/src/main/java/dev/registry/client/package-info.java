/**
 * Client-side service discovery: register a service instance with a registry, keep its lease
 * alive, look other services up from a local cache kept fresh by the registry's long-poll
 * watch, and pick an instance with a {@link dev.registry.client.LoadBalancer}.
 *
 * <p>The entry point is {@link dev.registry.client.RegistryClient#builder()}. Everything in this
 * package is public API; {@code dev.registry.client.internal} is not, and
 * {@code dev.registry.client.spi} holds the seams that other modules plug into.
 */
@NullMarked
package dev.registry.client;

import org.jspecify.annotations.NullMarked;
