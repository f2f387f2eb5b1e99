package dev.registry.client;

import static dev.registry.client.FakeRegistry.json;
import static dev.registry.client.FaultsTest.payment;
import static dev.registry.client.FakeRegistry.view;
import static org.assertj.core.api.Assertions.assertThat;

import dev.registry.server.RegistryServer;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The restart rule on a fake clock (docs/reliability.md, "The registry restarts (client side)"):
 * inline clients, so that nothing happens between two steps but what the test does, against the
 * in-process server on the same clock, restarted on the same port.
 */
class RestartGraceTest {
  static final Duration TTL = Duration.ofSeconds(15);
  static final Duration INTERVAL = Duration.ofSeconds(5);
  static final Duration REFRESH = Duration.ofSeconds(1);

  final FakeClock clock = new FakeClock();
  final List<AutoCloseable> closeables = new ArrayList<>();
  @StartStop final MockWebServer mock = new MockWebServer();
  RegistryServer server;

  @AfterEach
  void tearDown() throws Exception {
    for (AutoCloseable c : closeables) {  // the clients first, while their registry is up
      if (c instanceof InlineRegistryClient) {
        c.close();
      }
    }
    for (AutoCloseable c : closeables) {
      c.close();
    }
  }

  RegistryServer start(int port, Path dataDir) {
    RegistryServer.Builder builder = RegistryServer.builder().host("127.0.0.1").port(port).clock(clock);
    RegistryServer s = (dataDir == null ? builder : builder.dataDirectory(dataDir)).build().start();
    closeables.add(s);
    return s;
  }

  InlineRegistryClient client(URI registry) {
    InlineRegistryClient client = RegistryClient.builder().registryUrls(registry.toString()).clock(clock)
        .leaseTtl(TTL).heartbeatInterval(INTERVAL).refreshInterval(REFRESH)
        .retryPolicy(RetryPolicy.builder().maxAttempts(1).build())
        .buildInline();
    closeables.add(client);
    return client;
  }

  /** The caller's view after a refresh: the refresh interval passes, then a lookup. */
  ServiceView refreshed(InlineRegistryClient caller) {
    clock.advance(REFRESH);
    return caller.inStage("default").view("payment-service");
  }

  static List<String> ids(ServiceView view) {
    return view.instances().stream().map(ServiceInstance::id).sorted().toList();
  }

  /** Owners of payment-1 and -2 that heartbeat, of payment-3 that died with the old run; a caller. */
  record Fleet(InlineRegistryClient alive, InlineRegistryClient caller) {}

  Fleet fleetThenRestart(Path dataDir) {
    server = start(0, dataDir);
    InlineRegistryClient alive = client(server.uri());
    alive.register(payment(1));
    alive.register(payment(2));
    client(server.uri()).register(payment(3));
    InlineRegistryClient caller = client(server.uri());
    assertThat(ids(caller.inStage("default").view("payment-service")))
        .containsExactly("payment-1", "payment-2", "payment-3");
    int port = server.port();
    server.close();
    server = start(port, dataDir);
    return new Fleet(alive, caller);
  }

  @Test
  void instancesTheNewRunDoesNotHoldAreServedStaleUntilTheyRegisterAgainOrOneLeaseTtlHasPassed() {
    Fleet fleet = fleetThenRestart(null);
    long heardOfTheNewRun = clock.millis() + REFRESH.toMillis();

    ServiceView afterRestart = refreshed(fleet.caller());
    assertThat(ids(afterRestart)).containsExactly("payment-1", "payment-2", "payment-3");
    assertThat(afterRestart.stale()).isTrue();
    for (int i = 0; i < 30; i++) {
      assertThat(fleet.caller().choose("payment-service").service()).isEqualTo("payment-service");
    }

    clock.advance(INTERVAL);
    fleet.alive().runDueWork(InlineModeTest.BUDGET);  // heartbeats answered 404: both register again
    ServiceView reRegistered = refreshed(fleet.caller());
    assertThat(ids(reRegistered)).containsExactly("payment-1", "payment-2", "payment-3");
    assertThat(reRegistered.stale()).isTrue();  // payment-3 is kept still

    clock.advance(Duration.ofMillis(heardOfTheNewRun + TTL.toMillis() - 1 - clock.millis()));
    fleet.alive().runDueWork(InlineModeTest.BUDGET);
    assertThat(ids(fleet.caller().inStage("default").view("payment-service")))
        .containsExactly("payment-1", "payment-2", "payment-3");
    clock.advance(Duration.ofMillis(1));
    ServiceView afterGrace = fleet.caller().inStage("default").view("payment-service");
    assertThat(ids(afterGrace)).containsExactly("payment-1", "payment-2");
    assertThat(afterGrace.stale()).isFalse();
  }

  @Test
  void anInstanceTheNewRunShowedLeavesAsSoonAsTheNewRunLosesIt() {
    Fleet fleet = fleetThenRestart(null);
    refreshed(fleet.caller());
    clock.advance(INTERVAL);
    fleet.alive().runDueWork(InlineModeTest.BUDGET);
    assertThat(ids(refreshed(fleet.caller()))).containsExactly("payment-1", "payment-2", "payment-3");

    assertThat(fleet.alive().deregister(payment(1))).isTrue();
    assertThat(ids(refreshed(fleet.caller()))).containsExactly("payment-2", "payment-3");
  }

  @Test
  void aRestartWithADataDirectoryKeepsNothingAndADeregistrationCountsAtOnce(@TempDir Path dataDir) {
    Fleet fleet = fleetThenRestart(dataDir);

    ServiceView afterRestart = refreshed(fleet.caller());
    assertThat(ids(afterRestart)).containsExactly("payment-1", "payment-2", "payment-3");
    assertThat(afterRestart.stale()).isFalse();
    assertThat(fleet.alive().deregister(payment(1))).isTrue();
    assertThat(ids(refreshed(fleet.caller()))).containsExactly("payment-2", "payment-3");
  }

  @Test
  void aRegistryThatNamesNoRunIsTakenAtItsWordEvenWhenItsIndexGoesBack() {
    FakeRegistry registry = new FakeRegistry();
    mock.setDispatcher(registry);
    registry.then("/discover/payment-service",
        view("payment-service", 40, "payment-1", "http://10.0.0.1:8080", "payment-2", "http://10.0.0.2:8080"));
    registry.answer("/discover/payment-service", json(404, "{\"service\":\"payment-service\","
        + "\"stage\":\"default\",\"index\":0,\"count\":0,\"instances\":[],\"error\":\"unknown_service\"}"));
    InlineRegistryClient caller = client(mock.url("/").uri());
    assertThat(caller.instances("payment-service")).hasSize(2);

    ServiceView emptied = refreshed(caller);
    assertThat(emptied.instances()).isEmpty();
    assertThat(emptied.stale()).isFalse();
  }
}
