package dev.registry.client;

import static dev.registry.client.FakeRegistry.json;
import static dev.registry.client.FakeRegistry.view;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The stage poll on the wire, and the fall-back to one long-poll per service where the registry
 * cannot answer it.
 */
class StagePollFallbackTest {
  @StartStop final MockWebServer server = new MockWebServer();
  final FakeRegistry registry = new FakeRegistry();
  RegistryClient client;

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
        .longPollWait(Duration.ofSeconds(20))
        .retryPolicy(RetryPolicy.builder().maxAttempts(2)
            .initialBackoff(Duration.ofMillis(1)).maxBackoff(Duration.ofMillis(5)).build());
  }

  List<RecordedRequest> stagePolls() {
    return registry.requests("/catalog").stream()
        .filter(r -> r.getUrl().queryParameter("index") != null).toList();
  }

  @Test
  void theStagePollNamesTheServicesAndAsksInFullFirstThenPastTheAnswersIndex() {
    registry.then("/discover", view("payment-service", 7, "p1", "http://10.0.0.1:80"));
    registry.then("/catalog", json(200, "{\"stage\":\"default\",\"index\":9,\"delta\":false,\"services\":{"
        + "\"payment-service\":{\"index\":9,\"count\":0,\"instances\":[]}}}"));
    registry.answer("/catalog", DiscoveryProtocolTest.HELD);
    client = builder().build();
    List<ServiceView> seen = new CopyOnWriteArrayList<>();

    client.watch("payment-service", seen::add);

    await().atMost(Duration.ofSeconds(5)).until(() -> stagePolls().size() == 2);
    RecordedRequest first = stagePolls().get(0);
    assertThat(first.getUrl().queryParameter("services")).isEqualTo("payment-service");
    assertThat(first.getUrl().queryParameter("stage")).isEqualTo("default");
    assertThat(first.getUrl().queryParameter("index")).isEqualTo("0");
    assertThat(first.getUrl().queryParameter("wait")).isEqualTo("20000ms");
    assertThat(stagePolls().get(1).getUrl().queryParameter("index")).isEqualTo("9");
    // The full answer listed the service with no instance: it has none now.
    assertThat(seen).extracting(ServiceView::index).containsExactly(7L, 9L);
    assertThat(client.instances("payment-service")).isEmpty();
    assertThat(registry.requests("/discover/payment-service")).hasSize(1);
  }

  @Test
  void aDeltaFromAnotherRunOfTheRegistryMakesTheNextPollAskInFull() {
    registry.then("/discover", view("payment-service", 7, "p1", "http://10.0.0.1:80"));
    registry.then("/catalog", json(200, "{\"stage\":\"default\",\"index\":40,\"delta\":false,"
        + "\"epoch\":\"run1\",\"services\":{\"payment-service\":{\"index\":40,\"instances\":[]}}}"));
    // The registry restarted between two polls and its indexes already passed 40.
    registry.then("/catalog", json(200, "{\"stage\":\"default\",\"index\":55,\"delta\":true,"
        + "\"epoch\":\"run2\",\"services\":{\"payment-service\":{\"index\":55,\"instances\":[]}}}"));
    registry.answer("/catalog", DiscoveryProtocolTest.HELD);
    client = builder().build();

    client.instances("payment-service");

    await().atMost(Duration.ofSeconds(5)).until(() -> stagePolls().size() == 3);
    assertThat(stagePolls()).extracting(r -> r.getUrl().queryParameter("index"))
        .containsExactly("0", "40", "0");
  }

  @Test
  void aRegistryThatIgnoresTheServicesListIsWatchedServiceByService() {
    // An older reference server answers its whole catalog, with no "delta".
    registry.then("/discover", view("payment-service", 7, "p1", "http://10.0.0.1:80"))
        .then("/discover", view("payment-service", 8, "p1", "http://10.0.0.1:80", "p2", "http://10.0.0.2:80"));
    registry.answer("/discover", DiscoveryProtocolTest.HELD);
    registry.answer("/catalog", json(200, "{\"stage\":\"default\",\"index\":7,\"services\":{}}"));
    client = builder().build();

    client.instances("payment-service");

    await().atMost(Duration.ofSeconds(5)).until(() -> client.instances("payment-service").size() == 2);
    assertThat(stagePolls()).hasSize(1);
    assertThat(registry.requests("/discover/payment-service").get(1).getUrl().queryParameter("index"))
        .isEqualTo("7");
  }
}
