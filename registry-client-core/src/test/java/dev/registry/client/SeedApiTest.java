package dev.registry.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The client against a registry that speaks only the plain seed API ({@link SeedRegistry}): no
 * ids, stages, indexes, long-polls, catalog, leases or secrets. Everything through the public API.
 */
class SeedApiTest {
  @StartStop final MockWebServer server = new MockWebServer();
  final SeedRegistry seed = new SeedRegistry();
  final List<RegistryClient> clients = new ArrayList<>();

  @BeforeEach
  void setUp() {
    server.setDispatcher(seed);
  }

  @AfterEach
  void tearDown() {
    clients.forEach(RegistryClient::close);
  }

  RegistryClient client() {
    RegistryClient client = RegistryClient.builder()
        .registryUrls(server.url("/").toString())
        .shutdownHook(false)
        .heartbeatInterval(Duration.ofMillis(100))
        .refreshInterval(Duration.ofMillis(200))
        .retryPolicy(RetryPolicy.builder().maxAttempts(2)
            .initialBackoff(Duration.ofMillis(1)).maxBackoff(Duration.ofMillis(5)).build())
        .build();
    clients.add(client);
    return client;
  }

  static ServiceInstance instance(String service, int port) {
    return ServiceInstance.builder(service).address(URI.create("http://127.0.0.1:" + port)).build();
  }

  List<RecordedRequest> heartbeatsOf(String address) {
    return seed.requests("/heartbeat").stream()
        .filter(r -> address.equals(SeedRegistry.body(r).get("address"))).toList();
  }

  @Test
  void instancesRegisterAndHeartbeatByServiceAndAddress() {
    RegistryClient owner = client();

    Registration one = owner.register(instance("payment-service", 8001));
    owner.register(instance("payment-service", 8002));

    assertThat(seed.addresses("payment-service")).containsExactly("http://127.0.0.1:8001", "http://127.0.0.1:8002");
    // Longer than two heartbeat intervals, every heartbeat accepted.
    await().atMost(Duration.ofSeconds(10)).until(() -> heartbeatsOf("http://127.0.0.1:8001").size() >= 3
        && heartbeatsOf("http://127.0.0.1:8002").size() >= 3);
    assertThat(owner.stats().heartbeatsFailed()).isZero();
    assertThat(owner.stats().reRegistrations()).isZero();
    Map<?, ?> heartbeat = SeedRegistry.body(heartbeatsOf("http://127.0.0.1:8001").get(0));
    assertThat(heartbeat.get("service")).isEqualTo("payment-service");
    assertThat(heartbeat.get("id")).isEqualTo(one.instance().id());
  }

  @Test
  void instancesWithoutIdAreIdentifiedByTheirAddressAndChosenInTurn() {
    RegistryClient owner = client();
    owner.register(instance("payment-service", 8001));
    owner.register(instance("payment-service", 8002));
    RegistryClient caller = client();

    List<String> chosen = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      chosen.add(caller.choose("payment-service").address().toString());
    }

    assertThat(chosen).containsExactlyInAnyOrder("http://127.0.0.1:8001", "http://127.0.0.1:8002",
        "http://127.0.0.1:8001", "http://127.0.0.1:8002");
    assertThat(chosen.get(0)).isNotEqualTo(chosen.get(1));
    assertThat(chosen.get(2)).isEqualTo(chosen.get(0));
    assertThat(caller.instances("payment-service")).extracting(ServiceInstance::id)
        .containsExactly("http:127.0.0.1:8001", "http:127.0.0.1:8002");
  }

  @Test
  void aServiceTheSeedDoesNotKnowHasNoInstance() {
    RegistryClient caller = client();

    assertThat(caller.instances("nobody")).isEmpty();
    assertThatThrownBy(() -> caller.choose("nobody")).isInstanceOf(NoInstanceAvailableException.class);
  }

  @Test
  void aDeregistrationIsSeenByASecondClientThatPollsEveryRefreshInterval() {
    RegistryClient owner = client();
    owner.register(instance("payment-service", 8001));
    Registration leaving = owner.register(instance("payment-service", 8002));
    RegistryClient caller = client();
    assertThat(caller.instances("payment-service")).hasSize(2);

    leaving.close();

    assertThat(seed.addresses("payment-service")).containsExactly("http://127.0.0.1:8001");
    await().atMost(Duration.ofSeconds(10)).until(() -> caller.instances("payment-service").size() == 1);
    assertThat(caller.choose("payment-service").address()).isEqualTo(URI.create("http://127.0.0.1:8001"));
    Map<?, ?> deregistration = SeedRegistry.body(seed.requests("/deregister").get(0));
    assertThat(deregistration.get("address")).isEqualTo("http://127.0.0.1:8002");
    // The seed holds no poll: the caller reads the view again, no more than each refresh interval.
    int discovers = seed.requests("/discover/payment-service").size();
    assertThat(discovers).isLessThan(40);
    await().atMost(Duration.ofSeconds(10))
        .until(() -> seed.requests("/discover/payment-service").size() >= discovers + 2);
  }

  @Test
  void aHeartbeatTheSeedAnswers404RegistersTheInstanceAgain() {
    RegistryClient owner = client();
    owner.register(instance("payment-service", 8001));

    seed.forgetEverything();

    // The counter moves once the answer is read, after the seed took the registration.
    await().atMost(Duration.ofSeconds(10)).until(() -> owner.stats().reRegistrations() >= 1);
    assertThat(seed.addresses("payment-service")).containsExactly("http://127.0.0.1:8001");
  }

  @Test
  void closeDeregistersEveryInstance() {
    RegistryClient owner = client();
    owner.register(instance("payment-service", 8001));
    owner.register(instance("payment-service", 8002));
    owner.register(instance("order-service", 8003));

    owner.close();

    assertThat(seed.addresses("payment-service")).isEmpty();
    assertThat(seed.addresses("order-service")).isEmpty();
    assertThat(seed.requests("/deregister")).hasSize(3)
        .allSatisfy(r -> assertThat(SeedRegistry.body(r)).containsKeys("service", "address"));
  }

  @Test
  void servicesAreListedFromTheSeedsServiceList() {
    RegistryClient owner = client();
    owner.register(instance("payment-service", 8001));
    owner.register(instance("order-service", 8003));

    assertThat(client().services()).containsExactly("order-service", "payment-service");
  }

  @Test
  void aStatusChangeTheSeedCannotHoldSaysSo() {
    Registration registration = client().register(instance("payment-service", 8001));

    assertThatThrownBy(() -> registration.status(Status.OUT_OF_SERVICE))
        .isInstanceOf(UnsupportedOperationException.class)
        .hasMessageContaining("/status");
  }

  @Test
  void theInlineClientOfTheLambdaAdapterRenewsRefreshesAndDeregistersOnTheCallersThread() {
    FakeClock clock = new FakeClock();
    InlineRegistryClient inline = RegistryClient.builder()
        .registryUrls(server.url("/").toString())
        .clock(clock)
        .heartbeatInterval(Duration.ofSeconds(5))
        .refreshInterval(Duration.ofSeconds(30))
        .buildInline();
    Duration budget = Duration.ofSeconds(5);
    try (inline) {
      inline.register(instance("payment-service", 8001));
      assertThat(inline.warmUp("default")).isZero();  // no catalog: each service at its first lookup
      assertThat(inline.choose("payment-service").id()).isEqualTo("http:127.0.0.1:8001");
      client().register(instance("payment-service", 8002));

      clock.advance(Duration.ofSeconds(30));
      inline.runDueWork(budget);

      assertThat(heartbeatsOf("http://127.0.0.1:8001")).hasSize(1);
      assertThat(inline.stats().heartbeatsFailed()).isZero();
      assertThat(inline.instances("payment-service")).hasSize(2);
    }
    assertThat(seed.addresses("payment-service")).containsExactly("http://127.0.0.1:8002");
  }
}
