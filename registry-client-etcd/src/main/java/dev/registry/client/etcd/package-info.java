/**
 * The etcd backend: the client's public API on an etcd v3 cluster, through etcd's JSON gateway
 * ({@code /v3/*}) over the client's own HTTP transport. Found by {@link java.util.ServiceLoader}
 * for {@code etcd://} and {@code etcds://} registry URLs; nothing here is called directly.
 * docs/etcd.md describes the keyspace and docs/architecture.md why the JSON gateway.
 */
@NullMarked
package dev.registry.client.etcd;

import org.jspecify.annotations.NullMarked;
