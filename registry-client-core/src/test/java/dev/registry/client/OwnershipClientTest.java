package dev.registry.client;

import static dev.registry.client.FakeRegistry.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.registry.server.RegistryServer;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.Test;

/** The client keeps each registration's instance secret and presents it on every call about the instance. */
class OwnershipClientTest {
  @StartStop final MockWebServer mock = new MockWebServer();

  final ServiceInstance instance = ServiceInstance.builder("payment-service")
      .id("payment-1").address(URI.create("http://10.0.0.5:8080")).build();

  RegistryClient.Builder builder(String url) {
    return RegistryClient.builder().registryUrls(url).shutdownHook(false)
        .retryPolicy(RetryPolicy.builder().maxAttempts(2)
            .initialBackoff(Duration.ofMillis(1)).maxBackoff(Duration.ofMillis(5)).build());
  }

  @Test
  void theSecretOfTheRegisterAnswerGoesWithEveryLaterCall() {
    FakeRegistry registry = new FakeRegistry()
        .answer("/register", json(201, "{\"status\":\"registered\",\"id\":\"payment-1\",\"instance_secret\":\"sec-1\"}"));
    mock.setDispatcher(registry);
    try (RegistryClient client = builder(mock.url("/").toString()).heartbeatInterval(Duration.ofMillis(50)).build()) {
      Registration registration = client.register(instance);
      await().atMost(Duration.ofSeconds(10)).until(() -> !registry.requests("/heartbeat").isEmpty());
      registration.status(Status.DOWN);
    }

    assertThat(registry.requests("/register").get(0).getBody().utf8()).doesNotContain("instance_secret");
    for (String path : List.of("/heartbeat", "/status", "/deregister")) {
      assertThat(registry.requests(path)).isNotEmpty().allSatisfy(r ->
          assertThat(r.getBody().utf8()).as(path).contains("\"instance_secret\":\"sec-1\""));
    }
  }

  @Test
  void aHeartbeatAnswered403RegistersAgainAndTakesTheNewSecret() {
    FakeRegistry registry = new FakeRegistry()
        .then("/register", json(201, "{\"status\":\"registered\",\"id\":\"payment-1\",\"instance_secret\":\"old\"}"))
        .answer("/register", json(201, "{\"status\":\"registered\",\"id\":\"payment-1\",\"instance_secret\":\"new\"}"))
        .then("/heartbeat", json(403, "{\"error\":\"forbidden\",\"message\":\"the instance_secret does not match\"}"));
    mock.setDispatcher(registry);
    try (RegistryClient client = builder(mock.url("/").toString()).heartbeatInterval(Duration.ofMillis(50)).build()) {
      client.register(instance);
      await().atMost(Duration.ofSeconds(10)).until(() -> registry.requests("/heartbeat").size() >= 2);

      assertThat(client.stats().reRegistrations()).isEqualTo(1);
    }

    List<RecordedRequest> registers = registry.requests("/register");
    assertThat(registers.get(1).getBody().utf8()).as("presents what it had").contains("\"instance_secret\":\"old\"");
    assertThat(registry.requests("/heartbeat").get(1).getBody().utf8()).contains("\"instance_secret\":\"new\"");
  }

  @Test
  void againstASecuredReferenceServerTheClientOwnsItsInstancesAndOthersCannotTakeThem() {
    try (RegistryServer server = RegistryServer.builder().host("127.0.0.1").port(0).token("t").build().start();
        RegistryClient owner = builder(server.uri().toString()).token("t").heartbeatInterval(Duration.ofMillis(100))
            .build();
        RegistryClient other = builder(server.uri().toString()).token("t").build()) {
      Registration registration = owner.register(instance);
      await().atMost(Duration.ofSeconds(10)).until(() -> owner.stats().heartbeatsSent() >= 2);
      registration.status(Status.OUT_OF_SERVICE);
      assertThat(owner.stats().heartbeatsFailed()).isZero();

      assertThatThrownBy(() -> other.register(instance.toBuilder().address(URI.create("http://10.6.6.6:80")).build()))
          .isInstanceOfSatisfying(RegistryRejectedException.class, e -> {
            assertThat(e.statusCode()).isEqualTo(403);
            assertThat(e.errorCode()).isEqualTo("forbidden");
          });
      assertThat(other.instances("payment-service")).extracting(ServiceInstance::address)
          .containsExactly(URI.create("http://10.0.0.5:8080"));

      registration.close();
      await().atMost(Duration.ofSeconds(10))
          .until(() -> other.inStage("default").view("payment-service").instances().isEmpty());
    }
  }
}
