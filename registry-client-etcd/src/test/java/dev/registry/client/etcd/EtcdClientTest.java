package dev.registry.client.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.registry.client.Registration;
import dev.registry.client.RegistryClient;
import dev.registry.client.RegistryUnavailableException;
import dev.registry.client.RetryPolicy;
import dev.registry.client.ServiceInstance;
import dev.registry.client.Status;
import dev.registry.client.spi.RequestIds;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The unchanged public API on a real one-member etcd, through etcd:// URLs. */
class EtcdClientTest {
  static final Duration TIMEOUT = Duration.ofSeconds(10);

  @RegisterExtension static final EtcdCluster etcd = EtcdCluster.members(1);

  /** Each test in a stage of its own, so that tests sharing the cluster never see each other. */
  final String stage = "s" + UUID.randomUUID().toString().substring(0, 8);
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
        .stage(stage)
        .shutdownHook(false)
        .leaseTtl(Duration.ofSeconds(2))
        .heartbeatInterval(Duration.ofMillis(500))
        .retryPolicy(RetryPolicy.builder().maxAttempts(3)
            .initialBackoff(Duration.ofMillis(20)).maxBackoff(Duration.ofMillis(200)).build());
  }

  RegistryClient client(RegistryClient.Builder builder) {
    RegistryClient client = builder.build();
    closeables.add(client);
    return client;
  }

  static ServiceInstance instance(String service, String id, int port) {
    return ServiceInstance.builder(service).id(id).address(URI.create("http://10.0.0.1:" + port))
        .metadata("version", "1.4.2").build();
  }

  @Test
  void registeredInstancesAreDiscoveredByAnotherClientAndChosenInTurn() {
    RegistryClient payment = client(builder());
    payment.register(instance("payment", "p1", 8081));
    payment.register(instance("payment", "p2", 8082));
    RegistryClient caller = client(builder());

    assertThat(caller.instances("payment")).extracting(ServiceInstance::id).containsExactly("p1", "p2");
    assertThat(caller.instances("payment").get(0).metadata()).containsEntry("version", "1.4.2");
    List<String> chosen = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      chosen.add(caller.choose("payment").id());
    }
    assertThat(chosen).containsExactlyInAnyOrder("p1", "p2", "p1", "p2");
    assertThat(chosen.get(0)).isNotEqualTo(chosen.get(1));
    assertThat(caller.services()).contains("payment");
  }

  @Test
  void aWatchingClientSeesANewInstanceAStatusChangeAndAClosedOneGone() {
    RegistryClient caller = client(builder());
    Recorder seen = new Recorder();
    closeables.add(caller.watch("payment", seen));
    await().atMost(TIMEOUT).until(() -> seen.last().isEmpty());

    RegistryClient payment = client(builder());
    Registration p1 = payment.register(instance("payment", "p1", 8081));
    await().atMost(TIMEOUT).until(() -> seen.last().equals(List.of("p1:UP")));

    p1.status(Status.OUT_OF_SERVICE);
    await().atMost(TIMEOUT).until(() -> seen.last().equals(List.of("p1:OUT_OF_SERVICE")));
    assertThat(caller.instances("payment")).extracting(Recorder::describe).containsExactly("p1:OUT_OF_SERVICE");

    p1.close();
    await().atMost(TIMEOUT).until(() -> seen.last().isEmpty());
    assertThat(caller.instances("payment")).isEmpty();
  }

  @Test
  void aLookupInTheWrongStageNamesTheStagesWhereTheServiceIsRegistered() {
    String other = stage + "-other";
    client(builder().stage(other)).register(instance("greeting", "g1", 8081));
    RegistryClient caller = client(builder());

    assertThatThrownBy(() -> caller.choose("greeting"))
        .isInstanceOf(dev.registry.client.NoInstanceAvailableException.class)
        .hasMessage("No UP instance of service 'greeting' in stage '" + stage
            + "'; it is registered in stage(s) '" + other + "'");
  }

  @Test
  void aCrashedInstanceIsGoneOnceItsLeaseEnds() {
    CuttableTransport wire = new CuttableTransport();
    RegistryClient crashing = client(builder().transport(wire).deregisterTimeout(Duration.ofMillis(200)));
    crashing.register(instance("payment", "crashes", 8081));
    RegistryClient caller = client(builder());
    Recorder seen = new Recorder();
    closeables.add(caller.watch("payment", seen));
    await().atMost(TIMEOUT).until(() -> seen.last().equals(List.of("crashes:UP")));

    wire.cut(); // no keep-alive, no deregistration: only the lease can end it

    await().atMost(TIMEOUT).until(() -> seen.last().isEmpty());
  }

  @Test
  void heartbeatsKeepARegistrationPastManyTtls() {
    RegistryClient payment = client(builder());
    payment.register(instance("payment", "lives", 8081));
    Gateway gateway = new Gateway(new Members(etcd.clientUrls()), new TestTransport(), null, RequestIds::generate);
    String key = "/registry/" + stage + "/payment/lives";
    long lease = gateway.get(key, TIMEOUT).orElseThrow().lease();

    // Three TTLs of 2 s: the lease is still the same one, kept alive.
    await().pollDelay(Duration.ofSeconds(6)).atMost(TIMEOUT)
        .until(() -> gateway.get(key, TIMEOUT).map(KeyValue::lease).orElse(0L) == lease);
    assertThat(payment.stats().heartbeatsSent()).isGreaterThanOrEqualTo(8);
    assertThat(payment.stats().reRegistrations()).isZero();
  }

  @Test
  void aPrefixInTheUrlsPathKeepsTwoSystemsApartOnOneCluster() {
    List<URI> shop = etcd.clientUrls("etcd").stream().map(u -> URI.create(u + "/shop/registry")).toList();
    RegistryClient shopClient = client(builder().registryUris(shop));
    shopClient.register(instance("payment", "shop-1", 8081));
    RegistryClient other = client(builder());
    other.register(instance("payment", "other-1", 8082));

    assertThat(client(builder().registryUris(shop)).instances("payment"))
        .extracting(ServiceInstance::id).containsExactly("shop-1");
    assertThat(client(builder()).instances("payment")).extracting(ServiceInstance::id).containsExactly("other-1");
    Gateway gateway = new Gateway(new Members(etcd.clientUrls()), new TestTransport(), null, RequestIds::generate);
    assertThat(gateway.get("/shop/registry/" + stage + "/payment/shop-1", TIMEOUT)).isPresent();
  }

  @Test
  void anUnreachableMemberIsAnUnavailableRegistryNamingIt() throws Exception {
    URI dead = URI.create("etcd://127.0.0.1:" + GatewayTest.unusedPort());
    RegistryClient client = client(builder().registryUris(List.of(dead))
        .retryPolicy(RetryPolicy.builder().maxAttempts(1).build()));

    assertThatThrownBy(() -> client.register(instance("payment", "p1", 8081)))
        .isInstanceOf(RegistryUnavailableException.class)
        .hasMessageContaining("http://127.0.0.1:" + dead.getPort());
  }

  @Test
  void badUrlsAreRefusedAtOnceNamingTheValue() {
    assertThatThrownBy(() -> RegistryClient.builder().registryUrls("etcd://127.0.0.1:2379?prefix=x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must not have a query").hasMessageContaining("etcd://127.0.0.1:2379?prefix=x");
    assertThatThrownBy(() -> RegistryClient.builder().registryUrls("etcd://127.0.0.1:2379/a//b"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("key prefix").hasMessageContaining("'/a//b'");
    assertThatThrownBy(() -> RegistryClient.builder().registryUrls("etcd://127.0.0.1:2379/a b"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RegistryClient.builder().registryUrls("etcd://app:s3cret@127.0.0.1:2379"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("token 'user:password'").hasMessageNotContaining("s3cret");
    assertThatThrownBy(() -> RegistryClient.builder().registryUrls("etcd:///registry"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must name a host");
    assertThatThrownBy(() -> RegistryClient.builder().registryUrls("etcd://127.0.0.1:2379", "etcds://127.0.0.1:22379"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("[etcd]").hasMessageContaining("[etcds]");
    assertThatThrownBy(() -> RegistryClient.builder().registryUrls("etcd://127.0.0.1:2379", "http://127.0.0.1:5001"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("etcd").hasMessageContaining("http");
  }

  @Test
  void urlsThatNameTwoPrefixesAreRefusedNamingThem() {
    RegistryClient client = client(builder().registryUris(List.of(
        URI.create(etcd.clientUrls("etcd").get(0) + "/a"), URI.create(etcd.clientUrls("etcd").get(0) + "/b"))));

    assertThatThrownBy(() -> client.instances("payment"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("one key prefix").hasMessageContaining("/a").hasMessageContaining("/b");
  }
}
