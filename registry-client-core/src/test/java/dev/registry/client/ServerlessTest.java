package dev.registry.client;

import static dev.registry.client.FakeRegistry.json;
import static dev.registry.client.FakeRegistry.view;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.registry.server.RegistryServer;
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
 * The inline client on its light transport, as the Lambda adapter uses it: warm-up from the
 * catalog, registration without heartbeats renewed lazily, explicit deregistration, and due
 * work bounded by a budget.
 */
class ServerlessTest {
  @StartStop final MockWebServer server = new MockWebServer();
  final FakeRegistry registry = new FakeRegistry();
  final FakeClock clock = new FakeClock();
  InlineRegistryClient client;

  final ServiceInstance function = ServiceInstance.builder("orders")
      .id("orders-fn").address(URI.create("https://orders.example.test/prod")).build();

  static final String CATALOG = "{\"stage\":\"prod\",\"index\":12,\"services\":{"
      + "\"payment-service\":{\"index\":7,\"count\":2,\"instances\":["
      + "{\"id\":\"p1\",\"address\":\"http://10.0.0.1:80\",\"stage\":\"prod\",\"status\":\"UP\","
      + "\"metadata\":{\"v\":\"1\"},\"uptime_seconds\":1.5,\"ttl_seconds\":15},"
      + "{\"id\":\"p2\",\"address\":\"http://10.0.0.2:80\",\"stage\":\"prod\",\"status\":\"DOWN\","
      + "\"metadata\":{},\"uptime_seconds\":1.5,\"ttl_seconds\":15}]},"
      + "\"user-service\":{\"index\":12,\"count\":1,\"instances\":["
      + "{\"id\":\"u1\",\"address\":\"http://10.0.0.9:80\",\"stage\":\"prod\",\"status\":\"UP\","
      + "\"metadata\":{},\"uptime_seconds\":1.5,\"ttl_seconds\":15,\"future\":[1,{\"x\":2}]}]}}}";

  @BeforeEach
  void setUp() {
    server.setDispatcher(registry);
    client = builder().buildInline();
  }

  RegistryClient.Builder builder() {
    return RegistryClient.builder()
        .registryUrls(server.url("/").toString())
        .clock(clock)
        .stage("prod")
        .leaseTtl(Duration.ofSeconds(15))
        .heartbeatInterval(Duration.ofSeconds(5))
        .refreshInterval(Duration.ofSeconds(30))
        .requestTimeout(Duration.ofMillis(500))
        .retryPolicy(RetryPolicy.none());
  }

  @AfterEach
  void tearDown() {
    client.close();
  }

  @Test
  void warmUpCachesEveryServiceOfTheCatalogInOneCall() {
    registry.answer("/catalog", json(200, CATALOG));

    assertThat(client.warmUp("prod")).isEqualTo(2);
    ServiceInstance payment = client.choose("payment-service");
    ServiceInstance user = client.inStage("prod").choose("user-service");

    assertThat(payment.id()).isEqualTo("p1");
    assertThat(payment.metadata()).containsEntry("v", "1");
    assertThat(user.address()).isEqualTo(URI.create("http://10.0.0.9:80"));
    assertThat(client.instances("payment-service")).hasSize(2);
    assertThat(client.inStage("prod").view("payment-service").index()).isEqualTo(7);
    assertThat(registry.requests).hasSize(1);
    assertThat(registry.requests.get(0).getUrl().encodedPath()).isEqualTo("/catalog");
    assertThat(registry.requests.get(0).getUrl().queryParameter("stage")).isEqualTo("prod");
    assertThat(client.stats().cacheHits()).isEqualTo(4);
  }

  @Test
  void aServiceMissingFromTheCatalogIsFetchedAtItsFirstLookup() {
    registry.answer("/catalog", json(200, "{\"stage\":\"prod\",\"index\":0,\"services\":{}}"))
        .answer("/discover", view("audit-service", 3, "a1", "http://10.0.0.3:80"));

    assertThat(client.warmUp("prod")).isZero();
    assertThat(client.choose("audit-service").id()).isEqualTo("a1");

    assertThat(registry.requests("/discover/audit-service")).hasSize(1);
  }

  @Test
  void aFailedWarmUpThrowsAndLeavesTheCacheAsItWas() {
    registry.answer("/catalog", json(503, "{\"error\":\"unavailable\",\"message\":\"down\"}"));

    assertThatThrownBy(() -> client.warmUp("prod"))
        .isInstanceOf(RegistryUnavailableException.class)
        .hasMessageContaining("503");
    assertThatThrownBy(() -> client.warmUp("not a stage"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'not a stage'");
  }

  @Test
  void anUnreadableCatalogIsARegistryFailureNamingTheRequest() {
    registry.answer("/catalog", json(200, "{\"services\":{\"payment-service\":[1,2]}}"));

    assertThatThrownBy(() -> client.warmUp("prod"))
        .isInstanceOf(RegistryUnavailableException.class)
        .hasMessageContaining("/catalog?stage=prod")
        .hasMessageContaining("unreadable");
  }

  @Test
  void registerSendsNoHeartbeatUntilRunDueWorkFindsTheLeaseDue() {
    Registration registration = client.register(function);

    assertThat(registration.instance().stage()).isEqualTo("prod");
    clock.advance(Duration.ofSeconds(4));
    client.runDueWork(Duration.ofSeconds(1));
    assertThat(registry.requests("/heartbeat")).isEmpty();

    clock.advance(Duration.ofSeconds(1));
    client.runDueWork(Duration.ofSeconds(1));
    assertThat(registry.requests("/heartbeat")).hasSize(1);
    assertThat(registry.requests("/register")).hasSize(1);

    registration.close();
    assertThat(registry.requests("/deregister")).hasSize(1);
  }

  @Test
  void aRegistrationStartsNoThreadAndClosingTheClientDeregistersIt() {
    InlineRegistryClient another = builder().buildInline();
    try (another) {
      another.register(function);
      assertThat(InlineModeTest.clientThreadsRunning()).isFalse();
    }
    assertThat(registry.requests("/deregister")).hasSize(1);
  }

  @Test
  void aFailedRegistrationThrowsAfterThePolicysAttempts() {
    registry.answer("/register", json(500, "{\"error\":\"boom\",\"message\":\"boom\"}"));
    InlineRegistryClient retrying = builder().retryPolicy(RetryPolicy.builder().maxAttempts(3)
        .initialBackoff(Duration.ofMillis(1)).maxBackoff(Duration.ofMillis(2)).build()).buildInline();
    try (retrying) {
      assertThatThrownBy(() -> retrying.register(function))
          .isInstanceOf(RegistryUnavailableException.class);
    }
    assertThatThrownBy(() -> client.register(function))
        .isInstanceOf(RegistryUnavailableException.class);
    assertThat(registry.requests("/register")).hasSize(3 + 1);
  }

  @Test
  void deregisterRemovesAnInstanceThisClientNeverRegistered() {
    assertThat(client.deregister(function)).isTrue();

    var sent = registry.requests("/deregister").get(0).getBody().utf8();
    assertThat(sent).contains("\"service\":\"orders\"", "\"id\":\"orders-fn\"", "\"stage\":\"prod\"");
  }

  @Test
  void deregisterAnswersFalseForAnUnknownInstance() {
    registry.answer("/deregister", FakeRegistry.unknownInstance());

    assertThat(client.deregister(function)).isFalse();
  }

  @Test
  void deregisterStopsTheRenewalOfThisClientsOwnRegistration() {
    client.register(function);
    client.deregister(function);

    clock.advance(Duration.ofSeconds(10));
    client.runDueWork(Duration.ofSeconds(1));
    client.close();

    assertThat(registry.requests("/heartbeat")).isEmpty();
    assertThat(registry.requests("/register")).hasSize(1);
    assertThat(registry.requests("/deregister")).hasSize(1);
  }

  @Test
  void runDueWorkWithinABudgetNeverThrowsWhenTheRegistryHangsAndKeepsTheStaleView() {
    registry.then("/discover", view("payment-service", 3, "p1", "http://10.0.0.1:80"));
    client.register(function);
    client.choose("payment-service");
    MockResponse hanging = new MockResponse.Builder()
        .headersDelay(10, TimeUnit.SECONDS).body("{}").build();
    registry.answer("/heartbeat", hanging).answer("/discover", hanging);

    clock.advance(Duration.ofSeconds(31));
    long start = System.nanoTime();
    client.runDueWork(Duration.ofMillis(300));

    // A bound far above the budget and far below the registry's 10 s: not a speed measurement.
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
    assertThat(client.stats().heartbeatsFailed()).isEqualTo(1);
    assertThat(client.choose("payment-service").id()).isEqualTo("p1");
  }

  @Test
  void runDueWorkNeverThrowsWhenTheRegistryIsDown() throws Exception {
    registry.then("/discover", view("payment-service", 3, "p1", "http://10.0.0.1:80"));
    client.register(function);
    client.choose("payment-service");
    server.close();

    clock.advance(Duration.ofSeconds(31));
    client.runDueWork(Duration.ofSeconds(1));

    assertThat(client.stats().heartbeatsFailed()).isEqualTo(1);
    assertThat(client.inStage("prod").view("payment-service").stale()).isTrue();
    assertThat(client.choose("payment-service").id()).isEqualTo("p1");
  }

  @Test
  void lookupsNameANullServiceOrStage() {
    registry.answer("/catalog", json(200, CATALOG));
    client.warmUp("prod");

    assertThatThrownBy(() -> client.choose(null))
        .isInstanceOf(NullPointerException.class).hasMessage("service");
    assertThatThrownBy(() -> client.inStage(null).choose("payment-service"))
        .isInstanceOf(NullPointerException.class).hasMessage("stage");
    assertThatThrownBy(() -> client.warmUp(null))
        .isInstanceOf(NullPointerException.class).hasMessage("stage");
    assertThatThrownBy(() -> client.register(null))
        .isInstanceOf(NullPointerException.class).hasMessage("instance");
    assertThatThrownBy(() -> client.deregister(null))
        .isInstanceOf(NullPointerException.class).hasMessage("instance");
  }

  @Test
  void runDueWorkRejectsABudgetThatIsNotPositive() {
    assertThatThrownBy(() -> client.runDueWork(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("budget");
    assertThatThrownBy(() -> client.runDueWork(null))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("budget");
  }

  @Test
  void warmUpFillsTheCacheFromTheReferenceServersCatalog() {
    try (RegistryServer reference = RegistryServer.builder().host("127.0.0.1").port(0).build()
        .start()) {
      RegistryClient admin = RegistryClient.builder().registryUrls(reference.uri().toString())
          .stage("prod").shutdownHook(false).build();
      InlineRegistryClient lambda = RegistryClient.builder().registryUrls(reference.uri().toString())
          .stage("prod").buildInline();
      try (admin; lambda) {
        admin.register(ServiceInstance.builder("payment-service").id("p1")
            .address(URI.create("http://127.0.0.1:9001")).build());
        admin.register(ServiceInstance.builder("user-service").id("u1")
            .address(URI.create("http://127.0.0.1:9002")).metadata("version", "2").build());

        assertThat(lambda.warmUp("prod")).isEqualTo(2);
        long hits = lambda.stats().cacheHits();
        assertThat(lambda.choose("user-service").metadata()).containsEntry("version", "2");
        assertThat(lambda.choose("payment-service").address().getPort()).isEqualTo(9001);
        assertThat(lambda.stats().cacheHits()).isEqualTo(hits + 2);
        assertThat(lambda.stats().refreshes()).isEqualTo(2);
      }
    }
  }
}
