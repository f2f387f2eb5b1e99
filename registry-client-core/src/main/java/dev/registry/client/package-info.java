/**
 * Client-side service discovery: register a service instance with a registry, keep its lease
 * alive, look other services up from a local cache kept fresh by the registry's watch, and
 * pick an instance with a {@link dev.registry.client.LoadBalancer}.
 *
 * <p>The entry point is {@link dev.registry.client.RegistryClient#builder()}, which builds a
 * {@link dev.registry.client.RegistryClient} (a long-running service) or an
 * {@link dev.registry.client.InlineRegistryClient} (AWS Lambda: no thread). Both answer the
 * lookups of {@link dev.registry.client.ServiceLookup}. The public types of this package are
 * the API; its package-private classes are the client's rooms (docs/architecture.md);
 * {@code dev.registry.client.spi} holds the seams other modules plug into.
 */
@NullMarked
package dev.registry.client;

import org.jspecify.annotations.NullMarked;
