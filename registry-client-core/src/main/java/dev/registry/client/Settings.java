package dev.registry.client;

import dev.registry.client.spi.HttpTransport;
import dev.registry.client.spi.RegistryBackendProvider;
import java.net.URI;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import org.jspecify.annotations.Nullable;

/**
 * A client's checked options, as {@link RegistryClient.Builder} hands them over; see the
 * builder's setters for each. Immutable.
 *
 * @param backend the provider of the registry URLs' scheme
 * @param okHttpClient an {@code okhttp3.OkHttpClient}, typed Object so that nothing loads
 *     OkHttp before the first request
 * @param token the registry's shared token, or null; never shown
 * @param snapshotFile where the last good views are kept for a cold start, or null (off)
 * @param trustedCertificates what https registry URLs must chain to; empty for the JVM's store
 * @param region the region configuration is read for, or null for none
 * @param client the client (tenant) configuration is read for, or null for none
 * @param maxAnswerBytes the largest answer (and snapshot file) read, in bytes
 * @param maxInstancesPerView the most instances a view may hold
 * @param allowLinkLocalAddresses whether instances at link-local and metadata addresses are kept
 */
record Settings(
    List<URI> registryUrls,
    RegistryBackendProvider backend,
    String stage,
    Duration leaseTtl,
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
    @Nullable HttpTransport transport,
    @Nullable Object okHttpClient,
    @Nullable String token,
    int ejectAfter,
    Duration ejectionTime,
    @Nullable Path snapshotFile,
    Duration snapshotMaxAge,
    List<X509Certificate> trustedCertificates,
    @Nullable String region,
    @Nullable String client,
    long maxAnswerBytes,
    int maxInstancesPerView,
    boolean allowLinkLocalAddresses) {

  /**
   * Checks the options against each other, as the builder's build methods promise, and rounds
   * the lease up to whole seconds (the registry takes seconds).
   *
   * @throws IllegalStateException if they conflict; the message names them
   */
  Settings {
    if (heartbeatInterval.compareTo(leaseTtl) >= 0) {
      throw new IllegalStateException("heartbeatInterval (" + heartbeatInterval
          + ") must be shorter than leaseTtl (" + leaseTtl + ")");
    }
    if (idleTimeout.compareTo(refreshInterval) <= 0) {
      throw new IllegalStateException("idleTimeout (" + idleTimeout
          + ") must be longer than refreshInterval (" + refreshInterval + ")");
    }
    if (transport != null && !trustedCertificates.isEmpty()) {
      throw new IllegalStateException("transport and trustedCertificates cannot both be set:"
          + " trustedCertificates configures the default transports, not " + transport);
    }
    if (transport != null && okHttpClient != null) {
      throw new IllegalStateException(
          "transport and okHttpClient cannot both be set: okHttpClient configures the default"
              + " transport");
    }
    leaseTtl = Duration.ofSeconds((leaseTtl.toMillis() + 999) / 1000);
  }

  /** Never shows the token. */
  @Override
  public String toString() {
    return "Settings[" + registryUrls + ", stage=" + stage + ", token=" + (token == null ? "none" : "***") + "]";
  }
}
