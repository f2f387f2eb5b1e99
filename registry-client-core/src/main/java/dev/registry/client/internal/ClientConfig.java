package dev.registry.client.internal;

import dev.registry.client.EventListener;
import dev.registry.client.LoadBalancer;
import dev.registry.client.RetryPolicy;
import dev.registry.client.spi.HttpTransport;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import org.jspecify.annotations.Nullable;

/**
 * The checked options of a client, as the builder hands them over.
 *
 * @param okHttpClient an {@code okhttp3.OkHttpClient}, typed Object so that nothing loads
 *     OkHttp before the first request
 * @param token the registry's shared token, sent as {@code Authorization: Bearer}, or null
 * @param ejectAfter consecutive reported failures after which an instance is skipped
 * @param ejectionTime how long an ejected instance is skipped
 * @param snapshotFile where the last good views are kept for a cold start, or null (off)
 * @param snapshotMaxAge how long ago the registry may have last confirmed a saved view for a
 *     cold start to serve it
 * @param trustedCertificates the certificates https registry URLs must chain to; empty for the
 *     JVM's default trust store
 */
public record ClientConfig(
    List<URI> registryUrls,
    String stage,
    long leaseTtlSeconds,
    Duration heartbeatInterval,
    Duration refreshInterval,
    Duration idleTimeout,
    Duration longPollWait,
    Duration requestTimeout,
    Duration deregisterTimeout,
    RetryPolicy retryPolicy,
    Clock clock,
    @Nullable ScheduledExecutorService scheduler,
    EventListener eventListener,
    LoadBalancer loadBalancer,
    boolean shutdownHook,
    boolean backgroundRefresh,
    @Nullable HttpTransport transport,
    @Nullable Object okHttpClient,
    @Nullable String token,
    int ejectAfter,
    Duration ejectionTime,
    java.nio.file.@Nullable Path snapshotFile,
    Duration snapshotMaxAge,
    List<java.security.cert.X509Certificate> trustedCertificates) {

  /** Never shows the token. */
  @Override
  public String toString() {
    return "ClientConfig[" + registryUrls + ", stage=" + stage + ", token=" + (token == null ? "none" : "***") + "]";
  }
}
