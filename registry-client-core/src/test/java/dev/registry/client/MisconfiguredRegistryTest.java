package dev.registry.client;

import static dev.registry.client.FakeRegistry.json;
import static dev.registry.client.FakeRegistry.view;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What a newcomer's first mistakes look like: a registry URL with a wrong path, a registry that
 * is down before anything was cached, and the log lines of an outage.
 */
class MisconfiguredRegistryTest {
  @StartStop final MockWebServer server = new MockWebServer();
  final FakeRegistry registry = new FakeRegistry();
  final LogLines log = new LogLines();
  RegistryClient client;

  final ServiceInstance instance = ServiceInstance.builder("payment-service").id("payment-1")
      .address(URI.create("http://10.0.0.5:8080")).build();

  @BeforeEach
  void setUp() {
    server.setDispatcher(registry);
  }

  @AfterEach
  void tearDown() {
    if (client != null) {
      client.close();
    }
    log.close();
  }

  RegistryClient.Builder builder(String url) {
    return RegistryClient.builder().registryUrls(url).shutdownHook(false)
        .retryPolicy(RetryPolicy.builder().maxAttempts(4)
            .initialBackoff(Duration.ofMillis(1)).maxBackoff(Duration.ofMillis(5)).build());
  }

  @Test
  void aUrlWhoseRoutesDoNotExistFailsAtOnceSayingItIsNotARegistry() {
    String wrong = server.url("/api/v1").toString();
    client = builder(wrong).build();

    assertThatThrownBy(() -> client.register(instance))
        .isInstanceOf(RegistryRejectedException.class)
        .hasMessageStartingWith(wrong + " is not a registry: POST " + wrong + "/register answered 404 not_found")
        .hasMessageContaining("; check the registry URL (request_id=")
        .satisfies(e -> assertThat(((RegistryRejectedException) e).errorCode()).isEqualTo("not_found"));
    assertThatThrownBy(() -> client.choose("user-service"))
        .isInstanceOf(RegistryRejectedException.class)
        .hasMessageContaining(wrong + " is not a registry: GET " + wrong + "/discover/user-service");

    // Not retried, and not an outage: no "serving cached views".
    assertThat(registry.requests).hasSize(2);
    assertThat(log.containing("Registry unreachable")).isEmpty();
  }

  @Test
  void anotherWebServerAnswering404WithoutARegistrysErrorIsNotARegistryEither() {
    registry.answer("/register", new MockResponse.Builder().code(404)
        .addHeader("Content-Type", "text/html").body("<h1>Not Found</h1>").build());
    client = builder(server.url("/").toString()).build();

    assertThatThrownBy(() -> client.register(instance))
        .isInstanceOf(RegistryRejectedException.class)
        .hasMessageContaining("is not a registry")
        .hasMessageContaining("answered 404 without a registry's error");
    assertThat(registry.requests).hasSize(1);
  }

  @Test
  void aRegistryDownAtTheFirstRegistrationSaysNothingIsCachedRatherThanServingCachedViews()
      throws IOException {
    int closed;
    try (ServerSocket socket = new ServerSocket(0)) {
      closed = socket.getLocalPort();
    }
    client = builder("http://127.0.0.1:" + closed).build();

    assertThatThrownBy(() -> client.register(instance))
        .isInstanceOf(RegistryUnavailableException.class);

    assertThat(log.containing("Registry unreachable")).singleElement().asString()
        .contains("nothing is cached yet", "http://127.0.0.1:" + closed + "/register")
        .doesNotContain("serving cached views");
  }

  @Test
  void anOutageOfAWatchedServiceIsOneWarningAndItsEndOneInfoLineNamingTheRegistry() {
    registry.then("/discover", view("payment-service", 7, "p1", "http://10.0.0.1:80"));
    for (int i = 0; i < 3; i++) {
      registry.then("/discover", json(503, "{}"));
    }
    registry.then("/discover", view("payment-service", 7, "p1", "http://10.0.0.1:80"));
    registry.answer("/discover", new MockResponse.Builder()
        .headersDelay(30, TimeUnit.SECONDS).body("{}").build());
    String url = server.url("/").toString();
    client = builder(url).build();

    client.choose("payment-service");

    await().atMost(Duration.ofSeconds(10)).until(() -> !log.containing("reachable again").isEmpty());
    assertThat(log.containing("Registry unreachable")).singleElement().asString()
        .contains("serving cached views until it is back");
    assertThat(log.containing("Registry reachable again")).singleElement().asString()
        .contains("INFO", url.substring(0, url.length() - 1));
  }
}
