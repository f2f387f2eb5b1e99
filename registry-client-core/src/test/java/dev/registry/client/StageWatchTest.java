package dev.registry.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.registry.client.spi.HttpTransport;
import dev.registry.client.spi.TransportRequest;
import dev.registry.client.spi.TransportResponse;
import dev.registry.server.RegistryServer;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * One long-poll per stage, multiplexed over {@code GET /catalog?services=}, against the real
 * reference server in-process. What is in flight is counted by a recording transport over the
 * default OkHttp one.
 */
class StageWatchTest {
  private final List<AutoCloseable> closeables = new ArrayList<>();
  private final RecordingTransport transport = new RecordingTransport();
  private RegistryServer server = start(0);

  private RegistryServer start(int port) {
    RegistryServer s = RegistryServer.builder().host("127.0.0.1").port(port).build().start();
    closeables.add(s);
    return s;
  }

  @AfterEach
  void tearDown() throws Exception {
    for (AutoCloseable c : closeables) {
      if (c instanceof RegistryClient || c instanceof InlineRegistryClient) {
        c.close();
      }
    }
    for (AutoCloseable c : closeables) {
      c.close();
    }
    transport.close();
  }

  /** Records every asynchronous call (the long-polls) while it is in flight. */
  static final class RecordingTransport implements HttpTransport, AutoCloseable {
    private final OkHttpTransport delegate = new OkHttpTransport(null, "stage-poll-test-watch", List.of(), 8L << 20);
    final Set<TransportRequest> inFlight = ConcurrentHashMap.newKeySet();
    final List<TransportRequest> sent = new CopyOnWriteArrayList<>();

    @Override
    public TransportResponse send(TransportRequest request) throws java.io.IOException {
      return delegate.send(request);
    }

    @Override
    public CompletableFuture<TransportResponse> sendAsync(TransportRequest request) {
      CompletableFuture<TransportResponse> call = delegate.sendAsync(request);
      sent.add(request);
      inFlight.add(request);
      call.whenComplete((response, failure) -> inFlight.remove(request));
      return call;
    }

    List<TransportRequest> longPolls() {
      return inFlight.stream().filter(r -> query(r, "index") != null).toList();
    }

    /** The services named by the one stage poll of {@code stage} in flight; empty if none. */
    Set<String> polled(String stage) {
      List<TransportRequest> polls = longPolls().stream()
          .filter(r -> r.uri().getPath().equals("/catalog") && stage.equals(query(r, "stage"))).toList();
      return polls.size() == 1 ? new TreeSet<>(Arrays.asList(query(polls.get(0), "services").split(",")))
          : Set.of();
    }

    @Override
    public void close() {
      delegate.close();
    }
  }

  static String query(TransportRequest request, String name) {
    String query = request.uri().getQuery();
    if (query == null) {
      return null;
    }
    for (String pair : query.split("&")) {
      if (pair.startsWith(name + "=")) {
        return pair.substring(name.length() + 1);
      }
    }
    return null;
  }

  private RegistryClient.Builder builder() {
    return RegistryClient.builder()
        .registryUrls(server.uri().toString())
        .shutdownHook(false)
        .stage("production")
        .retryPolicy(RetryPolicy.builder().maxAttempts(3)
            .initialBackoff(Duration.ofMillis(20)).maxBackoff(Duration.ofMillis(200)).build());
  }

  /** A client that looks up and watches, over the recording transport, never refreshing on its own. */
  private RegistryClient watcher(RegistryClient.Builder builder) {
    RegistryClient client = builder.transport(transport)
        .refreshInterval(Duration.ofMinutes(10)).idleTimeout(Duration.ofMinutes(20)).build();
    closeables.add(client);
    return client;
  }

  private InlineRegistryClient registrar() {
    InlineRegistryClient client = builder().buildInline();
    closeables.add(client);
    return client;
  }

  private static ServiceInstance instance(String service, int port) {
    return ServiceInstance.builder(service).id(service + "-" + port)
        .address(URI.create("http://127.0.0.1:" + port)).build();
  }

  private static ServiceInstance instance(String service, String stage, int port) {
    return ServiceInstance.builder(service).id(service + "-" + port).stage(stage)
        .address(URI.create("http://127.0.0.1:" + port)).build();
  }

  @Test
  void manyCachedServicesShareExactlyOneLongPollPerStage() {
    InlineRegistryClient registrar = registrar();
    Set<String> production = new TreeSet<>();
    for (int i = 0; i < 40; i++) {
      registrar.register(instance("svc-" + i, 9000 + i));
      production.add("svc-" + i);
    }
    registrar.register(instance("audit", "staging", 9100));
    RegistryClient watcher = watcher(builder());

    for (String service : production) {
      assertThat(watcher.instances(service)).hasSize(1);
    }
    assertThat(watcher.inStage("staging").instances("audit")).hasSize(1);

    await().atMost(Duration.ofSeconds(5)).until(() -> transport.polled("production").equals(production)
        && transport.polled("staging").equals(Set.of("audit")));
    assertThat(transport.longPolls()).hasSize(2);
    assertThat(transport.sent).noneMatch(r -> r.uri().getPath().startsWith("/discover/")
        && query(r, "index") != null);
  }

  @Test
  void aChangeOfAnyCachedServiceReachesItsWatchWithoutThePeriodicRefresh() {
    InlineRegistryClient registrar = registrar();
    for (int i = 0; i < 10; i++) {
      registrar.register(instance("svc-" + i, 9000 + i));
    }
    RegistryClient watcher = watcher(builder());
    for (int i = 0; i < 10; i++) {
      watcher.instances("svc-" + i);
    }
    List<ServiceView> seen = new CopyOnWriteArrayList<>();
    watcher.watch("svc-7", seen::add);
    await().atMost(Duration.ofSeconds(5)).until(() -> transport.polled("production").size() == 10);

    registrar.register(instance("svc-7", 9200));

    await().atMost(Duration.ofSeconds(3)).until(() -> seen.size() >= 2);
    assertThat(seen.get(seen.size() - 1).instances()).extracting(ServiceInstance::id)
        .containsExactlyInAnyOrder("svc-7-9007", "svc-7-9200");
    assertThat(watcher.instances("svc-7")).hasSize(2);
    assertThat(seen).noneMatch(ServiceView::stale);

    registrar.deregister(instance("svc-7", 9007));
    registrar.deregister(instance("svc-7", 9200));

    // No instances left: the poll answers the service empty, which is not the same as unchanged.
    await().atMost(Duration.ofSeconds(3)).until(() -> watcher.instances("svc-7").isEmpty());
    assertThat(transport.longPolls()).hasSize(1);
  }

  @Test
  void aNewlyCachedServiceJoinsThePollAndItsChangesArrive() {
    InlineRegistryClient registrar = registrar();
    registrar.register(instance("a", 9001));
    registrar.register(instance("b", 9002));
    registrar.register(instance("c", 9003));
    RegistryClient watcher = watcher(builder());
    watcher.instances("a");
    watcher.instances("b");
    await().atMost(Duration.ofSeconds(5)).until(() -> transport.polled("production").equals(Set.of("a", "b")));

    assertThat(watcher.instances("c")).hasSize(1);

    await().atMost(Duration.ofSeconds(5)).until(() -> transport.polled("production").equals(Set.of("a", "b", "c")));
    assertThat(transport.longPolls()).hasSize(1);
    registrar.register(instance("c", 9004));
    await().atMost(Duration.ofSeconds(3)).until(() -> watcher.instances("c").size() == 2);
  }

  @Test
  void anEvictedServiceLeavesThePoll() {
    InlineRegistryClient registrar = registrar();
    for (String s : List.of("a", "b", "c", "d")) {
      registrar.register(instance(s, 9000 + s.charAt(0)));
    }
    FakeClock clock = new FakeClock();
    RegistryClient watcher = watcher(builder().clock(clock));
    watcher.instances("a");
    watcher.instances("b");
    await().atMost(Duration.ofSeconds(5)).until(() -> transport.polled("production").equals(Set.of("a", "b")));

    // a is read again half-way; b is not, and goes idle. (The first lookup of a new service
    // moves the cache's coarse clock, and its write runs the cache's maintenance.)
    clock.advance(Duration.ofMinutes(12));
    watcher.instances("c");
    watcher.instances("a");
    clock.advance(Duration.ofMinutes(12));
    watcher.instances("d");

    await().atMost(Duration.ofSeconds(5))
        .until(() -> transport.polled("production").equals(Set.of("a", "c", "d")));
    assertThat(transport.longPolls()).hasSize(1);
  }

  @Test
  void aRegistryThatRestartsEmptyIsSurvived() {
    InlineRegistryClient registrar = registrar();
    registrar.register(instance("a", 9001));
    registrar.register(instance("b", 9002));
    RegistryClient watcher = watcher(builder());
    assertThat(watcher.instances("a")).hasSize(1);
    assertThat(watcher.instances("b")).hasSize(1);
    await().atMost(Duration.ofSeconds(5)).until(() -> transport.polled("production").equals(Set.of("a", "b")));
    int port = server.port();

    server.close();
    await().atMost(Duration.ofSeconds(5)).until(() -> watcher.inStage("production").view("a").stale());
    assertThat(watcher.instances("a")).hasSize(1);  // the last good view serves while it is down
    server = start(port);

    // Nobody re-registered: both are empty now, with the new registry's (lower) indexes.
    await().atMost(Duration.ofSeconds(10)).until(() -> watcher.instances("a").isEmpty()
        && watcher.instances("b").isEmpty() && !watcher.inStage("production").view("a").stale());
    InlineRegistryClient again = registrar();
    again.register(instance("b", 9005));
    await().atMost(Duration.ofSeconds(3)).until(() -> watcher.instances("b").size() == 1);
    assertThat(watcher.instances("b").get(0).id()).isEqualTo("b-9005");
  }

  @Test
  void closeCancelsTheStagePoll() {
    registrar().register(instance("a", 9001));
    RegistryClient watcher = watcher(builder());
    watcher.instances("a");
    await().atMost(Duration.ofSeconds(5)).until(() -> transport.longPolls().size() == 1);

    watcher.close();

    await().atMost(Duration.ofSeconds(3)).until(() -> transport.longPolls().isEmpty());
  }

  @Test
  void anInlineClientHoldsNoLongPoll() {
    registrar().register(instance("a", 9001));
    InlineRegistryClient inline = builder().transport(transport).buildInline();
    closeables.add(inline);

    assertThat(inline.instances("a")).hasSize(1);

    assertThat(transport.sent).isEmpty();
  }
}
