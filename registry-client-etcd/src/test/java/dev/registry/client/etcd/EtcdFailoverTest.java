package dev.registry.client.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.registry.client.RegistryClient;
import dev.registry.client.RegistryException;
import dev.registry.client.RetryPolicy;
import dev.registry.client.ServiceInstance;
import dev.registry.client.spi.RequestIds;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A real 3-member etcd losing members under load: clients registering, heartbeating and looking
 * up, through the public API. Every test leaves every member running.
 */
class EtcdFailoverTest {
  static final Duration TTL = Duration.ofSeconds(2);
  static final Duration TIMEOUT = Duration.ofSeconds(15);

  @RegisterExtension static final EtcdCluster etcd = EtcdCluster.members(3);

  final String stage = "s" + UUID.randomUUID().toString().substring(0, 8);
  final List<AutoCloseable> closeables = new ArrayList<>();
  final List<Thread> load = new ArrayList<>();
  volatile boolean loading = true;
  /** The member every client asks first (its URL comes first). */
  EtcdCluster.Member first = etcd.members().get(0);

  @AfterEach
  void tearDown() throws Exception {
    loading = false;
    for (Thread t : load) {
      t.join(5_000);
    }
    for (AutoCloseable c : closeables) {
      c.close();
    }
    etcd.restartAll();
  }

  RegistryClient client() {
    RegistryClient client = RegistryClient.builder()
        .registryUris(firstThenOthers())
        .stage(stage)
        .shutdownHook(false)
        .leaseTtl(TTL)
        .heartbeatInterval(Duration.ofMillis(500))
        .requestTimeout(Duration.ofSeconds(1))
        .retryPolicy(RetryPolicy.builder().maxAttempts(6)
            .initialBackoff(Duration.ofMillis(50)).maxBackoff(Duration.ofMillis(500)).build())
        .build();
    closeables.add(client);
    return client;
  }

  List<URI> firstThenOthers() {
    List<URI> urls = new ArrayList<>(List.of(first.clientUrl("etcd")));
    etcd.members().stream().filter(m -> m != first).forEach(m -> urls.add(m.clientUrl("etcd")));
    return urls;
  }

  static ServiceInstance instance(String service, String id) {
    return ServiceInstance.builder(service).id(id).address(URI.create("http://10.0.0.2:8080")).build();
  }

  /** What the load saw: look-ups that failed, registrations acknowledged and failed. */
  final AtomicLong lookups = new AtomicLong();
  final AtomicInteger failedLookups = new AtomicInteger();
  final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
  final AtomicInteger failedRegistrations = new AtomicInteger();

  /** 4 clients with 3 heartbeating instances each, one registering more, one looking up. */
  RegistryClient startLoad() {
    for (int c = 0; c < 4; c++) {
      RegistryClient client = client();
      for (int i = 0; i < 3; i++) {
        String id = "hb-" + c + "-" + i;
        client.register(instance("load", id));
        acknowledged.add(id);
      }
    }
    RegistryClient known = client();
    known.register(instance("known", "k1"));
    RegistryClient looker = client();
    assertThat(looker.instances("known")).hasSize(1);
    RegistryClient registering = client();
    spawn(() -> {
      for (int n = 0; loading; n++) {
        String id = "new-" + n;
        try {
          registering.register(instance("load", id));
          acknowledged.add(id);
        } catch (RegistryException e) {
          failedRegistrations.incrementAndGet();
        }
        pause(50);
      }
    });
    spawn(() -> {
      while (loading) {
        try {
          looker.choose("known");
          lookups.incrementAndGet();
        } catch (RuntimeException e) {
          failedLookups.incrementAndGet();
        }
        pause(2);
      }
    });
    return looker;
  }

  @Test
  void theLeaderKilledUnderLoadLosesNoLookupAndNoRegistration() {
    killUnderLoad(etcd.leader());
  }

  @Test
  void aFollowerKilledUnderLoadLosesNoLookupAndNoRegistration() {
    killUnderLoad(etcd.follower());
  }

  /** Kills {@code victim}, the member every client talks to, under load. */
  void killUnderLoad(EtcdCluster.Member victim) {
    first = victim;
    RegistryClient looker = startLoad();
    Recorder watched = new Recorder();
    closeables.add(looker.watch("load", watched));
    await().atMost(TIMEOUT).until(() -> acknowledged.stream().anyMatch(id -> id.startsWith("new-3")));

    victim.kill();
    int registeredBefore = acknowledged.size();
    // Two TTLs with one member gone: leases of every instance must outlive them.
    await().pollDelay(TTL.multipliedBy(2)).atMost(TIMEOUT).until(() -> acknowledged.size() > registeredBefore);
    loading = false;

    assertThat(failedLookups).hasValue(0);
    assertThat(lookups.get()).isGreaterThan(100);
    assertThat(failedRegistrations).hasValue(0);
    Set<String> alive = liveIds();
    assertThat(acknowledged).isNotEmpty().allSatisfy(id -> assertThat(alive).contains(id));

    registeredOnceMore(looker, watched);
  }

  @Test
  void theWholeClusterDownLongerThanTheTtlComesBackWithEveryInstance() {
    RegistryClient looker = startLoad();
    loading = false;
    Recorder watched = new Recorder();
    closeables.add(looker.watch("load", watched));
    Set<String> registered = Set.copyOf(acknowledged);

    etcd.killAll();
    await().pollDelay(TTL.plusSeconds(1)).atMost(TIMEOUT).until(() -> true); // down past the TTL
    assertThat(looker.choose("known").id()).isEqualTo("k1"); // the cache serves meanwhile
    etcd.restartAll();

    await().atMost(TIMEOUT).untilAsserted(() -> assertThat(liveIds()).containsAll(registered));
    registeredOnceMore(looker, watched);
  }

  @Test
  void aClusterThatLostItsDataGetsEveryInstanceBackByItself() {
    RegistryClient looker = startLoad();
    loading = false;
    Recorder watched = new Recorder();
    closeables.add(looker.watch("load", watched));
    await().atMost(TIMEOUT).until(() -> watched.last().size() == acknowledged.size());
    Set<String> registered = Set.copyOf(acknowledged);

    etcd.wipeAndRestartAll(); // same names and ports: the same cluster id, revisions from 1

    await().atMost(TIMEOUT).untilAsserted(() -> assertThat(liveIds()).containsAll(registered));
    registeredOnceMore(looker, watched);
  }

  /** The watch still delivers: one more instance is seen. */
  void registeredOnceMore(RegistryClient looker, Recorder watched) {
    String id = "after-" + UUID.randomUUID().toString().substring(0, 6);
    client().register(instance("load", id));
    await().atMost(TIMEOUT).until(() -> watched.last().contains(id + ":UP"));
    assertThat(looker.instances("load")).extracting(ServiceInstance::id).contains(id);
  }

  /** The ids of the "load" instances etcd holds now, read from a running member. */
  Set<String> liveIds() {
    EtcdCluster.Member any = etcd.members().stream().filter(EtcdCluster.Member::isRunning).findFirst().orElseThrow();
    Gateway gateway = new Gateway(new Members(List.of(any.clientUrl())), new TestTransport(), null, RequestIds::generate);
    return gateway.range("/registry/" + stage + "/load/", TIMEOUT).kvs().stream()
        .map(kv -> kv.key().substring(kv.key().lastIndexOf('/') + 1)).collect(Collectors.toSet());
  }

  void spawn(Runnable work) {
    Thread t = new Thread(work, "load-" + load.size());
    t.setDaemon(true);
    load.add(t);
    t.start();
  }

  /** The pace of the load generator, not a wait for anything. */
  static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
