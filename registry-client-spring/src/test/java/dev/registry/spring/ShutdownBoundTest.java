package dev.registry.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.registry.client.RegistryClient;
import dev.registry.client.RetryPolicy;
import dev.registry.client.spi.HttpTransport;
import dev.registry.client.spi.TransportRequest;
import dev.registry.client.spi.TransportResponse;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A registry that stops answering at shutdown cannot hold the application's stop. */
class ShutdownBoundTest {
  final Registry registry = new Registry();
  final StallingTransport transport = new StallingTransport();
  final RegistryClient client = RegistryClient.builder().registryUrls(registry.url())
      .transport(transport).shutdownHook(false)
      .deregisterTimeout(Duration.ofMillis(300))
      .requestTimeout(Duration.ofSeconds(4))
      .retryPolicy(RetryPolicy.builder().maxAttempts(3).initialBackoff(Duration.ofMillis(10))
          .maxBackoff(Duration.ofMillis(20)).build())
      .build();

  @AfterEach
  void tearDown() {
    transport.release();
    client.close();
    registry.close();
  }

  /**
   * The real wire until {@link #stall()}; then no call is answered: each times out after its
   * request timeout, as the transport contract says (a registry that accepts and never answers).
   */
  static final class StallingTransport implements HttpTransport {
    private final HttpClient http = HttpClient.newHttpClient();
    private final List<CompletableFuture<TransportResponse>> held = new CopyOnWriteArrayList<>();
    private volatile boolean stalled;

    void stall() {
      stalled = true;
    }

    void release() {
      stalled = false;
      held.forEach(f -> f.completeExceptionally(new java.io.IOException("released")));
    }

    @Override
    public CompletableFuture<TransportResponse> sendAsync(TransportRequest request) {
      if (stalled) {
        CompletableFuture<TransportResponse> never = new CompletableFuture<>();
        held.add(never);
        return never.orTimeout(request.timeout().toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
      }
      HttpRequest.Builder builder = HttpRequest.newBuilder(request.uri()).timeout(request.timeout());
      builder.method(request.method(), request.body() == null
          ? HttpRequest.BodyPublishers.noBody()
          : HttpRequest.BodyPublishers.ofString(request.body()));
      if (request.body() != null) {
        builder.header("Content-Type", "application/json");
      }
      return http.sendAsync(builder.build(), HttpResponse.BodyHandlers.ofString())
          .thenApply(r -> new TransportResponse(r.statusCode(), r.body()));
    }
  }

  @Test
  void stopGoesAheadWhenTheOutOfServiceCallHangs() {
    RegistryServiceRegistry serviceRegistry = new RegistryServiceRegistry(client);
    RegistryRegistration me = new RegistryRegistration("greeting-service", "greeting-1",
        "default", "127.0.0.1", Map.of());
    RegistryAutoRegistration auto = new RegistryAutoRegistration(serviceRegistry, me,
        port -> URI.create("http://127.0.0.1:" + port), URI.create("http://127.0.0.1"),
        Duration.ZERO, Duration.ofMillis(300));
    auto.start();
    auto.webServerStarted(9001);
    assertThat(registry.statuses("greeting-service")).containsExactly(Map.entry("greeting-1", "STARTING"));

    transport.stall();
    // Unbounded, the OUT_OF_SERVICE call alone would take its 3 attempts of 4 s each; with the
    // bound, it is given up after 300 ms, and the deregistration has its own 300 ms.
    assertTimeoutPreemptively(Duration.ofSeconds(6), () -> auto.stop());
    assertThat(auto.isRunning()).isFalse();
    assertThat(auto.registeredStatus()).isNull();
    // Once stopped, nothing registers it again.
    auto.webServerStarted(9001);
    assertThat(auto.registeredStatus()).isNull();
  }
}
