package dev.registry.client;

import static dev.registry.client.FakeRegistry.json;
import static dev.registry.client.FakeRegistry.view;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The wire of discovery and the long-poll watch, against MockWebServer. */
class DiscoveryProtocolTest {
  @StartStop final MockWebServer server = new MockWebServer();
  final FakeRegistry registry = new FakeRegistry();
  final FakeClock clock = new FakeClock();
  RegistryClient client;

  /** Long-polls wait for a scripted answer; without one, they are held like on a server. */
  static final MockResponse HELD = new MockResponse.Builder()
      .headersDelay(30, TimeUnit.SECONDS).body("{}").build();

  @BeforeEach
  void setUp() {
    server.setDispatcher(registry);
  }

  @AfterEach
  void tearDown() {
    if (client != null) {
      client.close();
    }
  }

  RegistryClient.Builder builder() {
    return RegistryClient.builder()
        .registryUrls(server.url("/").toString())
        .shutdownHook(false)
        .clock(clock)
        .longPollWait(Duration.ofSeconds(20))
        .retryPolicy(RetryPolicy.builder().maxAttempts(2)
            .initialBackoff(Duration.ofMillis(1)).maxBackoff(Duration.ofMillis(5)).build());
  }

  List<RecordedRequest> longPolls() {
    return registry.requests("/discover/payment-service").stream()
        .filter(r -> r.getUrl().queryParameter("index") != null).toList();
  }

  @Test
  void theFirstLookupFetchesTheServiceAndLaterOnesAreCacheHits() {
    registry.then("/discover", view("payment-service", 7,
        "p1", "http://10.0.0.1:80", "p2", "http://10.0.0.2:80"));
    registry.answer("/discover", HELD);
    client = builder().stage("production").build();

    assertThat(client.instances("payment-service")).extracting(ServiceInstance::id)
        .containsExactly("p1", "p2");
    client.choose("payment-service");
    client.choose("payment-service");

    RecordedRequest first = registry.requests("/discover/payment-service").get(0);
    assertThat(first.getMethod()).isEqualTo("GET");
    assertThat(first.getUrl().queryParameter("stage")).isEqualTo("production");
    assertThat(first.getUrl().queryParameter("index")).isNull();
    assertThat(client.stats().lookups()).isEqualTo(3);
    assertThat(client.stats().cacheHits()).isEqualTo(2);
  }

  @Test
  void chooseGoesRoundRobinOverUpInstancesOnly() {
    registry.then("/discover", json(200, "{\"service\":\"payment-service\",\"stage\":\"default\","
        + "\"index\":3,\"instances\":["
        + "{\"id\":\"a\",\"address\":\"http://a:1\",\"status\":\"UP\"},"
        + "{\"id\":\"b\",\"address\":\"http://b:1\",\"status\":\"DOWN\"},"
        + "{\"id\":\"c\",\"address\":\"http://c:1\",\"status\":\"UP\",\"metadata\":{\"k\":\"v\"}},"
        + "{\"id\":\"d\",\"address\":\"http://d:1\",\"status\":\"OUT_OF_SERVICE\"}]}"));
    registry.answer("/discover", HELD);
    client = builder().build();

    List<String> chosen = new java.util.ArrayList<>();
    for (int i = 0; i < 4; i++) {
      chosen.add(client.choose("payment-service").id());
    }

    assertThat(chosen).containsExactly("a", "c", "a", "c");
    assertThat(client.instances("payment-service")).hasSize(4);
    assertThat(client.instances("payment-service").get(2).metadata("k")).contains("v");
  }

  @Test
  void anUnknownServiceHasNoInstanceAndChooseThrowsATypedException() {
    registry.then("/discover", json(404, "{\"service\":\"payment-service\",\"stage\":\"default\","
        + "\"instances\":[],\"count\":0,\"index\":4,\"error\":\"unknown_service\","
        + "\"message\":\"Service payment-service not found\"}"));
    registry.answer("/discover", HELD);
    client = builder().build();

    assertThat(client.instances("payment-service")).isEmpty();
    assertThatThrownBy(() -> client.choose("payment-service"))
        .isInstanceOfSatisfying(NoInstanceAvailableException.class, e -> {
          assertThat(e.service()).isEqualTo("payment-service");
          assertThat(e.stage()).isEqualTo("default");
        });
  }

  @Test
  void aLookupThatCannotReachTheRegistryThrowsWhenNothingIsCached() {
    registry.answer("/discover", json(503, "{}"));
    client = builder().build();

    assertThatThrownBy(() -> client.choose("payment-service"))
        .isInstanceOf(RegistryUnavailableException.class);
    assertThat(registry.requests("/discover/payment-service")).hasSize(2);
  }

  @Test
  void theLongPollCarriesTheIndexAndTheWaitAndItsAnswerReachesWatchers() {
    registry.then("/discover", view("payment-service", 7, "p1", "http://10.0.0.1:80"));
    registry.answer("/discover", HELD);
    client = builder().build();
    List<ServiceView> seen = new CopyOnWriteArrayList<>();

    client.watch("payment-service", seen::add);
    await().atMost(Duration.ofSeconds(5)).until(() -> longPolls().size() == 1);
    RecordedRequest poll = longPolls().get(0);
    assertThat(poll.getUrl().queryParameter("index")).isEqualTo("7");
    assertThat(poll.getUrl().queryParameter("wait")).isEqualTo("20000ms");
    assertThat(poll.getUrl().queryParameter("stage")).isEqualTo("default");

    assertThat(seen).hasSize(1);
    assertThat(seen.get(0).index()).isEqualTo(7);
  }

  @Test
  void aLongPollAnswerWithANewIndexReplacesTheViewAndTheNextPollUsesIt() {
    registry.then("/discover", view("payment-service", 7, "p1", "http://10.0.0.1:80"))
        .then("/discover", view("payment-service", 8,
            "p1", "http://10.0.0.1:80", "p2", "http://10.0.0.2:80"));
    registry.answer("/discover", HELD);
    client = builder().build();
    List<ServiceView> seen = new CopyOnWriteArrayList<>();

    client.watch("payment-service", seen::add);

    await().atMost(Duration.ofSeconds(5)).until(() -> longPolls().size() == 2);
    assertThat(longPolls().get(1).getUrl().queryParameter("index")).isEqualTo("8");
    assertThat(seen).extracting(ServiceView::index).containsExactly(7L, 8L);
    assertThat(client.instances("payment-service")).hasSize(2);
  }

  @Test
  void whenTheLongPollFailsTheLastViewIsServedMarkedStaleAndFreshWhenItComesBack() {
    registry.then("/discover", view("payment-service", 7, "p1", "http://10.0.0.1:80"))
        .then("/discover", json(503, "{}"))
        .then("/discover", json(503, "{}"))
        .then("/discover", view("payment-service", 7, "p1", "http://10.0.0.1:80"));
    registry.answer("/discover", HELD);
    List<String> health = new CopyOnWriteArrayList<>();
    client = builder().eventListener(new EventListener() {
      @Override
      public void registryUnavailable(RegistryException cause) {
        health.add("down");
      }

      @Override
      public void registryAvailable() {
        health.add("up");
      }
    }).build();
    List<ServiceView> seen = new CopyOnWriteArrayList<>();

    client.watch("payment-service", seen::add);

    await().atMost(Duration.ofSeconds(5)).until(() -> longPolls().size() >= 4);
    assertThat(seen).extracting(ServiceView::stale).containsExactly(false, true, false);
    assertThat(client.choose("payment-service").id()).isEqualTo("p1");
    assertThat(health).containsExactly("down", "up");
  }

  @Test
  void manyWatchesHoldTheirLongPollsAtOnce() {
    for (int i = 0; i < 8; i++) {
      registry.then("/discover/svc-" + i, view("svc-" + i, 1, "x", "http://10.0.0.1:80"));
    }
    registry.answer("/discover", HELD);
    client = builder().build();

    for (int i = 0; i < 8; i++) {
      client.watch("svc-" + i, view -> { });
    }

    // This registry has no catalog route, so after one stage poll each service polls on its own.
    await().atMost(Duration.ofSeconds(5)).until(() -> registry.requests.stream()
        .filter(r -> r.getUrl().encodedPath().startsWith("/discover/"))
        .filter(r -> r.getUrl().queryParameter("index") != null).count() == 8);
    assertThat(registry.requests("/catalog")).isNotEmpty();
  }
}
