package dev.registry.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The server's log, as the runnable jar writes it: one JSON line per significant event. */
class StructuredLogTest {
  private final FakeClock clock = new FakeClock();
  private CapturedLog log;
  private RegistryServer server;
  private TestHttp http;

  @BeforeEach
  void capture() {
    log = new CapturedLog();
  }

  private void start(RegistryServer.Builder builder) {
    server = builder.port(0).clock(clock).build().start();
    http = new TestHttp(server.uri());
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
    log.close();
  }

  @Test
  void aRegistrationADeregistrationAndAnExpiryAreOneLineEach() {
    start(RegistryServer.builder());
    http.postWith("/register", "{\"service\": \"pay\", \"address\": \"http://h:1\", \"id\": \"p-1\", \"stage\": \"prod\","
        + " \"ttl_seconds\": 5}", RequestId.HEADER, "reg-1");
    http.postWith("/register", "{\"service\": \"pay\", \"address\": \"http://h:2\", \"id\": \"p-2\"}",
        RequestId.HEADER, "reg-2");
    http.postWith("/deregister", "{\"service\": \"pay\", \"id\": \"p-2\"}", RequestId.HEADER, "dereg-1");
    clock.advance(Duration.ofSeconds(6));
    server.sweep();

    List<CapturedLog.Line> registered = log.events("instance_registered");
    assertThat(registered).hasSize(2);
    CapturedLog.Line first = registered.get(0);
    assertThat(first.level()).isEqualTo("INFO");
    assertThat(first.requestId()).isEqualTo("reg-1");
    assertThat(first.fields()).containsEntry("service", "pay").containsEntry("stage", "prod")
        .containsEntry("instance_id", "p-1").containsEntry("address", "http://h:1").containsEntry("status", "UP");
    assertThat(first.message()).isEqualTo("Registered pay instance p-1 at http://h:1 in stage prod");
    assertThat(first.raw()).doesNotContain("instance_secret");

    assertThat(log.events("instance_deregistered")).singleElement().satisfies(line -> {
      assertThat(line.requestId()).isEqualTo("dereg-1");
      assertThat(line.fields()).containsEntry("instance_id", "p-2").containsEntry("stage", "default");
    });
    assertThat(log.events("instance_expired")).singleElement().satisfies(line -> {
      assertThat(line.requestId()).isNull();  // the expiry timer's doing, no request's
      assertThat(line.fields()).containsEntry("instance_id", "p-1").containsEntry("ttl_seconds", "5");
      assertThat(line.message()).isEqualTo("Expired pay instance p-1 at http://h:1 in stage prod: no heartbeat"
          + " within its 5 s lease");
    });
  }

  @Test
  void anExpiryNoticedWhileAnsweringARequestCarriesNoRequestId() {
    start(RegistryServer.builder());
    http.post("/register", "{\"service\": \"pay\", \"address\": \"http://h:1\", \"ttl_seconds\": 5}");
    clock.advance(Duration.ofSeconds(6));

    http.postWith("/register", "{\"service\": \"pay\", \"address\": \"http://h:2\"}", RequestId.HEADER, "reg-9");

    assertThat(log.events("instance_expired")).singleElement()
        .satisfies(line -> assertThat(line.requestId()).isNull());
    assertThat(log.events("instance_registered")).last()
        .satisfies(line -> assertThat(line.requestId()).isEqualTo("reg-9"));
  }

  @Test
  void heartbeatsReRegistrationsAndReadsLogNothing() {
    start(RegistryServer.builder());
    http.register("pay", "http://h:1");
    int before = log.lines().size();

    for (int i = 0; i < 50; i++) {
      assertThat(http.post("/heartbeat", "{\"service\": \"pay\", \"address\": \"http://h:1\"}").status()).isEqualTo(200);
      assertThat(http.register("pay", "http://h:1").status()).isEqualTo(200);
      assertThat(http.get("/discover/pay").status()).isEqualTo(200);
      assertThat(http.get("/discover/nobody").status()).isEqualTo(404);
    }
    assertThat(http.getText("/metrics").statusCode()).isEqualTo(200);

    assertThat(log.lines()).hasSize(before);
  }

  @Test
  void aConfigurationChangeIsOneLineWithItsKeysButNeverItsValues() {
    start(RegistryServer.builder());

    http.postWith("/config/pay", "{\"client\": \"acme\", \"set\": {\"db.password\": \"hunter2\", \"pool\": \"5\"}}",
        RequestId.HEADER, "set-config");
    http.post("/config/pay", "{\"client\": \"acme\", \"set\": {\"pool\": \"5\"}}");

    await().atMost(Duration.ofSeconds(5)).until(() -> log.events("config_changed").size() == 1);
    CapturedLog.Line changed = log.events("config_changed").get(0);
    assertThat(changed.requestId()).isEqualTo("set-config");
    assertThat(changed.fields()).containsEntry("service", "pay").containsEntry("scope", "client acme")
        .containsEntry("index", "1").containsEntry("keys", "db.password,pool").containsEntry("by", "anyone");
    assertThat(log.json()).doesNotContain("hunter2");
    assertThat(log.events("config_changed")).as("a write that changed nothing is not logged").hasSize(1);
  }

  @Test
  void aRefusedWriteIsOneLineWithItsStatusErrorCodeAndRequestId() {
    start(RegistryServer.builder().token("the-token"));
    String register = "{\"service\": \"pay\", \"address\": \"http://h:1\"}";

    assertThat(http.postWith("/register", register, RequestId.HEADER, "no-token").status()).isEqualTo(401);
    String secret = http.postWith("/register", register, "Authorization", "Bearer the-token")
        .json().get("instance_secret").asText();
    assertThat(http.postWith("/heartbeat", register, "Authorization", "Bearer the-token",
        RegistryHandler.SECRET_HEADER, secret + "x", RequestId.HEADER, "wrong-secret").status()).isEqualTo(403);

    await().atMost(Duration.ofSeconds(5)).until(() -> log.events("write_refused").size() == 2);
    List<CapturedLog.Line> refused = log.events("write_refused");
    assertThat(refused.get(0).requestId()).isEqualTo("no-token");
    assertThat(refused.get(0).fields()).containsEntry("method", "POST").containsEntry("route", "/register")
        .containsEntry("status", "401").containsEntry("error", "unauthorized").containsEntry("remote_address", "127.0.0.1")
        .containsKey("duration_ms");
    assertThat(refused.get(0).message()).matches("POST /register refused: 401 unauthorized after \\d+\\.\\d ms");
    assertThat(refused.get(1).requestId()).isEqualTo("wrong-secret");
    assertThat(refused.get(1).fields()).containsEntry("route", "/heartbeat").containsEntry("error", "forbidden");
    assertThat(log.json()).doesNotContain(secret);
  }

  @Test
  void anAnswerSlowerThanTheThresholdIsLoggedButALongPollNever() throws Exception {
    start(RegistryServer.builder().slowRequestThreshold(Duration.ofNanos(1)));  // every answer is slow
    http.register("pay", "http://h:1");
    long index = http.get("/discover/pay").json().get("index").asLong();
    CompletableFuture<TestHttp.Reply> poll = http.getAsync("/discover/pay?index=" + index + "&wait=200ms");
    assertThat(poll.get(5, TimeUnit.SECONDS).status()).isEqualTo(200);
    http.postWith("/heartbeat", "{\"service\": \"pay\", \"address\": \"http://h:1\"}", RequestId.HEADER, "hb-1");

    await().atMost(Duration.ofSeconds(5)).until(() -> log.events("request_slow").size() == 3);
    List<CapturedLog.Line> slow = log.events("request_slow");
    assertThat(slow).extracting(l -> l.field("route")).containsExactly("/register", "/discover/{service}", "/heartbeat");
    assertThat(slow.get(2).requestId()).isEqualTo("hb-1");
    assertThat(slow.get(2).message()).matches("POST /heartbeat was slow: 200 after \\d+\\.\\d ms");
  }

  @Test
  void theStartAndTheStopAreOneLineEach() {
    start(RegistryServer.builder());
    String uri = server.uri().toString();
    server.close();

    assertThat(log.events("server_started")).singleElement()
        .satisfies(line -> assertThat(line.field("uri")).isEqualTo(uri));
    assertThat(log.events("server_stopped")).hasSize(1);
  }
}
