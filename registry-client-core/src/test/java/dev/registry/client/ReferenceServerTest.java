package dev.registry.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.registry.server.RegistryServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Behaviour against the real reference server, in-process on an ephemeral port. */
class ReferenceServerTest {
  final List<AutoCloseable> closeables = new ArrayList<>();
  RegistryServer server = start(0, Clock.systemUTC());

  RegistryServer start(int port, Clock clock) {
    RegistryServer s = RegistryServer.builder().host("127.0.0.1").port(port)
        .heartbeatTimeout(Duration.ofSeconds(30)).cleanupInterval(Duration.ofSeconds(30))
        .clock(clock).build().start();
    closeables.add(s);
    return s;
  }

  @AfterEach
  void tearDown() throws Exception {
    // Clients first, so that they deregister from a running server.
    for (AutoCloseable c : closeables) {
      if (c instanceof RegistryClient || c instanceof InlineRegistryClient) {
        c.close();
      }
    }
    for (AutoCloseable c : closeables) {
      c.close();
    }
  }

  RegistryClient.Builder builder() {
    return RegistryClient.builder()
        .registryUrls(server.uri().toString())
        .shutdownHook(false)
        .stage("production")
        .retryPolicy(RetryPolicy.builder().maxAttempts(3)
            .initialBackoff(Duration.ofMillis(20)).maxBackoff(Duration.ofMillis(200)).build());
  }

  RegistryClient client(RegistryClient.Builder builder) {
    RegistryClient client = builder.build();
    closeables.add(client);
    return client;
  }

  static ServiceInstance payment(int n) {
    return ServiceInstance.builder("payment-service").id("payment-" + n)
        .address(URI.create("http://127.0.0.1:" + (9000 + n))).build();
  }

  /** What the server itself holds, read without the client under test. */
  static String discover(RegistryServer server, String service) throws Exception {
    HttpResponse<String> response = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create(server.uri() + "/discover/" + service + "?stage=production"))
            .build(), HttpResponse.BodyHandlers.ofString());
    return response.body();
  }

  @Test
  void registeredInstancesAreDiscoveredByAnotherClientAndCalledRoundRobinEvenly() throws Exception {
    RegistryClient services = client(builder());
    List<Registration> registrations = new ArrayList<>();
    for (int n = 1; n <= 3; n++) {
      registrations.add(services.register(payment(n)));
    }
    RegistryClient caller = client(builder());

    Map<String, Integer> calls = new HashMap<>();
    for (int i = 0; i < 300; i++) {
      calls.merge(caller.choose("payment-service").id(), 1, Integer::sum);
    }

    assertThat(calls).containsExactlyInAnyOrderEntriesOf(
        Map.of("payment-1", 100, "payment-2", 100, "payment-3", 100));
    assertThat(caller.instances("payment-service")).allSatisfy(i -> {
      assertThat(i.stage()).isEqualTo("production");
      assertThat(i.status()).isEqualTo(Status.UP);
    });

    for (Registration registration : registrations) {
      registration.close();
    }
    assertThat(discover(server, "payment-service")).contains("\"count\":0");
    await().atMost(Duration.ofSeconds(5))
        .until(() -> caller.instances("payment-service").isEmpty());
  }

  @Test
  void aStatusChangeTakesAnInstanceOutOfRotationForCallers() {
    RegistryClient services = client(builder());
    Registration one = services.register(payment(1));
    services.register(payment(2));
    RegistryClient caller = client(builder());
    caller.choose("payment-service");

    one.status(Status.OUT_OF_SERVICE);

    await().atMost(Duration.ofSeconds(5)).until(() -> caller.instances("payment-service")
        .stream().anyMatch(i -> i.status() == Status.OUT_OF_SERVICE));
    for (int i = 0; i < 10; i++) {
      assertThat(caller.choose("payment-service").id()).isEqualTo("payment-2");
    }
  }

  @Test
  void afterTheRegistryRestartsEmptyEveryRegistrationIsBackWithinOneHeartbeatInterval()
      throws Exception {
    Duration interval = Duration.ofMillis(500);
    RegistryClient services = client(builder()
        .leaseTtl(Duration.ofSeconds(5)).heartbeatInterval(interval));
    services.register(payment(1));
    services.register(payment(2));
    int port = server.port();

    server.close();
    server = start(port, Clock.systemUTC());
    // No check that the new server starts empty: on a loaded machine a heartbeat may already
    // have re-registered one. The two re-registrations counted below show it was empty.

    RegistryServer restarted = server;
    await().atMost(interval.plusMillis(700)).until(() ->
        discover(restarted, "payment-service").contains("\"count\":2"));
    assertThat(services.stats().reRegistrations()).isEqualTo(2);
  }

  /**
   * The measurement (#14): a caller with payment-service cached, the registry restarted
   * empty on the same port, the owners heartbeating. Every choose() over the window, from the
   * restart until the new run holds all three again and the caller's view is fresh, must pick.
   */
  @ParameterizedTest(name = "heartbeat {0} s")
  @ValueSource(ints = {1, 5})
  void aRegistryRestartedEmptyFailsNoChooseWhileTheOwnersRegisterAgain(int heartbeatSeconds) {
    Duration interval = Duration.ofSeconds(heartbeatSeconds);
    Duration ttl = interval.multipliedBy(3);
    RegistryClient owners = client(builder().leaseTtl(ttl).heartbeatInterval(interval));
    for (int n = 1; n <= 3; n++) {
      owners.register(payment(n));
    }
    RegistryClient caller = client(builder().leaseTtl(ttl));
    List<ServiceView> seen = new CopyOnWriteArrayList<>();
    caller.watch("payment-service", seen::add);
    assertThat(caller.instances("payment-service")).hasSize(3);
    int port = server.port();

    server.close();
    server = start(port, Clock.systemUTC());
    int before = seen.size();

    long[] calls = new long[2];  // chosen, failed
    await().atMost(interval.plusSeconds(10)).pollInterval(Duration.ofMillis(1)).until(() -> {
      for (int i = 0; i < 10; i++) {
        try {
          caller.choose("payment-service");
          calls[0]++;
        } catch (NoInstanceAvailableException e) {
          calls[1]++;
        }
      }
      ServiceView now = caller.inStage("production").view("payment-service");
      return owners.stats().reRegistrations() == 3 && !now.stale() && now.instances().size() == 3
          && seen.subList(before, seen.size()).stream().anyMatch(ServiceView::stale);
    });
    assertThat(calls[1]).as("failed choose() calls of %d", calls[0] + calls[1]).isZero();
    assertThat(calls[0]).isGreaterThan(100);
    // The window was real: the caller served the three it held, stale, while the new run had fewer.
    assertThat(seen.subList(before, seen.size()))
        .anyMatch(v -> v.stale() && v.instances().size() == 3);
  }

  @Test
  void whileTheRegistryIsDownKnownServicesAnswerFromTheStaleView() throws Exception {
    List<String> health = new CopyOnWriteArrayList<>();
    RegistryClient services = client(builder().shutdownHook(false));
    services.register(payment(1));
    RegistryClient caller = client(builder().eventListener(new EventListener() {
      @Override
      public void registryUnavailable(RegistryException cause) {
        health.add("unavailable");
      }

      @Override
      public void registryAvailable() {
        health.add("available");
      }
    }));
    assertThat(caller.choose("payment-service").id()).isEqualTo("payment-1");
    int port = server.port();

    server.close();

    await().atMost(Duration.ofSeconds(5))
        .until(() -> caller.inStage("production").view("payment-service").stale());
    assertThat(caller.choose("payment-service").id()).isEqualTo("payment-1");
    assertThat(caller.instances("payment-service")).hasSize(1);
    assertThat(health).containsExactly("unavailable");

    server = start(port, Clock.systemUTC());
    await().atMost(Duration.ofSeconds(10))
        .until(() -> !caller.inStage("production").view("payment-service").stale());
    assertThat(health).containsExactly("unavailable", "available");
  }

  @Test
  void aNewInstanceReachesAWatchingClientThroughTheLongPollWithoutWaitingForTheRefresh() {
    RegistryClient services = client(builder());
    services.register(payment(1));
    RegistryClient watcher = client(builder()
        .refreshInterval(Duration.ofMinutes(10)).idleTimeout(Duration.ofMinutes(20)));
    List<ServiceView> seen = new CopyOnWriteArrayList<>();
    watcher.watch("payment-service", seen::add);
    assertThat(seen).hasSize(1);

    services.register(payment(2));

    await().atMost(Duration.ofSeconds(3)).until(() -> seen.size() >= 2);
    assertThat(seen.get(seen.size() - 1).instances()).extracting(ServiceInstance::id)
        .containsExactlyInAnyOrder("payment-1", "payment-2");
    assertThat(watcher.instances("payment-service")).hasSize(2);
  }

  @Test
  void anInstanceThatStopsHeartbeatingLeavesTheWatchingClientWhenItsLeaseEnds() {
    FakeClock serverClock = new FakeClock();
    server.close();
    server = start(0, serverClock);
    // No background work: this client registers and then never renews.
    InlineRegistryClient silent = builder().leaseTtl(Duration.ofSeconds(3)).buildInline();
    closeables.add(silent);
    RegistryClient alive = client(builder().leaseTtl(Duration.ofSeconds(60)));
    silent.register(payment(1));
    alive.register(payment(2));
    RegistryClient watcher = client(builder());
    assertThat(watcher.instances("payment-service")).hasSize(2);

    serverClock.advance(Duration.ofSeconds(4));
    server.sweep();

    await().atMost(Duration.ofSeconds(5)).until(() -> watcher.instances("payment-service")
        .stream().map(ServiceInstance::id).toList().equals(List.of("payment-2")));
  }
  @Test
  void servicesListsTheServicesWithALiveInstanceInTheStageSortedAndForgetsDeregisteredOnes() {
    RegistryClient services = client(builder());
    Registration payment = services.register(payment(1));
    services.register(ServiceInstance.builder("audit-service")
        .address(URI.create("http://127.0.0.1:9100")).build());
    services.register(ServiceInstance.builder("user-service").stage("staging")
        .address(URI.create("http://127.0.0.1:9200")).build());
    RegistryClient reader = client(builder());

    assertThat(reader.services()).containsExactly("audit-service", "payment-service");
    assertThat(reader.inStage("staging").services()).containsExactly("user-service");
    assertThat(reader.inStage("nowhere").services()).isEmpty();

    payment.close();
    assertThat(reader.services()).containsExactly("audit-service");
  }
}
