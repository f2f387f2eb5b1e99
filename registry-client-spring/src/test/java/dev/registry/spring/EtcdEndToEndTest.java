package dev.registry.spring;

/**
 * {@link EndToEndTest} on a real etcd member ({@code registry.urls=etcd://...}): the same
 * application, the same {@code @LoadBalanced} callers, the same assertions.
 */
@EndToEndTest.OnEtcd
class EtcdEndToEndTest extends EndToEndTest {}
