package dev.registry.client;

import static dev.registry.client.FakeRegistry.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The wire of registration, heartbeats and deregistration, against MockWebServer. */
class RegistrationProtocolTest {
  @StartStop final MockWebServer server = new MockWebServer();
  final FakeRegistry registry = new FakeRegistry();
  final List<String> events = new CopyOnWriteArrayList<>();
  RegistryClient client;

  final ServiceInstance instance = ServiceInstance.builder("payment-service")
      .id("payment-1")
      .address(URI.create("http://10.0.0.5:8080"))
      .metadata("version", "1.4.2")
      .build();

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
        .retryPolicy(RetryPolicy.builder().maxAttempts(3)
            .initialBackoff(Duration.ofMillis(1)).maxBackoff(Duration.ofMillis(5)).build())
        .eventListener(new EventListener() {
          @Override
          public void reRegistered(ServiceInstance i) {
            events.add("reRegistered " + i.id());
          }

          @Override
          public void deregistered(ServiceInstance i, boolean success) {
            events.add("deregistered " + i.id() + " " + success);
          }
        });
  }

  @Test
  void registerPostsTheInstanceAsJsonWithItsLease() throws Exception {
    client = builder().stage("production").leaseTtl(Duration.ofSeconds(15)).build();

    Registration registration = client.register(instance);

    RecordedRequest request = registry.requests("/register").get(0);
    assertThat(request.getMethod()).isEqualTo("POST");
    assertThat(request.getHeaders().get("Content-Type")).startsWith("application/json");
    assertThat(request.getBody().utf8()).isEqualTo("{\"service\":\"payment-service\","
        + "\"address\":\"http://10.0.0.5:8080\",\"id\":\"payment-1\",\"stage\":\"production\","
        + "\"status\":\"UP\",\"metadata\":{\"version\":\"1.4.2\"},\"ttl_seconds\":15}");
    assertThat(registration.instance().stage()).isEqualTo("production");
    assertThat(registration.instance().id()).isEqualTo("payment-1");
  }

  @Test
  void registrationTakesTheIdTheRegistryAnswers() {
    registry.then("/register", json(201, "{\"status\":\"registered\",\"id\":\"given-7\"}"));
    client = builder().build();

    Registration registration = client.register(instance);

    assertThat(registration.instance().id()).isEqualTo("given-7");
    assertThat(registration.instance().stage()).isEqualTo("default");
  }

  @Test
  void registerIsRetriedOn503AndSucceeds() {
    registry.then("/register", json(503, "{\"error\":\"unavailable\",\"message\":\"busy\"}"))
        .then("/register", json(503, "{}"));
    client = builder().build();

    client.register(instance);

    assertThat(registry.requests("/register")).hasSize(3);
    assertThat(client.stats().registryFailures()).isEqualTo(2);
  }

  @Test
  void registerIsRetriedAfterAConnectionFailure() {
    registry.then("/register", new MockResponse.Builder()
        .onRequestStart(new SocketEffect.CloseSocket(true, false, false)).build());
    client = builder().build();

    client.register(instance);

    assertThat(client.stats().registryFailures()).isEqualTo(1);
    assertThat(registry.requests("/register")).isNotEmpty();
  }

  @Test
  void registerIsNotRetriedOn400AndThrowsTheRegistrysErrorCode() {
    registry.then("/register", json(400,
        "{\"error\":\"invalid_field\",\"message\":\"metadata is bad: 'x'\"}"));
    client = builder().build();

    assertThatThrownBy(() -> client.register(instance))
        .isInstanceOfSatisfying(RegistryRejectedException.class, e -> {
          assertThat(e.statusCode()).isEqualTo(400);
          assertThat(e.errorCode()).isEqualTo("invalid_field");
          assertThat(e).hasMessageContaining("metadata is bad");
        });
    assertThat(registry.requests("/register")).hasSize(1);
  }

  @Test
  void registerGivesUpAfterTheLastAttemptWithAnUnavailableException() {
    registry.answer("/register", json(503, "{}"));
    client = builder().build();

    assertThatThrownBy(() -> client.register(instance))
        .isInstanceOf(RegistryUnavailableException.class)
        .hasMessageContaining("503");
    assertThat(registry.requests("/register")).hasSize(3);
  }

  @Test
  void aHangingRegistryIsBoundedByTheRequestTimeout() {
    registry.answer("/register", new MockResponse.Builder()
        .headersDelay(10, TimeUnit.SECONDS).body("{}").build());
    client = builder().retryPolicy(RetryPolicy.none())
        .requestTimeout(Duration.ofMillis(300)).build();

    long start = System.nanoTime();
    assertThatThrownBy(() -> client.register(instance))
        .isInstanceOf(RegistryUnavailableException.class);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
  }

  @Test
  void heartbeatsRenewTheLeaseByIdAndAddressEveryInterval() {
    client = builder().leaseTtl(Duration.ofSeconds(3))
        .heartbeatInterval(Duration.ofMillis(100)).build();

    client.register(instance);

    // The counter moves once the answer is read, after the server recorded the request.
    await().atMost(Duration.ofSeconds(5))
        .until(() -> client.stats().heartbeatsSent() >= 3);
    assertThat(registry.requests("/heartbeat")).hasSizeGreaterThanOrEqualTo(3);
    RecordedRequest heartbeat = registry.requests("/heartbeat").get(0);
    assertThat(heartbeat.getMethod()).isEqualTo("POST");
    assertThat(heartbeat.getBody().utf8()).isEqualTo(
        "{\"service\":\"payment-service\",\"id\":\"payment-1\",\"address\":\"http://10.0.0.5:8080\",\"stage\":\"default\"}");
    assertThat(client.stats().heartbeatsSent()).isGreaterThanOrEqualTo(3);
  }

  @Test
  void heartbeatThatGets404ReRegistersAtOnce() {
    registry.then("/heartbeat", FakeRegistry.unknownInstance());
    client = builder().leaseTtl(Duration.ofSeconds(3))
        .heartbeatInterval(Duration.ofMillis(100)).build();

    client.register(instance);

    // The event fires once the answer is read, after the server recorded the request.
    await().atMost(Duration.ofSeconds(5))
        .until(() -> events.contains("reRegistered payment-1"));
    assertThat(registry.requests("/register")).hasSize(2);
    assertThat(client.stats().reRegistrations()).isEqualTo(1);
    RecordedRequest reRegistration = registry.requests("/register").get(1);
    assertThat(reRegistration.getBody().utf8()).contains("\"id\":\"payment-1\"");
  }

  @Test
  void heartbeatFailuresAreCountedAndHeartbeatsGoOn() {
    registry.answer("/heartbeat", json(500, "{}"));
    client = builder().leaseTtl(Duration.ofSeconds(3)).retryPolicy(RetryPolicy.none())
        .heartbeatInterval(Duration.ofMillis(50)).build();

    client.register(instance);

    await().atMost(Duration.ofSeconds(5)).until(() -> client.stats().heartbeatsFailed() >= 3);
  }

  @Test
  void statusUpdatePostsTheNewStatusAndAReRegistrationCarriesIt() {
    registry.then("/status", FakeRegistry.unknownInstance());
    client = builder().build();
    Registration registration = client.register(instance);

    registration.status(Status.OUT_OF_SERVICE);

    assertThat(registry.requests("/status").get(0).getBody().utf8()).isEqualTo(
        "{\"service\":\"payment-service\",\"id\":\"payment-1\",\"address\":\"http://10.0.0.5:8080\","
            + "\"stage\":\"default\",\"status\":\"OUT_OF_SERVICE\"}");
    assertThat(registry.requests("/register").get(1).getBody().utf8())
        .contains("\"status\":\"OUT_OF_SERVICE\"");
    assertThat(registration.instance().status()).isEqualTo(Status.OUT_OF_SERVICE);
  }

  @Test
  void closingARegistrationDeregistersOnceAndStopsHeartbeats() {
    client = builder().leaseTtl(Duration.ofSeconds(3))
        .heartbeatInterval(Duration.ofMillis(50)).build();
    Registration registration = client.register(instance);

    registration.close();
    registration.close();

    assertThat(registry.requests("/deregister")).hasSize(1);
    assertThat(registry.requests("/deregister").get(0).getBody().utf8()).isEqualTo(
        "{\"service\":\"payment-service\",\"id\":\"payment-1\",\"address\":\"http://10.0.0.5:8080\",\"stage\":\"default\"}");
    assertThat(events).containsExactly("deregistered payment-1 true");
    int heartbeats = registry.requests("/heartbeat").size();
    await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2))
        .until(() -> registry.requests("/heartbeat").size() == heartbeats);
    assertThatThrownBy(() -> registration.status(Status.DOWN))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void closingTheClientDeregistersEverythingItRegistered() {
    client = builder().build();
    client.register(instance);
    client.register(instance.toBuilder().id("payment-2").build());

    client.close();
    client.close();

    assertThat(registry.requests("/deregister")).hasSize(2);
    assertThatThrownBy(() -> client.register(instance)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void deregistrationIsBoundedWhenTheRegistryHangs() {
    registry.answer("/deregister", new MockResponse.Builder()
        .headersDelay(10, TimeUnit.SECONDS).body("{}").build());
    client = builder().deregisterTimeout(Duration.ofMillis(500)).build();
    client.register(instance);

    long start = System.nanoTime();
    client.close();

    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
    assertThat(events).containsExactly("deregistered payment-1 false");
  }

  @Test
  void aDeadRegistryUrlIsSkippedAndTheWorkingOneStaysInUse() throws IOException {
    int deadPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      deadPort = socket.getLocalPort();
    }
    client = builder()
        .registryUrls("http://127.0.0.1:" + deadPort, server.url("/").toString())
        .build();

    client.register(instance);
    client.register(instance.toBuilder().id("payment-2").build());

    assertThat(registry.requests("/register")).hasSize(2);
    assertThat(client.stats().registryFailures()).isEqualTo(1);
  }
}
