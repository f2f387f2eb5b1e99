/**
 * Service provider interfaces of the client core: the seams that other modules (the Lambda
 * adapter, a future etcd backend) plug into through {@link dev.registry.client.RegistryClient.Builder}.
 */
@NullMarked
package dev.registry.client.spi;

import org.jspecify.annotations.NullMarked;
