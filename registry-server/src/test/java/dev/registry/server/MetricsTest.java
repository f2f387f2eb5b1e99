package dev.registry.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code GET /metrics} over real HTTP, read with the Prometheus project's own text parser. */
class MetricsTest {
  private final FakeClock clock = new FakeClock();
  private RegistryServer server;
  private TestHttp http;

  private void start(RegistryServer.Builder builder) {
    server = builder.port(0).clock(clock).build().start();
    http = new TestHttp(server.uri());
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private List<PrometheusText.Sample> scrape() throws Exception {
    java.net.http.HttpResponse<String> reply = http.getText("/metrics");
    assertThat(reply.statusCode()).isEqualTo(200);
    assertThat(reply.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
    return PrometheusText.parse(reply.body());
  }

  /** The value of the one sample of that name with those labels (and maybe others); fails if none. */
  private static double value(List<PrometheusText.Sample> samples, String name, String... labels) {
    List<PrometheusText.Sample> found = samples.stream()
        .filter(s -> s.name().equals(name) && hasLabels(s.labels(), labels))
        .toList();
    assertThat(found).as("%s%s in the scrape", name, List.of(labels)).hasSize(1);
    return found.get(0).value();
  }

  private static boolean hasLabels(Map<String, String> actual, String... labels) {
    for (int i = 0; i < labels.length; i += 2) {
      if (!labels[i + 1].equals(actual.get(labels[i]))) {
        return false;
      }
    }
    return true;
  }

  private static String register(String service, String address, String stage, int ttlSeconds) {
    return "{\"service\": \"" + service + "\", \"address\": \"" + address + "\", \"stage\": \"" + stage
        + "\", \"ttl_seconds\": " + ttlSeconds + "}";
  }

  private static String heartbeat(String service, String address, String stage) {
    return "{\"service\": \"" + service + "\", \"address\": \"" + address + "\", \"stage\": \"" + stage + "\"}";
  }

  @Test
  void afterAKnownWorkloadTheScrapedValuesAreExactlyThose() throws Exception {
    start(RegistryServer.builder());
    // 4 registrations that create (one in another stage), 1 that updates
    assertThat(http.post("/register", register("pay", "http://p:1", "default", 60)).status()).isEqualTo(201);
    assertThat(http.post("/register", register("pay", "http://p:2", "default", 60)).status()).isEqualTo(201);
    assertThat(http.post("/register", register("pay", "http://p:3", "default", 5)).status()).isEqualTo(201);
    assertThat(http.post("/register", register("ship", "http://s:1", "staging", 60)).status()).isEqualTo(201);
    assertThat(http.post("/register", register("pay", "http://p:1", "default", 60)).status()).isEqualTo(200);
    // 5 heartbeats, then one that finds nothing (404) and counts as none
    for (int i = 0; i < 3; i++) {
      assertThat(http.post("/heartbeat", heartbeat("pay", "http://p:1", "default")).status()).isEqualTo(200);
    }
    assertThat(http.post("/heartbeat", heartbeat("pay", "http://p:2", "default")).status()).isEqualTo(200);
    assertThat(http.post("/heartbeat", heartbeat("ship", "http://s:1", "staging")).status()).isEqualTo(200);
    assertThat(http.post("/heartbeat", heartbeat("pay", "http://p:9", "default")).status()).isEqualTo(404);
    // one status change, one deregistration
    assertThat(http.post("/status", "{\"service\": \"pay\", \"address\": \"http://p:2\", \"status\": \"DOWN\"}")
        .status()).isEqualTo(200);
    assertThat(http.post("/deregister", heartbeat("ship", "http://s:1", "staging")).status()).isEqualTo(200);
    // one expiry: p:3's 5 s lease ends on the registry's clock
    clock.advance(Duration.ofSeconds(10));
    server.sweep();
    // two held long-polls: one on a service, one on the catalog
    long index = http.get("/discover/pay").json().get("index").asLong();
    CompletableFuture<TestHttp.Reply> onService = http.getAsync("/discover/pay?index=" + index + "&wait=60s");
    CompletableFuture<TestHttp.Reply> onCatalog = http.getAsync("/catalog?index=" + index + "&wait=60s");
    await().atMost(Duration.ofSeconds(5)).until(() -> server.registry().watchCount() == 2);
    // A request is counted once its answer is written, a moment after the client has it.
    await().atMost(Duration.ofSeconds(5)).until(() ->
        value(scrape(), "http_server_requests_seconds_count", "uri", "/discover/{service}", "status", "200") == 1);

    List<PrometheusText.Sample> m = scrape();

    assertThat(value(m, "registry_registrations_total", "result", "created")).isEqualTo(4);
    assertThat(value(m, "registry_registrations_total", "result", "updated")).isEqualTo(1);
    assertThat(value(m, "registry_heartbeats_total")).isEqualTo(5);
    assertThat(value(m, "registry_deregistrations_total")).isEqualTo(1);
    assertThat(value(m, "registry_expiries_total")).isEqualTo(1);
    assertThat(value(m, "registry_long_polls_held")).isEqualTo(2);
    assertThat(value(m, "registry_instances", "stage", "default", "status", "UP")).isEqualTo(1);
    assertThat(value(m, "registry_instances", "stage", "default", "status", "DOWN")).isEqualTo(1);
    assertThat(value(m, "registry_instances", "stage", "default", "status", "STARTING")).isZero();
    assertThat(value(m, "registry_services", "stage", "default")).isEqualTo(1);
    // the staging stage emptied: its gauges are gone, not left at their last value
    assertThat(m).noneMatch(s -> "staging".equals(s.labels().get("stage")));

    String requests = "http_server_requests_seconds_count";
    assertThat(value(m, requests, "method", "POST", "uri", "/register", "status", "201", "long_poll", "false"))
        .isEqualTo(4);
    assertThat(value(m, requests, "uri", "/register", "status", "200")).isEqualTo(1);
    assertThat(value(m, requests, "uri", "/heartbeat", "status", "200")).isEqualTo(5);
    assertThat(value(m, requests, "uri", "/heartbeat", "status", "404")).isEqualTo(1);
    assertThat(value(m, requests, "uri", "/status", "status", "200")).isEqualTo(1);
    assertThat(value(m, requests, "uri", "/deregister", "status", "200")).isEqualTo(1);
    assertThat(value(m, requests, "method", "GET", "uri", "/discover/{service}", "long_poll", "false")).isEqualTo(1);
    // held long-polls are counted when answered, not yet
    assertThat(m).noneMatch(s -> s.name().equals(requests) && "true".equals(s.labels().get("long_poll")));
    assertThat(onService).isNotDone();
    assertThat(onCatalog).isNotDone();

    // a histogram: cumulative buckets, the last (+Inf) equal to the count
    List<PrometheusText.Sample> buckets = m.stream()
        .filter(s -> s.name().equals("http_server_requests_seconds_bucket")
            && "/heartbeat".equals(s.labels().get("uri")) && "200".equals(s.labels().get("status")))
        .toList();
    assertThat(buckets).hasSize(ServerMetrics.LATENCY_BUCKETS.size() + 1);
    assertThat(buckets.get(0).type()).isEqualTo("histogram");
    for (int i = 1; i < buckets.size(); i++) {
      assertThat(buckets.get(i).value()).isGreaterThanOrEqualTo(buckets.get(i - 1).value());
    }
    assertThat(buckets.get(buckets.size() - 1).labels().get("le")).isEqualTo("+Inf");
    assertThat(buckets.get(buckets.size() - 1).value()).isEqualTo(5);

    // the types a Prometheus server will read
    assertThat(m).filteredOn(s -> s.family().equals("registry_heartbeats")).allMatch(s -> s.type().equals("counter"));
    assertThat(m).filteredOn(s -> s.family().equals("registry_instances")).allMatch(s -> s.type().equals("gauge"));
    // JVM and process basics
    assertThat(m).filteredOn(s -> s.name().equals("jvm_memory_used_bytes") && "heap".equals(s.labels().get("area")))
        .isNotEmpty().anyMatch(s -> s.value() > 0);
    assertThat(value(m, "jvm_threads_live_threads")).isPositive();
    assertThat(value(m, "process_uptime_seconds")).isPositive();
    assertThat(m).anyMatch(s -> s.name().equals("process_cpu_usage"));
    assertThat(m).anyMatch(s -> s.family().equals("jvm_gc_max_data_size_bytes"));

    // a change answers both long-polls; the gauge falls and they are counted as long-polls
    http.register("pay", "http://p:4");
    assertThat(onService.get().status()).isEqualTo(200);
    assertThat(onCatalog.get().status()).isEqualTo(200);
    await().atMost(Duration.ofSeconds(5)).until(() -> value(scrape(), "registry_long_polls_held") == 0);
    await().atMost(Duration.ofSeconds(5)).until(() -> scrape().stream()
        .filter(s -> s.name().equals(requests) && "true".equals(s.labels().get("long_poll")))
        .mapToDouble(PrometheusText.Sample::value).sum() == 2);
  }

  @Test
  void aRawPathNeverBecomesALabelOnlyItsRouteTemplate() throws Exception {
    start(RegistryServer.builder());
    for (String name : List.of("a", "b", "c-" + System.nanoTime())) {
      assertThat(http.get("/discover/" + name).status()).isEqualTo(404);
    }
    assertThat(http.get("/no/such/route-" + System.nanoTime()).status()).isEqualTo(404);
    assertThat(http.get("/ui/no-such-file-" + System.nanoTime()).status()).isEqualTo(404);
    for (String name : List.of("a", "b-" + System.nanoTime())) {
      assertThat(http.get("/config/" + name).status()).isEqualTo(200);
      assertThat(http.get("/config/" + name + "/history").status()).isEqualTo(200);
    }
    assertThat(http.get("/config/a/nope-" + System.nanoTime()).status()).isEqualTo(404);
    assertThat(http.send("DELETE", "/register", null, null).status()).isEqualTo(405);
    assertThat(http.send("BREW", "/services", null, null).status()).isEqualTo(405);

    await().atMost(Duration.ofSeconds(5)).until(() -> scrape().stream()
        .anyMatch(s -> s.name().equals("http_server_requests_seconds_count") && "other".equals(s.labels().get("method"))));
    List<PrometheusText.Sample> m = scrape();

    assertThat(m).filteredOn(s -> s.labels().containsKey("uri")).extracting(s -> s.labels().get("uri"))
        .containsOnly("/discover/{service}", "unknown", "/ui/{file}", "/register", "/services", "/metrics",
            "/config/{service}", "/config/{service}/history");
    assertThat(value(m, "http_server_requests_seconds_count", "uri", "/config/{service}", "status", "200"))
        .isEqualTo(2);
    assertThat(value(m, "http_server_requests_seconds_count", "uri", "/discover/{service}", "status", "404"))
        .isEqualTo(3);
    assertThat(value(m, "http_server_requests_seconds_count", "uri", "unknown", "status", "404")).isEqualTo(2);
    assertThat(value(m, "http_server_requests_seconds_count", "method", "DELETE", "uri", "/register")).isEqualTo(1);
    assertThat(value(m, "http_server_requests_seconds_count", "method", "other", "uri", "/services")).isEqualTo(1);
  }

  @Test
  void metricsAreOpenLikeTheOtherReadsOnARegistryWithAToken() throws Exception {
    start(RegistryServer.builder().token("s3cret-token"));

    assertThat(scrape()).anyMatch(s -> s.name().equals("registry_heartbeats_total"));
    TestHttp.Reply post = http.post("/metrics", "{}");
    assertThat(post.status()).isEqualTo(405);
    assertThat(post.json().get("error").asText()).isEqualTo("method_not_allowed");
    assertThat(post.header("Allow")).isEqualTo("GET");
  }

  @Test
  void aServerWithMetricsOffAnswersMetricsWithNotFound() {
    start(RegistryServer.builder().metrics(false));

    TestHttp.Reply reply = http.get("/metrics");
    assertThat(reply.status()).isEqualTo(404);
    assertThat(reply.json().get("error").asText()).isEqualTo("not_found");
    assertThat(http.register("s", "http://h:1").status()).isEqualTo(201);
  }
}
