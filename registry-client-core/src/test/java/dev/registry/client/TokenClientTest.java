package dev.registry.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.registry.server.RegistryServer;
import java.net.URI;
import java.time.Duration;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.Test;

/** The client's token: sent on every call, refused writes are typed errors, never shown. */
class TokenClientTest {
  @StartStop final MockWebServer mock = new MockWebServer();

  final ServiceInstance instance = ServiceInstance.builder("payment-service")
      .id("payment-1").address(URI.create("http://10.0.0.5:8080")).build();

  RegistryClient.Builder builder(String url) {
    return RegistryClient.builder().registryUrls(url).shutdownHook(false)
        .retryPolicy(RetryPolicy.builder().maxAttempts(2)
            .initialBackoff(Duration.ofMillis(1)).maxBackoff(Duration.ofMillis(5)).build());
  }

  @Test
  void everyRequestCarriesTheBearerToken() {
    FakeRegistry registry = new FakeRegistry().answer("/discover", FakeRegistry.view("user-service", 3, "u-1", "http://10.0.0.9:80"));
    mock.setDispatcher(registry);
    try (RegistryClient client = builder(mock.url("/").toString()).token("t0ken")
        .heartbeatInterval(Duration.ofMillis(50)).build()) {
      Registration registration = client.register(instance);
      client.choose("user-service");
      // the watch's long-poll is sent on another thread: wait for it too
      await().atMost(Duration.ofSeconds(10)).until(() -> !registry.requests("/heartbeat").isEmpty()
          && registry.requests.stream().anyMatch(r -> r.getTarget().contains("index=")));
      registration.status(Status.DOWN);
    }

    assertThat(registry.requests).extracting(RecordedRequest::getTarget)
        .anyMatch(t -> t.startsWith("/register")).anyMatch(t -> t.startsWith("/discover/user-service"))
        .anyMatch(t -> t.contains("index=")).anyMatch(t -> t.startsWith("/heartbeat"))
        .anyMatch(t -> t.startsWith("/status")).anyMatch(t -> t.startsWith("/deregister"));
    assertThat(registry.requests).allSatisfy(r ->
        assertThat(r.getHeaders().get("Authorization")).as(r.getTarget()).isEqualTo("Bearer t0ken"));
  }

  @Test
  void theLightTransportSendsTheTokenAndTheSecretToo() {
    try (RegistryServer server = RegistryServer.builder().host("127.0.0.1").port(0).token("t0ken").build().start();
        InlineRegistryClient client = builder(server.uri().toString()).token("t0ken").buildInline()) {
      Registration registration = client.register(instance);
      registration.status(Status.OUT_OF_SERVICE);
      assertThat(client.instances("payment-service")).extracting(ServiceInstance::status)
          .containsExactly(Status.OUT_OF_SERVICE);
      assertThat(client.deregister(instance)).isTrue();
    }
    // (the server is closed by now; a deregistration refused 403 would have thrown above)
  }

  @Test
  void withoutATokenNoAuthorizationIsSent() {
    FakeRegistry registry = new FakeRegistry();
    mock.setDispatcher(registry);
    try (RegistryClient client = builder(mock.url("/").toString()).build()) {
      client.register(instance);
    }

    assertThat(registry.requests).allSatisfy(r -> assertThat(r.getHeaders().get("Authorization")).isNull());
  }

  @Test
  void theReferenceServerAcceptsTheClientWithItsTokenAndRefusesOneWithout() {
    try (RegistryServer server = RegistryServer.builder().host("127.0.0.1").port(0).token("t0ken").build().start();
        RegistryClient good = builder(server.uri().toString()).token("t0ken").build();
        RegistryClient bad = builder(server.uri().toString()).token("wrong").build();
        RegistryClient none = builder(server.uri().toString()).build()) {

      Registration registration = good.register(instance);
      registration.status(Status.OUT_OF_SERVICE);
      assertThat(none.instances("payment-service")).as("reads stay open").hasSize(1);

      assertThatThrownBy(() -> bad.register(instance.toBuilder().id("payment-2").build()))
          .isInstanceOfSatisfying(RegistryRejectedException.class, e -> {
            assertThat(e.statusCode()).isEqualTo(401);
            assertThat(e.errorCode()).isEqualTo("unauthorized");
          });
      assertThatThrownBy(() -> none.register(instance.toBuilder().id("payment-3").build()))
          .isInstanceOf(RegistryRejectedException.class).hasMessageContaining("401");

      registration.close();
      await().atMost(Duration.ofSeconds(10))
          .until(() -> none.inStage("default").view("payment-service").instances().isEmpty());
    }
  }

  @Test
  void theBuilderChecksTheTokenAndNothingShowsIt() {
    assertThatThrownBy(() -> RegistryClient.builder().token("")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("1 to 4096");
    assertThatThrownBy(() -> RegistryClient.builder().token("a b")).hasMessageContaining("character 1");
    assertThatThrownBy(() -> RegistryClient.builder().token(null)).isInstanceOf(NullPointerException.class);
    try (RegistryClient client = builder("http://127.0.0.1:1").token("sekrit").build()) {
      assertThat(client.toString()).doesNotContain("sekrit");
    }
    assertThat(new dev.registry.client.spi.TransportRequest("GET", URI.create("http://h/"), null, Duration.ofSeconds(1),
        java.util.Map.of("Authorization", "Bearer sekrit")).toString()).doesNotContain("sekrit");
  }
}
