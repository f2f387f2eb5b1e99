package dev.registry.client.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.registry.client.ConfigChange;
import dev.registry.client.ConfigKey;
import dev.registry.client.ConfigView;
import dev.registry.client.RegistryClient;
import dev.registry.client.RegistryRejectedException;
import dev.registry.client.RetryPolicy;
import dev.registry.client.ServiceInstance;
import dev.registry.client.spi.RequestIds;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Central configuration on a real one-member etcd, through the public API: entries written as
 * an operator writes them (docs/etcd.md, "Configuration"), resolved, watched, declared, and the
 * applied index kept beside the instance.
 */
class EtcdConfigTest {
  static final Duration TIMEOUT = Duration.ofSeconds(10);

  @RegisterExtension static final EtcdCluster etcd = EtcdCluster.members(1);

  /** Each test with a service of its own, so that tests sharing the cluster never see each other. */
  final String service = "svc-" + UUID.randomUUID().toString().substring(0, 8);
  final Gateway operator = new Gateway(new Members(etcd.clientUrls()), new TestTransport(), null, RequestIds::generate);
  final List<AutoCloseable> closeables = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : closeables) {
      c.close();
    }
  }

  RegistryClient.Builder builder() {
    return RegistryClient.builder()
        .registryUris(etcd.clientUrls("etcd"))
        .stage("production")
        .shutdownHook(false)
        .leaseTtl(Duration.ofSeconds(2))
        .heartbeatInterval(Duration.ofMillis(300))
        .retryPolicy(RetryPolicy.builder().maxAttempts(3)
            .initialBackoff(Duration.ofMillis(20)).maxBackoff(Duration.ofMillis(200)).build());
  }

  RegistryClient client(RegistryClient.Builder builder) {
    RegistryClient client = builder.build();
    closeables.add(client);
    return client;
  }

  /** What {@code etcdctl put /registry/_config/{service}/{stage}/{region}/{client}/{key} value} does. */
  void put(String stage, String region, String client, String key, String value) {
    operator.put("/registry/_config/" + service + "/" + stage + "/" + region + "/" + client + "/" + key, value, 0, TIMEOUT);
  }

  @Test
  void eachKeyResolvesToItsMostSpecificScopeForTheReader() {
    put("_", "_", "_", "currency", "EUR");
    put("_", "_", "_", "timeout", "1s");
    put("production", "_", "_", "timeout", "2s");
    put("_", "eu-west-1", "_", "timeout", "3s");
    put("_", "_", "acme", "retries", "5");
    put("production", "_", "acme", "retries", "7");
    put("_", "_", "_", "retries", "1");
    put("_", "eu-west-1", "_", "retries", "6");
    put("staging", "_", "_", "currency", "USD");
    put("production", "eu-west-1", "_", "currency", "GBP");
    put("_", "_", "acme", "currency", "CHF");
    put("_", "_", "_", "not a key", "ignored");
    operator.put("/registry/_config/" + service + "/stray", "not an entry", 0, TIMEOUT);

    ConfigView acme = client(builder().region("eu-west-1").client("acme")).config(service);
    assertThat(acme.asMap()).containsExactlyInAnyOrderEntriesOf(
        Map.of("currency", "CHF", "timeout", "3s", "retries", "7"));
    ConfigView plain = client(builder()).config(service);
    assertThat(plain.asMap()).containsExactlyInAnyOrderEntriesOf(
        Map.of("currency", "EUR", "timeout", "2s", "retries", "1"));
    ConfigView staging = client(builder().stage("staging").client("acme")).config(service);
    assertThat(staging.asMap()).containsExactlyInAnyOrderEntriesOf(
        Map.of("currency", "CHF", "timeout", "1s", "retries", "5"));
    assertThat(client(builder().stage("staging")).config(service).asMap()).containsExactlyInAnyOrderEntriesOf(
        Map.of("currency", "USD", "timeout", "1s", "retries", "1"));
    // The index is the service's last change at any scope, whoever reads it.
    assertThat(acme.index()).isPositive().isEqualTo(plain.index()).isEqualTo(staging.index());
    assertThat(client(builder()).config("svc-without-config").index()).isZero();
  }

  @Test
  void aChangeWrittenToEtcdReachesThreeWatchingClients() {
    put("_", "_", "_", "timeout", "1s");
    List<List<ConfigChange>> heard = new ArrayList<>();
    List<RegistryClient> clients = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      RegistryClient client = client(builder());
      List<ConfigChange> changes = new CopyOnWriteArrayList<>();
      closeables.add(client.watchConfig(service, changes::add));
      heard.add(changes);
      clients.add(client);
    }
    await().atMost(TIMEOUT).until(() -> heard.stream().allMatch(h -> h.size() == 1));

    put("production", "_", "_", "timeout", "5s");

    await().atMost(TIMEOUT).until(() -> heard.stream().allMatch(h -> h.size() == 2));
    for (int i = 0; i < 3; i++) {
      ConfigChange change = heard.get(i).get(1);
      assertThat(change.changedKeys()).containsExactly("timeout");
      assertThat(change.current().get("timeout")).contains("5s");
      assertThat(clients.get(i).config(service).get("timeout")).contains("5s");
    }

    operator.delete("/registry/_config/" + service + "/production/_/_/timeout", TIMEOUT);
    await().atMost(TIMEOUT).until(() -> clients.stream().allMatch(c -> c.config(service).get("timeout").equals(
        Optional.of("1s"))));
  }

  @Test
  void declaredDefaultsAreWrittenOnlyWhereNoValueExists() {
    put("_", "_", "_", "pool.size", "50");
    RegistryClient payment = client(builder());

    long index = payment.declareConfig(service, List.of(
        ConfigKey.ofInt("pool.size", 10, "connections per instance"),
        ConfigKey.ofDuration("timeout", Duration.ofSeconds(2), "bank call timeout")));

    ConfigView view = client(builder()).config(service);
    assertThat(view.asMap()).containsExactlyInAnyOrderEntriesOf(Map.of("pool.size", "50", "timeout", "2s"));
    assertThat(view.index()).isEqualTo(index);
    assertThat(operator.get("/registry/_config-doc/" + service + "/timeout", TIMEOUT))
        .map(KeyValue::value).contains("bank call timeout");

    // Declared again by another instance with other defaults (a new version): nothing is overwritten.
    long again = client(builder()).declareConfig(service, List.of(
        ConfigKey.ofInt("pool.size", 20, null), ConfigKey.ofDuration("timeout", Duration.ofSeconds(9), null)));
    assertThat(again).isEqualTo(index);
    assertThat(client(builder()).config(service).asMap())
        .containsExactlyInAnyOrderEntriesOf(Map.of("pool.size", "50", "timeout", "2s"));

    assertThatThrownBy(() -> payment.declareConfig(service, List.of(ConfigKey.ofString("banner", "x".repeat(20_000), null))))
        .isInstanceOf(RegistryRejectedException.class).hasMessageContaining("banner");
    assertThat(client(builder()).config(service).get("banner")).isEmpty();
  }

  @Test
  void instancesDeclaringAtOnceWriteTheDefaultOnceAndNeverOverEachOther() throws Exception {
    List<RegistryClient> instances = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      RegistryClient instance = client(builder());
      instance.config(service); // connected, so that the declarations race
      instances.add(instance);
    }
    String prefix = "/registry/_config/" + service + "/";
    long before = operator.range(prefix, TIMEOUT).revision();
    CyclicBarrier start = new CyclicBarrier(instances.size());
    ExecutorService threads = Executors.newFixedThreadPool(instances.size());
    try {
      List<Future<Long>> declared = new ArrayList<>();
      for (int i = 0; i < instances.size(); i++) {
        RegistryClient instance = instances.get(i);
        int size = 10 + i;
        declared.add(threads.submit(() -> {
          start.await();
          return instance.declareConfig(service, List.of(ConfigKey.ofInt("pool.size", size, "written by " + size)));
        }));
      }
      for (Future<Long> f : declared) {
        f.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      }
    } finally {
      threads.shutdownNow();
    }
    put("_", "_", "_", "zz.sentinel", "done");

    // etcd's own history of the tree: one put of the key, whoever won.
    RecordingWatch history = new RecordingWatch();
    Streams streams = new Streams(List.of(), TIMEOUT, 8L << 20);
    closeables.add(streams);
    closeables.add(WatchStream.open(operator, streams, prefix, before + 1, TIMEOUT, Duration.ofSeconds(30), history));
    await().atMost(TIMEOUT).until(() -> history.heard.stream().anyMatch(h -> h.contains("zz.sentinel")));
    List<String> puts = history.heard.stream().filter(h -> h.contains("pool.size")).toList();
    assertThat(puts).hasSize(1);
    String winner = client(builder()).config(service).get("pool.size").orElseThrow();
    assertThat(puts.get(0)).contains("pool.size " + winner + " @");
    assertThat(operator.get("/registry/_config-doc/" + service + "/pool.size", TIMEOUT))
        .map(KeyValue::value).contains("written by " + winner);
  }

  @Test
  void eachInstanceKeepsTheIndexItAppliedBesideItsLease() {
    put("_", "_", "_", "timeout", "1s");
    RegistryClient payment = client(builder());
    payment.register(ServiceInstance.builder(service).id("p1").address(URI.create("http://10.0.0.1:8080")).build());
    long first = payment.config(service).index();
    String applied = "/registry/_applied/" + service + "/production/p1";
    await().atMost(TIMEOUT).until(() -> operator.get(applied, TIMEOUT).map(KeyValue::value).equals(
        Optional.of(Long.toString(first))));
    long lease = operator.get("/registry/production/" + service + "/p1", TIMEOUT).orElseThrow().lease();
    assertThat(operator.get(applied, TIMEOUT).orElseThrow().lease()).isEqualTo(lease);

    put("_", "_", "_", "timeout", "2s");

    await().atMost(TIMEOUT).until(() -> payment.config(service).index() > first);
    long second = payment.config(service).index();
    await().atMost(TIMEOUT).until(() -> operator.get(applied, TIMEOUT).map(KeyValue::value).equals(
        Optional.of(Long.toString(second))));
  }

  @Test
  void whileEtcdIsDownTheLastConfigurationIsServedStale() {
    put("_", "_", "_", "timeout", "1s");
    RegistryClient client = client(builder().requestTimeout(Duration.ofMillis(500)));
    assertThat(client.config(service).get("timeout")).contains("1s");

    etcd.killAll();
    try {
      await().atMost(TIMEOUT).until(() -> client.config(service).stale());
      assertThat(client.config(service).get("timeout")).contains("1s");
    } finally {
      etcd.restartAll();
    }

    await().atMost(TIMEOUT).until(() -> !client.config(service).stale());
    put("_", "_", "_", "timeout", "4s");
    await().atMost(TIMEOUT).until(() -> client.config(service).get("timeout").equals(Optional.of("4s")));
  }
}
