package dev.registry.client;

import static dev.registry.client.FakeRegistry.json;
import static dev.registry.client.FakeRegistry.view;
import static org.assertj.core.api.Assertions.assertThat;

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
 * The inline client, the Lambda adapter's: no thread, no long-poll; due work runs on the
 * caller's thread, driven here by a fake clock.
 */
class InlineModeTest {
  /** Time enough for any due work here: the work, not the budget, is under test. */
  static final Duration BUDGET = Duration.ofSeconds(30);

  @StartStop final MockWebServer server = new MockWebServer();
  final FakeRegistry registry = new FakeRegistry();
  final FakeClock clock = new FakeClock();
  InlineRegistryClient client;

  final ServiceInstance instance = ServiceInstance.builder("payment-service")
      .id("payment-1").address(URI.create("http://10.0.0.5:8080")).build();

  @BeforeEach
  void setUp() {
    server.setDispatcher(registry);
    client = RegistryClient.builder()
        .registryUrls(server.url("/").toString())
        .clock(clock)
        .leaseTtl(Duration.ofSeconds(15))
        .heartbeatInterval(Duration.ofSeconds(5))
        .refreshInterval(Duration.ofSeconds(30))
        .requestTimeout(Duration.ofMillis(500))
        .retryPolicy(RetryPolicy.builder().maxAttempts(2)
            .initialBackoff(Duration.ofMillis(1)).maxBackoff(Duration.ofMillis(5)).build())
        .buildInline();
  }

  @AfterEach
  void tearDown() {
    client.close();
  }

  static boolean clientThreadsRunning() {
    return Thread.getAllStackTraces().keySet().stream()
        .anyMatch(t -> t.getName().startsWith("registry-client"));
  }

  @Test
  void noThreadIsStartedAndNoLongPollIsHeld() {
    registry.answer("/discover", view("payment-service", 3, "p1", "http://10.0.0.1:80"));

    client.register(instance);
    client.choose("payment-service");
    client.runDueWork(BUDGET);

    assertThat(clientThreadsRunning()).isFalse();
    assertThat(registry.requests).noneMatch(r -> r.getUrl().queryParameter("index") != null);
  }

  @Test
  void runDueWorkRenewsALeaseOnlyOnceItsIntervalHasPassed() {
    client.register(instance);

    clock.advance(Duration.ofSeconds(4));
    client.runDueWork(BUDGET);
    assertThat(registry.requests("/heartbeat")).isEmpty();

    clock.advance(Duration.ofSeconds(1));
    client.runDueWork(BUDGET);
    client.runDueWork(BUDGET);
    assertThat(registry.requests("/heartbeat")).hasSize(1);
    assertThat(client.stats().heartbeatsSent()).isEqualTo(1);
  }

  @Test
  void runDueWorkRegistersAgainWhenTheRegistryForgotTheInstance() {
    registry.then("/heartbeat", FakeRegistry.unknownInstance());
    client.register(instance);

    clock.advance(Duration.ofSeconds(5));
    client.runDueWork(BUDGET);

    assertThat(registry.requests("/register")).hasSize(2);
    assertThat(client.stats().reRegistrations()).isEqualTo(1);
  }

  @Test
  void aLookupOfAViewOlderThanTheRefreshIntervalRefreshesItInline() {
    registry.then("/discover", view("payment-service", 3, "p1", "http://10.0.0.1:80"))
        .then("/discover", view("payment-service", 4, "p2", "http://10.0.0.2:80"));
    assertThat(client.choose("payment-service").id()).isEqualTo("p1");

    clock.advance(Duration.ofSeconds(29));
    assertThat(client.choose("payment-service").id()).isEqualTo("p1");
    clock.advance(Duration.ofSeconds(1));
    assertThat(client.choose("payment-service").id()).isEqualTo("p2");

    assertThat(registry.requests("/discover/payment-service")).hasSize(2);
    assertThat(client.stats().refreshes()).isEqualTo(2);
  }

  @Test
  void aFailedInlineRefreshServesTheStaleViewWithinTheRequestTimeout() {
    registry.then("/discover", view("payment-service", 3, "p1", "http://10.0.0.1:80"))
        .answer("/discover", new MockResponse.Builder()
            .headersDelay(10, TimeUnit.SECONDS).body("{}").build());
    client.choose("payment-service");

    clock.advance(Duration.ofSeconds(31));
    long start = System.nanoTime();
    ServiceInstance chosen = client.choose("payment-service");

    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
    assertThat(chosen.id()).isEqualTo("p1");
    assertThat(client.inStage("default").view("payment-service").stale()).isTrue();
    // The next lookup does not wait again: the refresh is due only after another interval.
    long again = System.nanoTime();
    client.choose("payment-service");
    assertThat(Duration.ofNanos(System.nanoTime() - again)).isLessThan(Duration.ofMillis(200));
  }

  @Test
  void runDueWorkRefreshesViewsThatAreDue() {
    registry.then("/discover", view("payment-service", 3, "p1", "http://10.0.0.1:80"))
        .answer("/discover", json(200, "{\"service\":\"payment-service\",\"stage\":\"default\","
            + "\"index\":9,\"instances\":[]}"));
    client.instances("payment-service");

    clock.advance(Duration.ofSeconds(30));
    client.runDueWork(BUDGET);

    assertThat(client.inStage("default").view("payment-service").index()).isEqualTo(9);
  }

  @Test
  void aServiceNotLookedUpForTheIdleTimeoutIsFetchedAgain() {
    registry.answer("/discover", view("payment-service", 3, "p1", "http://10.0.0.1:80"));
    InlineRegistryClient idle = RegistryClient.builder()
        .registryUrls(server.url("/").toString())
        .clock(clock)
        .refreshInterval(Duration.ofMinutes(30)).idleTimeout(Duration.ofMinutes(31))
        .buildInline();
    try (idle) {
      idle.choose("payment-service");
      clock.advance(Duration.ofMinutes(20));
      idle.choose("payment-service");
      assertThat(registry.requests("/discover/payment-service")).hasSize(1);

      clock.advance(Duration.ofMinutes(32));
      idle.runDueWork(BUDGET);
      idle.choose("payment-service");
      assertThat(registry.requests("/discover/payment-service")).hasSize(2);
    }
  }
}
