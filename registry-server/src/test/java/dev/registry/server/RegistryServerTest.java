package dev.registry.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The seed's routes over real HTTP, against the server in-process on an ephemeral port. */
class RegistryServerTest {
  private final FakeClock clock = new FakeClock();
  private RegistryServer server;
  private TestHttp http;

  @BeforeEach
  void start() {
    server = RegistryServer.builder().port(0).clock(clock).heartbeatTimeout(Duration.ofSeconds(30)).build().start();
    http = new TestHttp(server.uri());
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void theSeedsCurlWalkThroughGetsTheSeedsShapes() {
    // The seed README's "Testing with cURL" section, request for request.
    TestHttp.Reply registered = http.post("/register",
        "{\"service\": \"test-service\", \"address\": \"http://localhost:9000\"}");
    assertThat(registered.status()).isEqualTo(201);
    assertThat(registered.json().get("status").asText()).isEqualTo("registered");
    assertThat(registered.json().get("message").asText())
        .isEqualTo("Service test-service registered at http://localhost:9000");

    clock.advance(Duration.ofMillis(12_300));
    TestHttp.Reply discovered = http.get("/discover/test-service");
    assertThat(discovered.status()).isEqualTo(200);
    assertThat(discovered.json().get("service").asText()).isEqualTo("test-service");
    assertThat(discovered.json().get("count").asInt()).isEqualTo(1);
    JsonNode instance = discovered.json().get("instances").get(0);
    assertThat(instance.get("address").asText()).isEqualTo("http://localhost:9000");
    assertThat(instance.get("uptime_seconds").asDouble()).isEqualTo(12.3);

    TestHttp.Reply services = http.get("/services");
    assertThat(services.status()).isEqualTo(200);
    assertThat(services.json().get("total_services").asInt()).isEqualTo(1);
    assertThat(services.json().get("services").get("test-service").get("total_instances").asInt()).isEqualTo(1);
    assertThat(services.json().get("services").get("test-service").get("active_instances").asInt()).isEqualTo(1);

    TestHttp.Reply heartbeat = http.post("/heartbeat",
        "{\"service\": \"test-service\", \"address\": \"http://localhost:9000\"}");
    assertThat(heartbeat.status()).isEqualTo(200);

    TestHttp.Reply deregistered = http.post("/deregister",
        "{\"service\": \"test-service\", \"address\": \"http://localhost:9000\"}");
    assertThat(deregistered.status()).isEqualTo(200);
    assertThat(deregistered.json().get("status").asText()).isEqualTo("deregistered");

    TestHttp.Reply health = http.get("/health");
    assertThat(health.status()).isEqualTo(200);
    assertThat(health.json().get("status").asText()).isEqualTo("healthy");
  }

  @Test
  void registeringTheSameAddressAgainIs200UpdatedWithoutADuplicate() {
    TestHttp.Reply first = http.register("user-service", "http://localhost:8001");
    TestHttp.Reply second = http.register("user-service", "http://localhost:8001");

    assertThat(first.status()).isEqualTo(201);
    assertThat(second.status()).isEqualTo(200);
    assertThat(second.json().get("status").asText()).isEqualTo("updated");
    assertThat(second.json().get("id")).isEqualTo(first.json().get("id"));
    assertThat(second.json().get("index")).isEqualTo(first.json().get("index"));
    assertThat(http.get("/discover/user-service").json().get("count").asInt()).isEqualTo(1);
  }

  @Test
  void reRegisteringRenewsTheLease() {
    http.register("user-service", "http://localhost:8001");
    clock.advance(Duration.ofSeconds(20));
    http.register("user-service", "http://localhost:8001");
    clock.advance(Duration.ofSeconds(20));
    server.sweep();

    assertThat(http.get("/discover/user-service").json().get("count").asInt()).isEqualTo(1);
  }

  @Test
  void twoAddressesOfOneServiceAreTwoInstancesInRegistrationOrder() {
    http.register("user-service", "http://localhost:8001");
    http.register("user-service", "http://localhost:8002");

    JsonNode body = http.get("/discover/user-service").json();
    assertThat(body.get("count").asInt()).isEqualTo(2);
    assertThat(body.get("instances").get(0).get("address").asText()).isEqualTo("http://localhost:8001");
    assertThat(body.get("instances").get(1).get("address").asText()).isEqualTo("http://localhost:8002");
    assertThat(http.get("/services").json().get("services").get("user-service").get("total_instances").asInt())
        .isEqualTo(2);
  }

  @Test
  void discoverOfAnUnknownServiceIs404WithNoInstancesAndAMessage() {
    TestHttp.Reply reply = http.get("/discover/nobody");

    assertThat(reply.status()).isEqualTo(404);
    assertThat(reply.json().get("instances").isArray()).isTrue();
    assertThat(reply.json().get("instances")).isEmpty();
    assertThat(reply.json().get("count").asInt()).isZero();
    assertThat(reply.json().get("error").asText()).isEqualTo("unknown_service");
    assertThat(reply.json().get("message").asText()).isEqualTo("Service nobody not found");
  }

  @Test
  void heartbeatForUnknownInstanceIs404AndCreatesNothing() {
    TestHttp.Reply unknownService = http.post("/heartbeat",
        "{\"service\": \"ghost\", \"address\": \"http://localhost:1\"}");
    http.register("user-service", "http://localhost:8001");
    TestHttp.Reply unknownInstance = http.post("/heartbeat",
        "{\"service\": \"user-service\", \"address\": \"http://localhost:9999\"}");

    assertThat(unknownService.status()).isEqualTo(404);
    assertThat(unknownService.json().get("error").asText()).isEqualTo("unknown_service");
    assertThat(unknownInstance.status()).isEqualTo(404);
    assertThat(unknownInstance.json().get("error").asText()).isEqualTo("unknown_instance");
    assertThat(http.get("/discover/ghost").status()).isEqualTo(404);
    assertThat(http.get("/discover/user-service").json().get("count").asInt()).isEqualTo(1);
    assertThat(http.get("/services").json().get("total_services").asInt()).isEqualTo(1);
  }

  @Test
  void heartbeatRenewsTheLeaseWithoutChangingTheIndex() {
    long index = http.register("user-service", "http://localhost:8001").json().get("index").asLong();
    clock.advance(Duration.ofSeconds(25));
    assertThat(http.post("/heartbeat", "{\"service\": \"user-service\", \"address\": \"http://localhost:8001\"}")
        .status()).isEqualTo(200);
    clock.advance(Duration.ofSeconds(25));
    server.sweep();

    TestHttp.Reply reply = http.get("/discover/user-service");
    assertThat(reply.json().get("count").asInt()).isEqualTo(1);
    assertThat(reply.json().get("index").asLong()).isEqualTo(index);
    assertThat(reply.header("X-Registry-Index")).isEqualTo(Long.toString(index));
  }

  @Test
  void deregisterOfAnUnknownServiceIs404() {
    TestHttp.Reply reply = http.post("/deregister", "{\"service\": \"ghost\", \"address\": \"http://localhost:1\"}");

    assertThat(reply.status()).isEqualTo(404);
    assertThat(reply.json().get("error").asText()).isEqualTo("unknown_service");
  }

  @Test
  void deregisteringTheLastInstanceMakesTheServiceUnknownAgain() {
    http.register("user-service", "http://localhost:8001");
    http.post("/deregister", "{\"service\": \"user-service\", \"address\": \"http://localhost:8001\"}");

    assertThat(http.get("/discover/user-service").status()).isEqualTo(404);
    assertThat(http.get("/services").json().get("services").has("user-service")).isFalse();
    assertThat(http.get("/services").json().get("total_services").asInt()).isZero();
    assertThat(http.post("/heartbeat", "{\"service\": \"user-service\", \"address\": \"http://localhost:8001\"}")
        .status()).isEqualTo(404);
  }

  @Test
  void anInstancePastItsLeaseIsGoneFromDiscoverAtOnceEvenBeforeTheSweep() {
    http.register("user-service", "http://localhost:8001");
    http.register("user-service", "http://localhost:8002");
    clock.advance(Duration.ofSeconds(20));
    http.post("/heartbeat", "{\"service\": \"user-service\", \"address\": \"http://localhost:8002\"}");
    clock.advance(Duration.ofSeconds(10));

    JsonNode body = http.get("/discover/user-service").json();
    assertThat(body.get("count").asInt()).isEqualTo(1);
    assertThat(body.get("instances").get(0).get("address").asText()).isEqualTo("http://localhost:8002");
    JsonNode counts = http.get("/services").json().get("services").get("user-service");
    assertThat(counts.get("total_instances").asInt()).isEqualTo(1);
    assertThat(counts.get("active_instances").asInt()).isEqualTo(1);
  }

  @Test
  void aServiceWhoseLastInstanceExpiredIsUnknownAgain() {
    http.register("user-service", "http://localhost:8001");
    clock.advance(Duration.ofSeconds(31));
    server.sweep();

    assertThat(http.get("/discover/user-service").status()).isEqualTo(404);
    assertThat(http.get("/services").json().get("total_services").asInt()).isZero();
    assertThat(http.post("/heartbeat", "{\"service\": \"user-service\", \"address\": \"http://localhost:8001\"}")
        .status()).isEqualTo(404);
    assertThat(http.register("user-service", "http://localhost:8001").status()).isEqualTo(201);
  }

  @Test
  void aHeartbeatAfterTheLeaseEndedIs404SoTheClientRegistersAgain() {
    http.register("user-service", "http://localhost:8001");
    http.register("user-service", "http://localhost:8002");
    clock.advance(Duration.ofSeconds(30));

    TestHttp.Reply reply = http.post("/heartbeat",
        "{\"service\": \"user-service\", \"address\": \"http://localhost:8001\"}");

    assertThat(reply.status()).isEqualTo(404);
    assertThat(reply.json().get("error").asText()).isEqualTo("unknown_service");
  }

  @Test
  void registerAcceptsTheExtensionsAndDiscoverShowsThem() {
    TestHttp.Reply registered = http.post("/register", """
        {"service": "payment-service", "address": "http://10.0.0.5:8080", "id": "payment-1",
         "stage": "production", "status": "STARTING", "metadata": {"version": "1.4.2"}, "ttl_seconds": 15}""");

    assertThat(registered.status()).isEqualTo(201);
    assertThat(registered.json().get("id").asText()).isEqualTo("payment-1");
    assertThat(registered.json().get("stage").asText()).isEqualTo("production");
    assertThat(registered.json().get("ttl_seconds").asInt()).isEqualTo(15);
    assertThat(http.get("/discover/payment-service").status()).isEqualTo(404);

    JsonNode body = http.get("/discover/payment-service?stage=production").json();
    JsonNode instance = body.get("instances").get(0);
    assertThat(body.get("stage").asText()).isEqualTo("production");
    assertThat(instance.get("id").asText()).isEqualTo("payment-1");
    assertThat(instance.get("status").asText()).isEqualTo("STARTING");
    assertThat(instance.get("metadata").get("version").asText()).isEqualTo("1.4.2");
    assertThat(instance.get("ttl_seconds").asInt()).isEqualTo(15);

    clock.advance(Duration.ofSeconds(16));
    assertThat(http.get("/discover/payment-service?stage=production").status()).isEqualTo(404);
  }

  @Test
  void heartbeatAndDeregisterAcceptAnIdInsteadOfAnAddress() {
    http.post("/register", "{\"service\": \"s\", \"address\": \"http://h:1\", \"id\": \"s-1\"}");

    assertThat(http.post("/heartbeat", "{\"service\": \"s\", \"id\": \"s-1\"}").status()).isEqualTo(200);
    assertThat(http.post("/heartbeat", "{\"service\": \"s\", \"id\": \"s-2\"}").json().get("error").asText())
        .isEqualTo("unknown_instance");
    assertThat(http.post("/deregister", "{\"service\": \"s\", \"id\": \"s-1\"}").status()).isEqualTo(200);
    assertThat(http.get("/discover/s").status()).isEqualTo(404);
  }

  @Test
  void aNewIdAtAHeldAddressReplacesTheOldInstance() {
    http.post("/register", "{\"service\": \"s\", \"address\": \"http://h:1\", \"id\": \"old\"}");
    TestHttp.Reply reply = http.post("/register", "{\"service\": \"s\", \"address\": \"http://h:1\", \"id\": \"new\"}");

    assertThat(reply.status()).isEqualTo(201);
    JsonNode body = http.get("/discover/s").json();
    assertThat(body.get("count").asInt()).isEqualTo(1);
    assertThat(body.get("instances").get(0).get("id").asText()).isEqualTo("new");
  }

  @Test
  void statusChangesTheInstanceStatusAndTheIndex() {
    long before = http.register("s", "http://h:1").json().get("index").asLong();

    TestHttp.Reply reply = http.post("/status",
        "{\"service\": \"s\", \"address\": \"http://h:1\", \"status\": \"OUT_OF_SERVICE\"}");

    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.json().get("instance_status").asText()).isEqualTo("OUT_OF_SERVICE");
    assertThat(reply.json().get("index").asLong()).isGreaterThan(before);
    JsonNode instance = http.get("/discover/s").json().get("instances").get(0);
    assertThat(instance.get("status").asText()).isEqualTo("OUT_OF_SERVICE");
    assertThat(http.post("/status", "{\"service\": \"s\", \"address\": \"http://h:9\", \"status\": \"UP\"}")
        .status()).isEqualTo(404);
  }

  @Test
  void catalogListsEveryServiceOfTheStage() {
    http.register("a", "http://h:1");
    http.register("b", "http://h:2");
    http.post("/register", "{\"service\": \"c\", \"address\": \"http://h:3\", \"stage\": \"staging\"}");

    JsonNode catalog = http.get("/catalog").json();
    assertThat(catalog.get("stage").asText()).isEqualTo("default");
    assertThat(catalog.get("services").size()).isEqualTo(2);
    assertThat(catalog.get("services").get("a").get("instances").get(0).get("address").asText())
        .isEqualTo("http://h:1");
    assertThat(http.get("/catalog?stage=staging").json().get("services").has("c")).isTrue();
  }

  @Test
  void healthCountsLiveServicesAndInstances() {
    http.register("a", "http://h:1");
    http.register("a", "http://h:2");
    http.register("b", "http://h:3");

    JsonNode health = http.get("/health").json();
    assertThat(health.get("services").asInt()).isEqualTo(2);
    assertThat(health.get("instances").asInt()).isEqualTo(3);
    assertThat(health.get("index").asLong()).isEqualTo(3);
  }

  @Test
  void startedServerReportsItsBoundPortAndUri() {
    assertThat(server.port()).isPositive();
    assertThat(server.uri().toString()).isEqualTo("http://127.0.0.1:" + server.port());
  }
}
