package dev.registry.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.registry.server.RegistryServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Central configuration through the public API, against the real reference server in-process:
 * a change reaching watching clients, the last configuration served stale while the registry is
 * down, declared defaults that never overwrite, the applied index the server shows, and a bad
 * value rejected before it is taken.
 */
class ConfigClientTest {
  private static final String SERVICE = "payment-service";
  private final List<AutoCloseable> closeables = new ArrayList<>();
  private final HttpClient http = HttpClient.newHttpClient();
  private RegistryServer server = start(0, null);

  @TempDir
  Path dataDir;

  private RegistryServer start(int port, Path data) {
    RegistryServer.Builder b = RegistryServer.builder().port(port).clock(Clock.systemUTC());
    if (data != null) {
      b.dataDirectory(data);
    }
    RegistryServer s = b.build().start();
    closeables.add(s);
    return s;
  }

  @AfterEach
  void tearDown() throws Exception {
    for (AutoCloseable c : closeables) {
      if (c instanceof BaseClient) {
        c.close();
      }
    }
    for (AutoCloseable c : closeables) {
      c.close();
    }
  }

  private RegistryClient.Builder builder() {
    return RegistryClient.builder()
        .registryUrls(server.uri().toString())
        .shutdownHook(false)
        .stage("production")
        .retryPolicy(RetryPolicy.builder().maxAttempts(2)
            .initialBackoff(Duration.ofMillis(20)).maxBackoff(Duration.ofMillis(100)).build());
  }

  private RegistryClient client(RegistryClient.Builder builder) {
    RegistryClient client = builder.build();
    closeables.add(client);
    return client;
  }

  /** Writes configuration as an operator would, over HTTP; answers the new index. */
  private long write(String body) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(server.uri() + "/config/" + SERVICE))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return Long.parseLong(r.body().replaceAll(".*\"index\":(\\d+).*", "$1"));
  }

  private String get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(server.uri() + path)).build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }

  @Test
  void aChangeIsHeardByThreeWatchingClientsAndEachServesItFromItsCache() throws Exception {
    write("{\"set\": {\"payment.timeout\": \"2s\"}}");
    List<List<ConfigChange>> heard = new ArrayList<>();
    List<RegistryClient> clients = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      RegistryClient c = client(builder());
      List<ConfigChange> changes = new CopyOnWriteArrayList<>();
      c.watchConfig(SERVICE, changes::add);
      heard.add(changes);
      clients.add(c);
    }
    for (List<ConfigChange> changes : heard) {
      assertThat(changes).hasSize(1);
      assertThat(changes.get(0).previous()).isEmpty();
      assertThat(changes.get(0).current().getDuration("payment.timeout", Duration.ZERO)).isEqualTo(Duration.ofSeconds(2));
    }

    long index = write("{\"stage\": \"production\", \"set\": {\"payment.timeout\": \"5s\", \"payment.retries\": \"3\"}}");

    for (List<ConfigChange> changes : heard) {
      await().atMost(Duration.ofSeconds(5)).until(() -> changes.size() == 2);
      ConfigChange change = changes.get(1);
      assertThat(change.previous().orElseThrow().get("payment.timeout")).hasValue("2s");
      assertThat(change.current().index()).isEqualTo(index);
      assertThat(change.changedKeys()).containsExactly("payment.retries", "payment.timeout");
    }
    for (RegistryClient c : clients) {
      ConfigView view = c.config(SERVICE);
      assertThat(view.getInt("payment.retries", 0)).isEqualTo(3);
      assertThat(view.asMap()).isEqualTo(Map.of("payment.timeout", "5s", "payment.retries", "3"));
      assertThat(view.stale()).isFalse();
    }
  }

  @Test
  void theRegionAndTheClientOfTheBuilderChooseTheirValues() throws Exception {
    write("{\"set\": {\"currency\": \"EUR\", \"limit\": \"10\"}}");
    write("{\"region\": \"us-east-1\", \"set\": {\"currency\": \"USD\"}}");
    write("{\"client\": \"acme\", \"set\": {\"limit\": \"500\"}}");

    ConfigView acmeInUs = client(builder().region("us-east-1").client("acme")).config(SERVICE);
    ConfigView plain = client(builder()).config(SERVICE);

    assertThat(acmeInUs.asMap()).isEqualTo(Map.of("currency", "USD", "limit", "500"));
    assertThat(acmeInUs.region()).hasValue("us-east-1");
    assertThat(acmeInUs.client()).hasValue("acme");
    assertThat(plain.asMap()).isEqualTo(Map.of("currency", "EUR", "limit", "10"));
    assertThat(plain.get("missing")).isEmpty();
  }

  @Test
  void whileTheRegistryIsDownTheLastConfigurationIsServedStaleAndAfterARestartItIsFreshAgain() throws Exception {
    server.close();
    server = start(0, dataDir);
    write("{\"set\": {\"feature.new-checkout\": \"true\"}}");
    RegistryClient c = client(builder());
    List<ConfigChange> changes = new CopyOnWriteArrayList<>();
    c.watchConfig(SERVICE, changes::add);
    int port = server.port();

    server.close();

    await().atMost(Duration.ofSeconds(10)).until(() -> c.config(SERVICE).stale());
    assertThat(c.config(SERVICE).getBoolean("feature.new-checkout", false)).isTrue();
    assertThat(changes.get(changes.size() - 1).current().stale()).isTrue();

    server = start(port, dataDir);
    write("{\"set\": {\"feature.new-checkout\": \"false\"}}");

    await().atMost(Duration.ofSeconds(10)).until(() -> !c.config(SERVICE).stale()
        && !c.config(SERVICE).getBoolean("feature.new-checkout", true));
  }

  @Test
  void aConfigurationNeverReadCannotBeServedWhileTheRegistryIsDown() {
    RegistryClient c = client(builder());
    server.close();

    assertThatThrownBy(() -> c.config(SERVICE)).isInstanceOf(RegistryUnavailableException.class);
  }

  @Test
  void declaredDefaultsAreWrittenOnlyWhereNoValueExistsSoAnOperatorsValueStays() throws Exception {
    write("{\"set\": {\"payment.timeout\": \"9s\"}}");
    RegistryClient c = client(builder());

    long index = c.declareConfig(SERVICE, List.of(
        ConfigKey.ofDuration("payment.timeout", Duration.ofSeconds(2), "bank call timeout"),
        ConfigKey.ofInt("payment.retries", 3, "attempts per call"),
        ConfigKey.ofBoolean("payment.audit", false, null)));
    long again = c.declareConfig(SERVICE, List.of(ConfigKey.ofInt("payment.retries", 4, "attempts per call")));

    assertThat(again).as("declaring again changes nothing").isEqualTo(index);
    ConfigView view = c.config(SERVICE);
    assertThat(view.getDuration("payment.timeout", Duration.ZERO)).isEqualTo(Duration.ofSeconds(9));
    assertThat(view.getInt("payment.retries", 0)).isEqualTo(3);
    assertThat(view.getBoolean("payment.audit", true)).isFalse();
    assertThat(get("/config/" + SERVICE + "/entries")).contains("\"description\":\"attempts per call\"");
  }

  @Test
  void theIndexAnInstanceAppliedIsReportedWithItsHeartbeatAndTheServerShowsIt() throws Exception {
    write("{\"set\": {\"k\": \"v1\"}}");
    RegistryClient c = client(builder().leaseTtl(Duration.ofSeconds(3)).heartbeatInterval(Duration.ofMillis(200)));
    c.register(ServiceInstance.builder(SERVICE).id("p-1").address(URI.create("http://127.0.0.1:9001")).build());
    long first = c.config(SERVICE).index();

    await().atMost(Duration.ofSeconds(5)).until(() -> get("/config/" + SERVICE + "/applied")
        .contains("\"by_index\":{\"" + first + "\":1}"));

    long next = write("{\"set\": {\"k\": \"v2\"}}");

    await().atMost(Duration.ofSeconds(5)).until(() -> get("/config/" + SERVICE + "/applied")
        .contains("\"instances_current\":1") && get("/config/" + SERVICE + "/applied").contains("\"index\":" + next));
    assertThat(get("/discover/" + SERVICE + "?stage=production")).contains("\"config_index\":" + next);
  }

  @Test
  void aValueThatDoesNotParseAsItsDeclaredTypeIsRejectedTheOldConfigurationKeptAndNotReportedApplied()
      throws Exception {
    List<String> rejected = new CopyOnWriteArrayList<>();
    RegistryClient c = client(builder().leaseTtl(Duration.ofSeconds(3)).heartbeatInterval(Duration.ofMillis(200))
        .eventListener(new EventListener() {
          @Override
          public void configRejected(ConfigView view, RuntimeException reason) {
            rejected.add(view.index() + ": " + reason.getMessage());
          }
        }));
    c.declareConfig(SERVICE, List.of(ConfigKey.ofInt("pool.size", 8, "connections")));
    c.register(ServiceInstance.builder(SERVICE).id("p-1").address(URI.create("http://127.0.0.1:9001")).build());
    long good = c.config(SERVICE).index();

    long bad = write("{\"set\": {\"pool.size\": \"eight\"}}");

    await().atMost(Duration.ofSeconds(5)).until(() -> !rejected.isEmpty());
    assertThat(rejected).containsExactly(bad + ": the configuration value of pool.size is not an int: 'eight'");
    assertThat(c.config(SERVICE).getInt("pool.size", 0)).isEqualTo(8);
    assertThat(c.config(SERVICE).index()).isEqualTo(good);
    await().atMost(Duration.ofSeconds(5)).until(() -> get("/config/" + SERVICE + "/applied")
        .contains("\"by_index\":{\"" + good + "\":1}"));

    long fixed = write("{\"set\": {\"pool.size\": \"12\"}}");
    await().atMost(Duration.ofSeconds(5)).until(() -> c.config(SERVICE).getInt("pool.size", 0) == 12);
    assertThat(c.config(SERVICE).index()).isEqualTo(fixed);
  }

  @Test
  void aListenerThatRejectsAChangeKeepsTheOldConfigurationForEveryone() throws Exception {
    write("{\"set\": {\"mode\": \"safe\"}}");
    RegistryClient c = client(builder());
    List<ConfigChange> heard = new CopyOnWriteArrayList<>();
    c.watchConfig(SERVICE, new ConfigListener() {
      @Override
      public void onChange(ConfigChange change) {
        heard.add(change);
      }

      @Override
      public void check(ConfigView next) {
        if (next.get("mode").orElse("").equals("reckless")) {
          throw new IllegalArgumentException("mode must not be reckless");
        }
      }
    });

    write("{\"set\": {\"mode\": \"reckless\"}}");
    long accepted = write("{\"set\": {\"mode\": \"fast\"}}");

    await().atMost(Duration.ofSeconds(5)).until(() -> c.config(SERVICE).index() == accepted);
    assertThat(heard).extracting(h -> h.current().get("mode").orElseThrow()).containsExactly("safe", "fast");
  }

  @Test
  void anInlineClientReadsItAgainOnceOlderThanTheRefreshIntervalOnTheCallersThread() throws Exception {
    FakeClock clock = new FakeClock();
    write("{\"set\": {\"k\": \"v1\"}}");
    InlineRegistryClient c = builder().clock(clock).refreshInterval(Duration.ofSeconds(30)).buildInline();
    closeables.add(c);
    assertThat(c.config(SERVICE).get("k")).hasValue("v1");

    write("{\"set\": {\"k\": \"v2\"}}");
    clock.advance(Duration.ofSeconds(29));
    assertThat(c.config(SERVICE).get("k")).as("within the refresh interval: the cache").hasValue("v1");

    clock.advance(Duration.ofSeconds(1));
    assertThat(c.config(SERVICE).get("k")).hasValue("v2");

    write("{\"set\": {\"k\": \"v3\"}}");
    clock.advance(Duration.ofSeconds(30));
    c.runDueWork(Duration.ofSeconds(2));
    server.close();
    assertThat(c.config(SERVICE).get("k")).as("refreshed by the due work").hasValue("v3");
  }
}
