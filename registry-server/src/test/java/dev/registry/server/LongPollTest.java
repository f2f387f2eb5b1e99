package dev.registry.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The long-poll watch over real HTTP: what wakes it, what does not, and its end. */
class LongPollTest {
  private final FakeClock clock = new FakeClock();
  private RegistryServer server;
  private TestHttp http;

  private void start(Clock withClock) {
    server = RegistryServer.builder().port(0).clock(withClock).build().start();
    http = new TestHttp(server.uri());
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private long index(String service) {
    return http.get("/discover/" + service).json().get("index").asLong();
  }

  /** Waits until the server holds {@code n} parked watches, so a change cannot race the park. */
  private void awaitParked(int n) {
    await().atMost(Duration.ofSeconds(5)).until(() -> server.registry().watchCount() == n);
  }

  private static TestHttp.Reply get(CompletableFuture<TestHttp.Reply> poll) throws Exception {
    return poll.get(5, TimeUnit.SECONDS);
  }

  @Test
  void aLongPollIsWokenByARegistration() throws Exception {
    start(clock);
    http.register("s", "http://h:1");
    long index = index("s");
    CompletableFuture<TestHttp.Reply> poll = http.getAsync("/discover/s?index=" + index + "&wait=30s");
    awaitParked(1);
    assertThat(poll).isNotDone();

    http.register("s", "http://h:2");

    TestHttp.Reply reply = get(poll);
    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.json().get("count").asInt()).isEqualTo(2);
    assertThat(reply.json().get("index").asLong()).isGreaterThan(index);
    assertThat(reply.header("X-Registry-Index")).isEqualTo(reply.json().get("index").asText());
  }

  @Test
  void aLongPollIsWokenByADeregistration() throws Exception {
    start(clock);
    http.register("s", "http://h:1");
    CompletableFuture<TestHttp.Reply> poll = http.getAsync("/discover/s?index=" + index("s") + "&wait=30s");
    awaitParked(1);

    http.post("/deregister", "{\"service\": \"s\", \"address\": \"http://h:1\"}");

    TestHttp.Reply reply = get(poll);
    assertThat(reply.status()).isEqualTo(404);
    assertThat(reply.json().get("instances")).isEmpty();
  }

  @Test
  void aLongPollIsWokenByAStatusChange() throws Exception {
    start(clock);
    http.register("s", "http://h:1");
    CompletableFuture<TestHttp.Reply> poll = http.getAsync("/discover/s?index=" + index("s") + "&wait=30s");
    awaitParked(1);

    http.post("/status", "{\"service\": \"s\", \"address\": \"http://h:1\", \"status\": \"DOWN\"}");

    assertThat(get(poll).json().get("instances").get(0).get("status").asText()).isEqualTo("DOWN");
  }

  @Test
  void aLongPollIsWokenByAnExpiryWhenTheSweepRuns() throws Exception {
    start(clock);
    http.register("s", "http://h:1");
    CompletableFuture<TestHttp.Reply> poll = http.getAsync("/discover/s?index=" + index("s") + "&wait=30s");
    awaitParked(1);

    clock.advance(Duration.ofSeconds(31));
    server.sweep();

    assertThat(get(poll).status()).isEqualTo(404);
  }

  @Test
  void aHeartbeatDoesNotWakeALongPoll() throws Exception {
    start(clock);
    http.register("s", "http://h:1");
    long index = index("s");
    CompletableFuture<TestHttp.Reply> poll = http.getAsync("/discover/s?index=" + index + "&wait=300ms");
    awaitParked(1);

    http.post("/heartbeat", "{\"service\": \"s\", \"address\": \"http://h:1\"}");
    http.register("s", "http://h:1");

    TestHttp.Reply reply = get(poll);
    assertThat(reply.json().get("index").asLong()).isEqualTo(index);
  }

  @Test
  void aLongPollThatWaitsOutItsWaitGetsTheSameIndex() throws Exception {
    start(clock);
    http.register("s", "http://h:1");
    long index = index("s");
    long started = System.nanoTime();

    TestHttp.Reply reply = get(http.getAsync("/discover/s?index=" + index + "&wait=200ms"));

    assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(190));
    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.json().get("index").asLong()).isEqualTo(index);
    assertThat(server.registry().watchCount()).isZero();
  }

  @Test
  void aLongPollWithAStaleIndexAnswersAtOnce() throws Exception {
    start(clock);
    http.register("s", "http://h:1");

    TestHttp.Reply reply = get(http.getAsync("/discover/s?index=999&wait=30s"));

    assertThat(reply.json().get("index").asLong()).isEqualTo(index("s"));
  }

  @Test
  void aWatchOnAServiceThatDoesNotExistYetWaitsForItToAppear() throws Exception {
    start(clock);
    TestHttp.Reply unknown = http.get("/discover/later");
    assertThat(unknown.status()).isEqualTo(404);
    CompletableFuture<TestHttp.Reply> poll =
        http.getAsync("/discover/later?index=" + unknown.json().get("index").asLong() + "&wait=30s");
    awaitParked(1);
    http.register("other", "http://h:9");
    assertThat(poll).isNotDone();

    http.register("later", "http://h:1");

    TestHttp.Reply reply = get(poll);
    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.json().get("count").asInt()).isEqualTo(1);
  }

  @Test
  void aWatchOnOneStageIsNotWokenByAnother() throws Exception {
    start(clock);
    http.post("/register", "{\"service\": \"s\", \"address\": \"http://h:1\", \"stage\": \"prod\"}");
    long index = http.get("/discover/s?stage=prod").json().get("index").asLong();
    CompletableFuture<TestHttp.Reply> poll = http.getAsync("/discover/s?stage=prod&index=" + index + "&wait=30s");
    awaitParked(1);

    http.post("/register", "{\"service\": \"s\", \"address\": \"http://h:2\", \"stage\": \"test\"}");
    assertThat(poll).isNotDone();
    http.post("/register", "{\"service\": \"s\", \"address\": \"http://h:3\", \"stage\": \"prod\"}");

    assertThat(get(poll).json().get("count").asInt()).isEqualTo(2);
  }

  @Test
  void aCatalogLongPollIsWokenByAChangeToAnyServiceOfItsStage() throws Exception {
    start(clock);
    http.register("a", "http://h:1");
    long index = http.get("/catalog").json().get("index").asLong();
    CompletableFuture<TestHttp.Reply> poll = http.getAsync("/catalog?index=" + index + "&wait=30s");
    awaitParked(1);

    http.register("b", "http://h:2");

    TestHttp.Reply reply = get(poll);
    assertThat(reply.json().get("index").asLong()).isGreaterThan(index);
    assertThat(reply.json().get("services").size()).isEqualTo(2);
  }

  @Test
  void aCatalogLongPollSeesAServiceVanish() throws Exception {
    start(clock);
    http.register("a", "http://h:1");
    http.register("b", "http://h:2");
    long index = http.get("/catalog").json().get("index").asLong();
    CompletableFuture<TestHttp.Reply> poll = http.getAsync("/catalog?index=" + index + "&wait=30s");
    awaitParked(1);

    http.post("/deregister", "{\"service\": \"a\", \"address\": \"http://h:1\"}");

    TestHttp.Reply reply = get(poll);
    assertThat(reply.json().get("services").has("a")).isFalse();
    assertThat(reply.json().get("index").asLong()).isGreaterThan(index);
  }

  @Test
  void aHeldLongPollIsAnsweredWithTheCurrentViewOnClose() throws Exception {
    start(clock);
    http.register("s", "http://h:1");
    long index = index("s");
    CompletableFuture<TestHttp.Reply> poll = http.getAsync("/discover/s?index=" + index + "&wait=300s");
    CompletableFuture<TestHttp.Reply> catalogPoll = http.getAsync("/catalog?index=" + index + "&wait=300s");
    awaitParked(2);

    long started = System.nanoTime();
    server.close();

    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
    TestHttp.Reply reply = get(poll);
    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.json().get("index").asLong()).isEqualTo(index);
    assertThat(get(catalogPoll).status()).isEqualTo(200);
  }

  @Test
  void anExpiryWakesAWatcherWithinASecondOfTheLeaseEndingWithoutASweepCall() throws Exception {
    // Real time here: the expiry timer, not the cleanup sweep (an hour away), must do it.
    server = RegistryServer.builder().port(0).cleanupInterval(Duration.ofHours(1)).build().start();
    http = new TestHttp(server.uri());
    http.post("/register", "{\"service\": \"s\", \"address\": \"http://h:1\", \"ttl_seconds\": 1}");
    long registeredAt = System.nanoTime();
    CompletableFuture<TestHttp.Reply> poll = http.getAsync("/discover/s?index=" + index("s") + "&wait=30s");

    TestHttp.Reply reply = get(poll);

    Duration afterLeaseEnd = Duration.ofNanos(System.nanoTime() - registeredAt).minusSeconds(1);
    assertThat(reply.status()).isEqualTo(404);
    assertThat(afterLeaseEnd).isLessThan(Duration.ofSeconds(1));
  }

  @Test
  void manyWatchersOfOneServiceAllWakeOnOneChange() throws Exception {
    start(clock);
    http.register("s", "http://h:1");
    long index = index("s");
    CompletableFuture<?>[] polls = new CompletableFuture<?>[200];
    for (int i = 0; i < polls.length; i++) {
      polls[i] = http.getAsync("/discover/s?index=" + index + "&wait=30s");
    }
    awaitParked(polls.length);

    http.register("s", "http://h:2");

    CompletableFuture.allOf(polls).get(10, TimeUnit.SECONDS);
    for (CompletableFuture<?> poll : polls) {
      assertThat(((TestHttp.Reply) poll.get()).json().get("count").asInt()).isEqualTo(2);
    }
  }

  @Test
  void watchersOfTwoServicesWokenTogetherEachGetTheirOwnServicesView() throws Exception {
    start(clock);
    http.register("s", "http://h:1");
    http.register("t", "http://h:1");
    long s = index("s");
    long t = index("t");
    // More than one chunk of each (RegistryHandler.WAKE_CHUNK), interleaved.
    int each = 3 * RegistryHandler.WAKE_CHUNK;
    CompletableFuture<?>[] polls = new CompletableFuture<?>[2 * each];
    for (int i = 0; i < each; i++) {
      polls[2 * i] = http.getAsync("/discover/s?index=" + s + "&wait=30s");
      polls[2 * i + 1] = http.getAsync("/discover/t?index=" + t + "&wait=30s");
    }
    awaitParked(polls.length);

    http.register("s", "http://h:2");
    http.register("t", "http://h:2");
    http.register("t", "http://h:3");

    CompletableFuture.allOf(polls).get(10, TimeUnit.SECONDS);
    for (int i = 0; i < polls.length; i++) {
      var json = ((TestHttp.Reply) polls[i].get()).json();
      String service = i % 2 == 0 ? "s" : "t";
      assertThat(json.get("service").asText()).isEqualTo(service);
      // Woken by the first change of its service: s then has 2 instances; t has 2 (or 3 if the
      // answer was written after the second change of t).
      assertThat(json.get("count").asInt()).as("%s", json).isBetween(2, service.equals("s") ? 2 : 3);
      assertThat(json.get("instances")).as("%s", json).hasSize(json.get("count").asInt());
      assertThat(json.get("index").asLong()).isGreaterThan(service.equals("s") ? s : t);
    }
  }
}
