package dev.registry.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Central configuration over real HTTP: how a reader's configuration is resolved from the
 * scopes, the long-poll that a change wakes, declared defaults, the history, the limits, and
 * which index each instance reports it has applied.
 */
class ConfigurationTest {
  private final FakeClock clock = new FakeClock();
  private RegistryServer server;
  private TestHttp http;

  @BeforeEach
  void start() {
    server = RegistryServer.builder().port(0).clock(clock).maxConfigEntries(12).maxConfigValueLength(20).build().start();
    http = new TestHttp(server.uri());
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private JsonNode write(String service, String body) {
    TestHttp.Reply reply = http.post("/config/" + service, body);
    assertThat(reply.status()).as(reply.json().toString()).isEqualTo(200);
    return reply.json();
  }

  /** The values a reader sees, by key. */
  private Map<String, String> values(String service, String query) {
    Map<String, String> values = new TreeMap<>();
    http.get("/config/" + service + query).json().path("entries").properties()
        .forEach(e -> values.put(e.getKey(), e.getValue().path("value").asText()));
    return values;
  }

  private void awaitParked(int n) {
    await().atMost(Duration.ofSeconds(5)).until(() -> server.configurations().watchCount() == n);
  }

  private static TestHttp.Reply get(CompletableFuture<TestHttp.Reply> poll) throws Exception {
    return poll.get(5, TimeUnit.SECONDS);
  }

  // ---------------------------------------------------------------- resolution

  @Test
  void theMostSpecificScopeWinsClientOverRegionOverStageOverTheService() {
    write("payment", "{\"set\": {\"timeout\": \"1s\", \"retries\": \"3\", \"currency\": \"EUR\", \"log\": \"info\"}}");
    write("payment", "{\"stage\": \"production\", \"set\": {\"timeout\": \"2s\", \"retries\": \"5\", \"log\": \"warn\"}}");
    write("payment", "{\"region\": \"us-east-1\", \"set\": {\"timeout\": \"3s\", \"currency\": \"USD\"}}");
    write("payment", "{\"client\": \"acme\", \"set\": {\"timeout\": \"4s\"}}");

    assertThat(values("payment", "?stage=production&region=us-east-1&client=acme"))
        .isEqualTo(Map.of("timeout", "4s", "retries", "5", "currency", "USD", "log", "warn"));
    assertThat(values("payment", "?stage=production&region=eu-west-1"))
        .isEqualTo(Map.of("timeout", "2s", "retries", "5", "currency", "EUR", "log", "warn"));
    assertThat(values("payment", "?stage=staging&client=globex"))
        .isEqualTo(Map.of("timeout", "1s", "retries", "3", "currency", "EUR", "log", "info"));
    assertThat(values("payment", ""))
        .as("no stage reads the default stage").isEqualTo(Map.of("timeout", "1s", "retries", "3", "currency", "EUR",
            "log", "info"));

    JsonNode answer = http.get("/config/payment?stage=production&region=us-east-1&client=acme").json();
    assertThat(answer.path("entries").path("timeout").path("scope").toString()).isEqualTo("{\"client\":\"acme\"}");
    assertThat(answer.path("entries").path("currency").path("scope").toString()).isEqualTo("{\"region\":\"us-east-1\"}");
    assertThat(answer.path("entries").path("log").path("scope").toString()).isEqualTo("{\"stage\":\"production\"}");
    assertThat(answer.path("entries").path("retries").path("scope").toString()).isEqualTo("{\"stage\":\"production\"}");
    assertThat(answer.path("index").asLong()).isEqualTo(4);
    assertThat(answer.path("epoch").asText()).isEqualTo(server.registry().epoch);
  }

  @Test
  void aScopeOfSeveralFieldsAppliesOnlyWhereAllMatchAndOutranksEachOfThem() {
    write("payment", "{\"client\": \"acme\", \"set\": {\"limit\": \"100\"}}");
    write("payment", "{\"stage\": \"production\", \"client\": \"acme\", \"set\": {\"limit\": \"500\"}}");

    assertThat(values("payment", "?stage=production&client=acme")).containsEntry("limit", "500");
    assertThat(values("payment", "?stage=staging&client=acme")).containsEntry("limit", "100");
    assertThat(values("payment", "?stage=production")).doesNotContainKey("limit");
  }

  @Test
  void aServiceWithoutConfigurationAnswersEmptyAtIndexZero() {
    JsonNode answer = http.get("/config/nobody").json();
    assertThat(answer.path("index").asLong()).isZero();
    assertThat(answer.path("entries").size()).isZero();
    assertThat(http.get("/config/nobody").header("X-Registry-Index")).isEqualTo("0");
  }

  @Test
  void deletingAKeyUncoversTheLessSpecificValue() {
    write("payment", "{\"set\": {\"timeout\": \"1s\"}}");
    write("payment", "{\"stage\": \"production\", \"set\": {\"timeout\": \"2s\"}}");

    JsonNode deleted = write("payment", "{\"stage\": \"production\", \"delete\": [\"timeout\", \"never-set\"]}");

    assertThat(deleted.path("changed").toString()).isEqualTo("[\"timeout\"]");
    assertThat(values("payment", "?stage=production")).containsEntry("timeout", "1s");
  }

  @Test
  void writingWhatIsAlreadyThereTakesNoIndex() {
    long index = write("payment", "{\"set\": {\"timeout\": \"1s\"}}").path("index").asLong();

    JsonNode again = write("payment", "{\"set\": {\"timeout\": \"1s\"}, \"delete\": [\"absent\"]}");

    assertThat(again.path("index").asLong()).isEqualTo(index);
    assertThat(again.path("changed").size()).isZero();
    assertThat(http.get("/config/payment/history").json().path("changes").size()).isEqualTo(1);
  }

  // ---------------------------------------------------------------- defaults

  @Test
  void declaredDefaultsAreWrittenOnlyWhereNoValueExistsAndKeepTheirDescription() {
    write("payment", "{\"set\": {\"timeout\": \"9s\"}}");

    JsonNode declared = write("payment", "{\"defaults\": {\"timeout\": {\"value\": \"1s\", \"description\": \"call"
        + " timeout\"}, \"retries\": {\"value\": \"3\", \"description\": \"attempts per call\"}, \"mode\": \"fast\"}}");

    assertThat(declared.path("changed").toString()).isEqualTo("[\"mode\",\"retries\"]");
    assertThat(values("payment", "")).isEqualTo(Map.of("timeout", "9s", "retries", "3", "mode", "fast"));
    JsonNode entries = http.get("/config/payment/entries").json().path("entries");
    Map<String, String> descriptions = new TreeMap<>();
    entries.forEach(e -> descriptions.put(e.path("key").asText(), e.path("description").asText(null)));
    assertThat(descriptions).containsEntry("retries", "attempts per call").containsEntry("mode", null)
        .containsEntry("timeout", null);

    write("payment", "{\"set\": {\"retries\": \"7\"}}");
    write("payment", "{\"defaults\": {\"retries\": {\"value\": \"3\", \"description\": \"changed\"}}}");
    JsonNode retries = null;
    for (JsonNode e : http.get("/config/payment/entries").json().path("entries")) {
      if (e.path("key").asText().equals("retries")) {
        retries = e;
      }
    }
    assertThat(retries.path("value").asText()).as("declaring again never overwrites").isEqualTo("7");
    assertThat(retries.path("description").asText()).as("an operator's value keeps the description")
        .isEqualTo("attempts per call");
  }

  // ---------------------------------------------------------------- long-poll

  @Test
  void aChangeAtAnyScopeThatAffectsTheReaderWakesItsLongPoll() throws Exception {
    String reader = "/config/payment?stage=production&region=eu-west-1&client=acme";
    List<String> scopes = List.of("", "\"stage\": \"production\", ", "\"region\": \"eu-west-1\", ",
        "\"client\": \"acme\", ", "\"stage\": \"production\", \"client\": \"acme\", ");
    for (String scope : scopes) {
      long index = http.get(reader).json().path("index").asLong();
      CompletableFuture<TestHttp.Reply> poll = http.getAsync(reader + "&index=" + index + "&wait=30s");
      awaitParked(1);

      write("payment", "{" + scope + "\"set\": {\"k\": \"" + scope.length() + "\"}}");

      TestHttp.Reply reply = get(poll);
      assertThat(reply.json().path("index").asLong()).as(scope).isGreaterThan(index);
      assertThat(reply.json().path("entries").path("k").path("value").asText()).as(scope)
          .isEqualTo(String.valueOf(scope.length()));
    }
  }

  @Test
  void aChangeThatDoesNotAffectTheReaderLeavesItsLongPollWaiting() throws Exception {
    write("payment", "{\"set\": {\"k\": \"v\"}}");
    long index = http.get("/config/payment?client=acme").json().path("index").asLong();
    CompletableFuture<TestHttp.Reply> acme = http.getAsync("/config/payment?client=acme&index=" + index + "&wait=30s");
    CompletableFuture<TestHttp.Reply> other = http.getAsync("/config/other?index=0&wait=30s");
    awaitParked(2);

    write("payment", "{\"client\": \"globex\", \"set\": {\"k\": \"g\"}}");
    write("payment", "{\"stage\": \"staging\", \"set\": {\"k\": \"s\"}}");
    write("payment", "{\"region\": \"us-east-1\", \"set\": {\"k\": \"r\"}}");

    assertThat(server.configurations().watchCount()).isEqualTo(2);
    assertThat(acme).isNotDone();
    write("payment", "{\"set\": {\"k\": \"w\"}}");
    assertThat(get(acme).json().path("entries").path("k").path("value").asText()).isEqualTo("w");
    assertThat(other).isNotDone();
  }

  @Test
  void aLongPollWhoseWaitEndsGetsTheServicesIndexAndAStaleOneAnswersAtOnce() throws Exception {
    write("payment", "{\"set\": {\"k\": \"v\"}}");
    write("payment", "{\"client\": \"globex\", \"set\": {\"k\": \"g\"}}");

    TestHttp.Reply waited = http.get("/config/payment?client=acme&index=2&wait=50ms");
    assertThat(waited.json().path("index").asLong()).isEqualTo(2);

    TestHttp.Reply stale = http.get("/config/payment?client=acme&index=1&wait=30s");
    assertThat(stale.json().path("index").asLong()).isEqualTo(2);
    assertThat(stale.json().path("entries").path("k").path("value").asText()).isEqualTo("v");
  }

  @Test
  void aReaderWhoseIndexCameFromAnotherRunOfTheServerIsAnsweredAtOnce() {
    write("payment", "{\"set\": {\"k\": \"v\"}}");

    TestHttp.Reply reply = http.get("/config/payment?index=1&epoch=another-run&wait=30s");

    assertThat(reply.json().path("index").asLong()).isEqualTo(1);
    assertThat(reply.json().path("epoch").asText()).isEqualTo(server.registry().epoch);
  }

  @Test
  void theEntriesRouteLongPollsOnAnyChangeOfTheService() throws Exception {
    CompletableFuture<TestHttp.Reply> poll = http.getAsync("/config/payment/entries?index=0&wait=30s");
    awaitParked(1);

    write("payment", "{\"client\": \"acme\", \"set\": {\"k\": \"v\"}}");

    JsonNode entries = get(poll).json();
    assertThat(entries.path("count").asInt()).isEqualTo(1);
    assertThat(entries.path("entries").get(0).path("scope").path("client").asText()).isEqualTo("acme");
  }

  @Test
  void closingTheServerAnswersHeldConfigurationPolls() throws Exception {
    CompletableFuture<TestHttp.Reply> poll = http.getAsync("/config/payment?index=0&wait=60s");
    awaitParked(1);

    server.close();

    assertThat(get(poll).status()).isEqualTo(200);
  }

  // ---------------------------------------------------------------- history

  @Test
  void theHistoryKeepsTimeScopeKeyOldAndNewValueNewestFirstAndForgetsTheOldest() {
    write("payment", "{\"set\": {\"timeout\": \"1s\"}}");
    clock.advance(Duration.ofSeconds(5));
    write("payment", "{\"stage\": \"production\", \"set\": {\"timeout\": \"2s\"}}");
    write("payment", "{\"stage\": \"production\", \"set\": {\"timeout\": \"3s\"}}");
    write("payment", "{\"stage\": \"production\", \"delete\": [\"timeout\"]}");

    JsonNode changes = http.get("/config/payment/history").json().path("changes");
    assertThat(changes).hasSize(4);
    JsonNode last = changes.get(0);
    assertThat(last.path("index").asLong()).isEqualTo(4);
    assertThat(last.path("scope").toString()).isEqualTo("{\"stage\":\"production\"}");
    assertThat(last.path("key").asText()).isEqualTo("timeout");
    assertThat(last.path("old").asText()).isEqualTo("3s");
    assertThat(last.path("new").isNull()).isTrue();
    assertThat(last.path("by").asText()).isEqualTo("anyone");
    assertThat(last.path("time").asText()).isEqualTo(java.time.Instant.ofEpochMilli(clock.millis()).toString());
    assertThat(changes.get(2).path("old").isNull()).isTrue();
    assertThat(changes.get(3).path("scope").toString()).isEqualTo("{}");

    for (int i = 0; i < Configurations.HISTORY; i++) {
      write("payment", "{\"set\": {\"n\": \"" + i + "\"}}");
    }
    JsonNode kept = http.get("/config/payment/history").json().path("changes");
    assertThat(kept).hasSize(Configurations.HISTORY);
    assertThat(kept.get(0).path("new").asText()).isEqualTo(String.valueOf(Configurations.HISTORY - 1));
    assertThat(kept.get(Configurations.HISTORY - 1).path("index").asLong()).isEqualTo(5);
  }

  // ---------------------------------------------------------------- limits and bad input

  @Test
  void badWritesAre4xxNamingTheKeyAndChangeNothing() {
    write("payment", "{\"set\": {\"a\": \"1\", \"b\": \"2\", \"c\": \"3\", \"d\": \"4\", \"e\": \"5\"}}");
    write("payment", "{\"client\": \"acme\", \"set\": {\"a\": \"1\", \"b\": \"2\", \"c\": \"3\", \"d\": \"4\","
        + " \"e\": \"5\", \"f\": \"6\"}}");
    long index = server.configurations().revision();
    Map<String, String> bad = new java.util.LinkedHashMap<>();
    bad.put("{\"set\": {\"ok\": \"1\", \"bad key\": \"2\"}}", "'bad key'");
    bad.put("{\"set\": {\"ok\": \"1\", \"long\": \"" + "x".repeat(21) + "\"}}", "set.long is longer than 20");
    bad.put("{\"set\": {\"n\": 5}}", "set.n must be a string, not a number");
    bad.put("{\"set\": {\"f\": \"1\", \"g\": \"2\"}}", "would hold 13 entries with 'f'");
    bad.put("{\"set\": {\"a\": \"9\"}, \"delete\": [\"a\"]}", "'a' is in both set and delete");
    bad.put("{\"delete\": \"a\"}", "delete must be an array");
    bad.put("{\"delete\": [1]}", "delete must hold keys");
    bad.put("{\"defaults\": {\"x\": {\"description\": \"no value\"}}}", "defaults.x.value is required");
    bad.put("{\"defaults\": {\"x\": {\"value\": \"1\", \"description\": \"two\\nlines\"}}}", "one line");
    bad.put("{\"stage\": \"bad stage\", \"set\": {\"a\": \"1\"}}", "stage must be");
    bad.put("{\"client\": 7, \"set\": {\"a\": \"1\"}}", "client must be a string");
    bad.put("{\"set\": {}}", "set, delete or defaults is required");
    bad.put("{\"set\": {\"" + "k".repeat(257) + "\": \"1\"}}", "1 to 256 characters");
    bad.put("[]", "must be a JSON object");
    bad.put("{\"set\": {\"a\": \"1\"", "not valid JSON");
    for (var e : bad.entrySet()) {
      TestHttp.Reply reply = http.post("/config/payment", e.getKey());
      assertThat(reply.status()).as(e.getKey()).isBetween(400, 409);
      assertThat(reply.json().path("message").asText()).as(e.getKey()).contains(e.getValue());
      assertThat(reply.json().path("error").isTextual()).isTrue();
    }
    assertThat(http.post("/config/payment", "{\"set\": {\"f\": \"1\", \"g\": \"2\"}}").json().path("error").asText())
        .isEqualTo("too_many_entries");
    assertThat(server.configurations().revision()).isEqualTo(index);
    assertThat(values("payment", "")).isEqualTo(Map.of("a", "1", "b", "2", "c", "3", "d", "4", "e", "5"));
  }

  @Test
  void badReadsAndRoutesAreRefusedByName() {
    assertThat(http.get("/config/payment?client=a%20b").json().path("error").asText()).isEqualTo("invalid_query");
    assertThat(http.get("/config/payment?index=-1").json().path("error").asText()).isEqualTo("invalid_query");
    assertThat(http.get("/config/bad%20name").json().path("error").asText()).isEqualTo("invalid_field");
    assertThat(http.get("/config/payment/nope").status()).isEqualTo(404);
    assertThat(http.get("/config/").status()).isEqualTo(400);
    TestHttp.Reply put = http.send("PUT", "/config/payment", "{}", "application/json");
    assertThat(put.status()).isEqualTo(405);
    assertThat(put.header("Allow")).isEqualTo("GET, POST");
    assertThat(http.post("/config/payment/history", "{}").header("Allow")).isEqualTo("GET");
  }

  // ---------------------------------------------------------------- applied

  @Test
  void eachInstanceReportsTheIndexItAppliedWithItsHeartbeatAndTheServerShowsWhoRunsWhich() {
    long index = write("payment", "{\"set\": {\"k\": \"v\"}}").path("index").asLong();
    http.post("/register", "{\"service\": \"payment\", \"id\": \"p-1\", \"address\": \"http://10.0.0.1:80\","
        + " \"config_index\": " + index + "}");
    http.post("/register", "{\"service\": \"payment\", \"id\": \"p-2\", \"address\": \"http://10.0.0.2:80\"}");
    http.post("/register", "{\"service\": \"payment\", \"stage\": \"staging\", \"id\": \"p-3\","
        + " \"address\": \"http://10.0.0.3:80\"}");
    long next = write("payment", "{\"set\": {\"k\": \"w\"}}").path("index").asLong();

    http.post("/heartbeat", "{\"service\": \"payment\", \"id\": \"p-2\", \"config_index\": " + next + "}");
    http.post("/heartbeat", "{\"service\": \"payment\", \"stage\": \"staging\", \"id\": \"p-3\", \"config_index\": "
        + next + "}");

    JsonNode applied = http.get("/config/payment/applied").json();
    assertThat(applied.path("index").asLong()).isEqualTo(next);
    assertThat(applied.path("instances_total").asInt()).isEqualTo(3);
    assertThat(applied.path("instances_current").asInt()).isEqualTo(2);
    assertThat(applied.path("by_index").toString()).isEqualTo("{\"" + next + "\":2,\"" + index + "\":1}");
    List<String> behind = new ArrayList<>();
    applied.path("instances").forEach(i -> {
      if (i.path("config_index").asLong() != next) {
        behind.add(i.path("id").asText());
      }
    });
    assertThat(behind).containsExactly("p-1");
    assertThat(http.get("/config/payment/applied?stage=staging").json().path("instances_total").asInt()).isEqualTo(1);
    JsonNode discovered = http.get("/discover/payment").json().path("instances");
    assertThat(discovered.get(0).path("config_index").asLong()).isEqualTo(index);
    long revision = server.registry().revision();
    http.post("/heartbeat", "{\"service\": \"payment\", \"id\": \"p-1\", \"config_index\": " + next + "}");
    assertThat(server.registry().revision()).as("a report is no change of the view").isEqualTo(revision);
    assertThat(http.post("/heartbeat", "{\"service\": \"payment\", \"id\": \"p-1\", \"config_index\": -1}").status())
        .isEqualTo(400);
    assertThat(http.get("/config/payment/applied").json().path("instances_current").asInt()).isEqualTo(3);
  }

  @Test
  void anInstanceThatNeverReportedShowsNone() {
    http.post("/register", "{\"service\": \"payment\", \"id\": \"p-1\", \"address\": \"http://10.0.0.1:80\"}");

    assertThat(http.get("/discover/payment").json().path("instances").get(0).path("config_index").isNull()).isTrue();
    assertThat(http.get("/config/payment/applied").json().path("by_index").toString()).isEqualTo("{\"none\":1}");
  }
}
