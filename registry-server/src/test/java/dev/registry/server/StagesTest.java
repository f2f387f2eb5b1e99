package dev.registry.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the dashboard reads beyond the seed's routes: {@code GET /stages} (every stage, long-polled
 * on any change) and each instance's {@code lease_remaining_seconds}.
 */
class StagesTest {
  private final FakeClock clock = new FakeClock();
  private RegistryServer server;
  private TestHttp http;

  @BeforeEach
  void start() {
    server = RegistryServer.builder().port(0).clock(clock).build().start();
    http = new TestHttp(server.uri());
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private void register(String service, String stage, String address, int ttlSeconds) {
    TestHttp.Reply reply = http.post("/register", "{\"service\": \"" + service + "\", \"stage\": \"" + stage
        + "\", \"address\": \"" + address + "\", \"ttl_seconds\": " + ttlSeconds + "}");
    assertThat(reply.status()).isEqualTo(201);
  }

  /** A /stages long-poll from {@code index}, once the server holds it (a change cannot race it). */
  private CompletableFuture<TestHttp.Reply> parkedPoll(long index, String wait) {
    CompletableFuture<TestHttp.Reply> poll = http.getAsync("/stages?index=" + index + "&wait=" + wait);
    await().atMost(Duration.ofSeconds(5)).until(() -> server.registry().watchCount() == 1);
    return poll;
  }

  private static TestHttp.Reply get(CompletableFuture<TestHttp.Reply> poll) throws Exception {
    return poll.get(5, TimeUnit.SECONDS);
  }

  @Test
  void stagesListsEveryStageWithALiveInstanceAndItsCatalogIndex() {
    register("payment", "production", "http://10.0.0.1:80", 30);
    register("payment", "production", "http://10.0.0.2:80", 30);
    register("users", "production", "http://10.0.0.3:80", 30);
    register("payment", "staging", "http://10.0.1.1:80", 30);

    TestHttp.Reply reply = http.get("/stages");

    assertThat(reply.status()).isEqualTo(200);
    JsonNode stages = reply.json().get("stages");
    assertThat(stages.fieldNames()).toIterable().containsExactly("production", "staging");
    assertThat(stages.get("production").get("services").asInt()).isEqualTo(2);
    assertThat(stages.get("production").get("instances").asInt()).isEqualTo(3);
    assertThat(stages.get("production").get("index").asLong())
        .isEqualTo(http.get("/catalog?stage=production").json().get("index").asLong());
    assertThat(stages.get("staging").get("index").asLong())
        .isEqualTo(http.get("/catalog?stage=staging").json().get("index").asLong());
    assertThat(reply.json().get("index").asLong()).isEqualTo(4).isEqualTo(server.registry().revision());
    assertThat(reply.header("X-Registry-Index")).isEqualTo("4");
    assertThat(reply.json().get("epoch").asText()).isEqualTo(server.registry().epoch);
  }

  @Test
  void aStageWhoseLastInstanceLeftIsNoLongerListed() {
    register("payment", "staging", "http://10.0.1.1:80", 30);
    http.post("/deregister", "{\"service\": \"payment\", \"stage\": \"staging\", \"address\": \"http://10.0.1.1:80\"}");

    assertThat(http.get("/stages").json().get("stages").isEmpty()).isTrue();
  }

  @Test
  void aStagesLongPollIsWokenByARegistrationInAStageNotSeenBefore() throws Exception {
    register("payment", "production", "http://10.0.0.1:80", 30);
    long index = http.get("/stages").json().get("index").asLong();
    CompletableFuture<TestHttp.Reply> poll = parkedPoll(index, "30s");
    assertThat(poll).isNotDone();

    register("payment", "canary", "http://10.0.2.1:80", 30);

    JsonNode answer = get(poll).json();
    assertThat(answer.get("index").asLong()).isGreaterThan(index);
    assertThat(answer.get("stages").fieldNames()).toIterable().containsExactly("canary", "production");
  }

  @Test
  void aStagesLongPollIsWokenByAStatusChangeAndByAnExpiry() throws Exception {
    register("payment", "production", "http://10.0.0.1:80", 30);
    register("payment", "staging", "http://10.0.1.1:80", 5);
    long index = http.get("/stages").json().get("index").asLong();

    CompletableFuture<TestHttp.Reply> poll = parkedPoll(index, "30s");
    http.post("/status", "{\"service\": \"payment\", \"stage\": \"production\", \"address\": \"http://10.0.0.1:80\","
        + " \"status\": \"OUT_OF_SERVICE\"}");
    JsonNode changed = get(poll).json();
    assertThat(changed.get("index").asLong()).isEqualTo(index + 1);

    poll = parkedPoll(changed.get("index").asLong(), "30s");
    clock.advance(Duration.ofSeconds(6));
    server.sweep();
    JsonNode expired = get(poll).json();
    assertThat(expired.get("stages").fieldNames()).toIterable().containsExactly("production");
  }

  @Test
  void aHeartbeatDoesNotWakeAStagesLongPollAndItsWaitEndsWithTheSameIndex() throws Exception {
    register("payment", "production", "http://10.0.0.1:80", 30);
    long index = http.get("/stages").json().get("index").asLong();
    CompletableFuture<TestHttp.Reply> poll = parkedPoll(index, "300ms");

    http.post("/heartbeat", "{\"service\": \"payment\", \"stage\": \"production\", \"address\": \"http://10.0.0.1:80\"}");

    assertThat(get(poll).json().get("index").asLong()).isEqualTo(index);
    assertThat(server.registry().watchCount()).isZero();
  }

  @Test
  void aHeldStagesLongPollIsAnsweredWhenTheServerCloses() throws Exception {
    long index = http.get("/stages").json().get("index").asLong();
    CompletableFuture<TestHttp.Reply> poll = parkedPoll(index, "30s");

    server.close();

    assertThat(get(poll).status()).isEqualTo(200);
  }

  @Test
  void eachInstanceSaysHowLongItsLeaseHasLeftAndAHeartbeatRenewsIt() {
    register("payment", "production", "http://10.0.0.1:80", 15);
    clock.advance(Duration.ofMillis(4_500));

    JsonNode instance = http.get("/discover/payment?stage=production").json().get("instances").get(0);
    assertThat(instance.get("lease_remaining_seconds").asDouble()).isEqualTo(10.5);
    assertThat(instance.get("uptime_seconds").asDouble()).isEqualTo(4.5);

    http.post("/heartbeat", "{\"service\": \"payment\", \"stage\": \"production\", \"address\": \"http://10.0.0.1:80\"}");
    JsonNode renewed = http.get("/catalog?stage=production").json()
        .get("services").get("payment").get("instances").get(0);
    assertThat(renewed.get("lease_remaining_seconds").asDouble()).isEqualTo(15.0);
    assertThat(renewed.get("uptime_seconds").asDouble()).isEqualTo(4.5);
  }
}
