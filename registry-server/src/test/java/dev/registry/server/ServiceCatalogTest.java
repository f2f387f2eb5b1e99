package dev.registry.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code GET /catalog?services=...}: one long-poll over several services, answering deltas. */
class ServiceCatalogTest {
  private final FakeClock clock = new FakeClock();
  private RegistryServer server;
  private TestHttp http;

  @BeforeEach
  void start() {
    server = RegistryServer.builder().host("127.0.0.1").port(0).clock(clock).build().start();
    http = new TestHttp(server.uri());
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private void awaitParked(int n) {
    await().atMost(Duration.ofSeconds(5)).until(() -> server.registry().watchCount() == n);
  }

  private static TestHttp.Reply get(CompletableFuture<TestHttp.Reply> poll) throws Exception {
    return poll.get(5, TimeUnit.SECONDS);
  }

  private static List<String> names(JsonNode catalog) {
    List<String> names = new ArrayList<>();
    catalog.get("services").fieldNames().forEachRemaining(names::add);
    return names;
  }

  @Test
  void withoutAnIndexTheAnswerHoldsEveryNamedServiceAndNoOther() {
    http.register("a", "http://h:1");
    http.register("b", "http://h:2");
    http.register("c", "http://h:3");

    TestHttp.Reply reply = http.get("/catalog?services=a,c,missing");

    assertThat(reply.status()).isEqualTo(200);
    assertThat(names(reply.json())).containsExactly("a", "c", "missing");
    assertThat(reply.json().get("delta").asBoolean()).isFalse();
    assertThat(reply.json().get("services").get("a").get("count").asInt()).isEqualTo(1);
    JsonNode missing = reply.json().get("services").get("missing");
    assertThat(missing.get("count").asInt()).isZero();
    assertThat(missing.get("instances")).isEmpty();
    long highest = Math.max(reply.json().get("services").get("a").get("index").asLong(),
        reply.json().get("services").get("c").get("index").asLong());
    assertThat(reply.json().get("index").asLong()).isEqualTo(highest);
    assertThat(reply.header("X-Registry-Index")).isEqualTo(Long.toString(highest));
  }

  @Test
  void indexZeroAnswersInFullAtOnce() throws Exception {
    TestHttp.Reply reply = get(http.getAsync("/catalog?services=a,b&index=0&wait=30s"));

    assertThat(names(reply.json())).containsExactly("a", "b");
    assertThat(server.registry().watchCount()).isZero();
  }

  @Test
  void aChangeOfAnotherServiceDoesNotWakeThePoll() throws Exception {
    http.register("a", "http://h:1");
    http.register("b", "http://h:2");
    long index = http.get("/catalog?services=a,b").json().get("index").asLong();
    CompletableFuture<TestHttp.Reply> poll = http.getAsync("/catalog?services=a,b&index=" + index + "&wait=500ms");
    awaitParked(2);

    http.register("other", "http://h:3");
    http.post("/status", "{\"service\": \"other\", \"address\": \"http://h:3\", \"status\": \"DOWN\"}");

    TestHttp.Reply reply = get(poll);  // the wait ended: nothing named changed
    assertThat(reply.json().get("index").asLong()).isEqualTo(index);
    assertThat(names(reply.json())).isEmpty();
    assertThat(server.registry().watchCount()).isZero();
  }

  @Test
  void aChangeOfANamedServiceWakesThePollWithOnlyThatService() throws Exception {
    http.register("a", "http://h:1");
    http.register("b", "http://h:2");
    long index = http.get("/catalog?services=a,b").json().get("index").asLong();
    CompletableFuture<TestHttp.Reply> poll = http.getAsync("/catalog?services=a,b&index=" + index + "&wait=30s");
    awaitParked(2);
    assertThat(poll).isNotDone();

    http.register("b", "http://h:4");

    TestHttp.Reply reply = get(poll);
    assertThat(names(reply.json())).containsExactly("b");
    assertThat(reply.json().get("delta").asBoolean()).isTrue();
    assertThat(reply.json().get("services").get("b").get("count").asInt()).isEqualTo(2);
    assertThat(reply.json().get("index").asLong()).isGreaterThan(index);
    // The fired watch is forgotten on every service it was parked on, not only the changed one.
    awaitParked(0);
  }

  @Test
  void aNamedServiceThatLosesItsLastInstanceComesBackEmpty() throws Exception {
    http.register("a", "http://h:1");
    http.register("b", "http://h:2");
    long index = http.get("/catalog?services=a,b").json().get("index").asLong();
    CompletableFuture<TestHttp.Reply> poll = http.getAsync("/catalog?services=a,b&index=" + index + "&wait=30s");
    awaitParked(2);

    http.post("/deregister", "{\"service\": \"a\", \"address\": \"http://h:1\"}");

    JsonNode a = get(poll).json().get("services").get("a");
    assertThat(a.get("count").asInt()).isZero();
    assertThat(a.get("instances")).isEmpty();
  }

  @Test
  void aServiceThatAppearsWakesAPollThatNamedIt() throws Exception {
    http.register("a", "http://h:1");
    long index = http.get("/catalog?services=a,later").json().get("index").asLong();
    CompletableFuture<TestHttp.Reply> poll = http.getAsync("/catalog?services=a,later&index=" + index + "&wait=30s");
    awaitParked(2);

    http.register("later", "http://h:2");

    TestHttp.Reply reply = get(poll);
    assertThat(names(reply.json())).containsExactly("later");
    assertThat(reply.json().get("services").get("later").get("count").asInt()).isEqualTo(1);
  }

  @Test
  void aDeltaHoldsEveryNamedServiceChangedSinceTheIndexAskedFor() {
    http.register("a", "http://h:1");
    long index = http.get("/catalog?services=a,b,c").json().get("index").asLong();
    http.register("b", "http://h:2");
    http.register("c", "http://h:3");

    TestHttp.Reply reply = http.get("/catalog?services=a,b,c&index=" + index + "&wait=30s");

    assertThat(names(reply.json())).containsExactly("b", "c");
  }

  @Test
  void anIndexAboveAnyTheRegistryHandedOutAnswersInFullAtOnce() throws Exception {
    // A client that watched a registry which then restarted asks with an index from before.
    http.register("a", "http://h:1");

    TestHttp.Reply reply = get(http.getAsync("/catalog?services=a,b&index=1000&wait=30s"));

    assertThat(names(reply.json())).containsExactly("a", "b");
    assertThat(reply.json().get("delta").asBoolean()).isFalse();
    assertThat(reply.json().get("index").asLong()).isLessThan(1000);
    assertThat(reply.json().get("epoch").asText()).isNotEmpty();
    assertThat(reply.json().get("services").get("b").get("count").asInt()).isZero();
  }

  @Test
  void aStageIsHonoured() {
    http.post("/register", "{\"service\": \"a\", \"address\": \"http://h:1\", \"stage\": \"prod\"}");

    assertThat(http.get("/catalog?stage=prod&services=a").json().get("services").get("a").get("count").asInt())
        .isEqualTo(1);
    assertThat(http.get("/catalog?services=a").json().get("services").get("a").get("count").asInt()).isZero();
  }

  @Test
  void duplicatesAreNamedOnce() {
    http.register("a", "http://h:1");

    assertThat(names(http.get("/catalog?services=a,a,a").json())).containsExactly("a");
  }

  @Test
  void aBadNameIsRefusedNamingIt() {
    for (String bad : List.of("", "a,", ",a", "a,,b", "a,b%20c", "a,-x", "a,%2Fetc")) {
      TestHttp.Reply reply = http.get("/catalog?services=" + bad);
      assertThat(reply.status()).as(bad).isEqualTo(400);
      assertThat(reply.json().get("error").asText()).as(bad).isEqualTo("invalid_query");
      assertThat(reply.json().get("message").asText()).as(bad).contains("services");
    }
    assertThat(http.get("/catalog?services=a,b%20c").json().get("message").asText()).contains("'b c'");
  }

  @Test
  void atMostAThousandServicesMayBeNamed() {
    StringBuilder names = new StringBuilder("s0");
    for (int i = 1; i < RegistryHandler.MAX_CATALOG_SERVICES; i++) {
      names.append(",s").append(i);
    }
    // Within Jetty's 8 KiB request head: short names.
    assertThat(http.get("/catalog?services=" + names).status()).isEqualTo(200);

    TestHttp.Reply reply = http.get("/catalog?services=" + names + ",x");
    assertThat(reply.status()).isEqualTo(400);
    assertThat(reply.json().get("error").asText()).isEqualTo("invalid_query");
    assertThat(reply.json().get("message").asText()).contains("at most 1000");
  }

  @Test
  void aPollerThatGoesAwayLeavesNoWatchBehind() throws Exception {
    http.register("a", "http://h:1");
    long index = http.get("/catalog?services=a,b").json().get("index").asLong();
    TestHttp.Reply reply = get(http.getAsync("/catalog?services=a,b&index=" + index + "&wait=200ms"));

    assertThat(reply.status()).isEqualTo(200);
    assertThat(server.registry().watchCount()).isZero();
    server.sweep();
    // The unnamed, never-registered b was only held for the watch and is pruned again.
    assertThat(server.registry().allViews()).extracting(ServiceView::service).containsExactly("a");
  }

  @Test
  void theEpochStaysForARunAndChangesWithARestart() {
    String epoch = http.get("/catalog?services=a").json().get("epoch").asText();
    assertThat(http.get("/catalog?services=b").json().get("epoch").asText()).isEqualTo(epoch);
    int port = server.port();
    server.close();
    server = RegistryServer.builder().host("127.0.0.1").port(port).clock(clock).build().start();

    assertThat(http.get("/catalog?services=a").json().get("epoch").asText()).isNotEqualTo(epoch);
  }

  @Test
  void theCatalogWithoutServicesIsUnchanged() {
    http.register("a", "http://h:1");
    http.register("b", "http://h:2");

    TestHttp.Reply reply = http.get("/catalog");
    assertThat(names(reply.json())).containsExactly("a", "b");
    assertThat(reply.json().has("delta")).isFalse();
  }
}
