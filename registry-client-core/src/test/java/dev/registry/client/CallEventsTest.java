package dev.registry.client;

import static dev.registry.client.FakeRegistry.json;
import static dev.registry.client.FakeRegistry.view;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.registry.client.RegistryCall.Operation;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * What the {@link EventListener} hears beside the lifecycle events: each blocking call's start
 * and end on one thread (retries inside one call), the client's counters, stale serves,
 * ejections and watch failures.
 */
class CallEventsTest {
  @StartStop final MockWebServer server = new MockWebServer();
  final FakeRegistry registry = new FakeRegistry();
  final Recording heard = new Recording();

  final ServiceInstance instance = ServiceInstance.builder("payment-service")
      .id("payment-1").address(URI.create("http://10.0.0.5:8080")).build();

  RegistryClient.Builder builder() {
    server.setDispatcher(registry);
    return RegistryClient.builder().registryUrls(server.url("/").toString()).shutdownHook(false)
        .eventListener(heard)
        .retryPolicy(RetryPolicy.builder().maxAttempts(3)
            .initialBackoff(Duration.ofMillis(1)).maxBackoff(Duration.ofMillis(5)).build());
  }

  /** One call as heard: what, on which threads it started and ended, and how. */
  record Call(RegistryCall call, String startThread, String endThread, @Nullable RuntimeException failure) {}

  static final class Recording implements EventListener {
    final List<Call> calls = new CopyOnWriteArrayList<>();
    final List<ServiceView> staleServed = new CopyOnWriteArrayList<>();
    final List<ServiceInstance> ejected = new CopyOnWriteArrayList<>();
    final List<String> watchFailures = new CopyOnWriteArrayList<>();
    volatile Supplier<ClientStats> stats;

    @Override
    public void clientBuilt(Supplier<ClientStats> stats) {
      this.stats = stats;
    }

    @Override
    public CallListener callStarted(RegistryCall call) {
      String started = Thread.currentThread().getName();
      return failure -> calls.add(new Call(call, started, Thread.currentThread().getName(), failure));
    }

    @Override
    public void staleServed(ServiceView view) {
      staleServed.add(view);
    }

    @Override
    public void instanceEjected(ServiceInstance instance, Duration ejectionTime) {
      ejected.add(instance);
    }

    @Override
    public void watchFailed(String stage, RegistryException cause) {
      watchFailures.add(stage);
    }

    List<Operation> operations() {
      return calls.stream().map(c -> c.call().operation()).toList();
    }
  }

  @Test
  void eachBlockingCallIsHeardOnceOnTheThreadThatMadeItRetriesIncluded() {
    registry.answer("/discover", view("user-service", 3, "u-1", "http://10.0.0.9:80"))
        .answer("/catalog", json(200, ServerlessTest.CATALOG))
        .then("/register", json(503, "{\"error\":\"not_saved\",\"message\":\"disk full\"}"))
        .then("/status", json(400, "{\"error\":\"invalid_field\",\"message\":\"no\"}"));
    try (InlineRegistryClient client = builder().buildInline()) {
      Registration registration = client.register(instance);
      client.choose("user-service");
      client.choose("user-service");
      assertThatThrownBy(() -> registration.status(Status.DOWN)).isInstanceOf(RegistryRejectedException.class);
      client.services();
    }

    assertThat(heard.calls).extracting(Call::call).containsExactly(
        new RegistryCall(Operation.REGISTER, "default", "payment-service"),
        new RegistryCall(Operation.DISCOVER, "default", "user-service"),
        new RegistryCall(Operation.STATUS, "default", "payment-service"),
        new RegistryCall(Operation.CATALOG, "default", null),
        new RegistryCall(Operation.DEREGISTER, "default", "payment-service"));
    assertThat(registry.requests("/register")).hasSize(2);  // one call, its retry inside
    assertThat(heard.calls).allSatisfy(c -> assertThat(c.endThread()).isEqualTo(c.startThread())
        .isEqualTo(Thread.currentThread().getName()));
    assertThat(heard.calls).extracting(c -> c.failure() == null ? "none" : c.failure().getClass().getSimpleName())
        .containsExactly("none", "none", "RegistryRejectedException", "none", "none");
  }

  @Test
  void heartbeatsAreCallsOnTheSchedulerAndTheCountersAreReadable() {
    registry.answer("/discover", view("user-service", 3, "u-1", "http://10.0.0.9:80"));
    try (RegistryClient client = builder().heartbeatInterval(Duration.ofMillis(50)).build()) {
      assertThat(heard.stats.get()).isEqualTo(new ClientStats(0, 0, 0, 0, 0, 0, 0));
      client.register(instance);
      client.choose("user-service");
      client.choose("user-service");
      await().atMost(Duration.ofSeconds(10)).until(() -> heard.operations().contains(Operation.RENEW));

      assertThat(heard.stats.get().lookups()).isEqualTo(2);
      assertThat(heard.stats.get().cacheHits()).isEqualTo(1);
      assertThat(heard.calls).filteredOn(c -> c.call().operation() == Operation.RENEW).first()
          .satisfies(c -> assertThat(c.startThread()).startsWith("registry-client-")
              .isEqualTo(c.endThread()));
    }
  }

  @Test
  void aLookupServedFromAStaleViewIsHeardEachTime() {
    FakeClock clock = new FakeClock();
    registry.answer("/discover", view("user-service", 3, "u-1", "http://10.0.0.9:80"));
    try (InlineRegistryClient client = builder().clock(clock).retryPolicy(RetryPolicy.none()).buildInline()) {
      client.choose("user-service");
      assertThat(heard.staleServed).isEmpty();

      registry.answer("/discover", json(503, "{\"error\":\"down\",\"message\":\"down\"}"));
      clock.advance(Duration.ofMinutes(1));
      client.choose("user-service");  // the refresh fails: the last good view serves, stale
      client.choose("user-service");

      assertThat(heard.staleServed).hasSize(2)
          .allSatisfy(v -> assertThat(v.stale()).isTrue())
          .allSatisfy(v -> assertThat(v.instances()).extracting(ServiceInstance::id).containsExactly("u-1"));
    }
  }

  @Test
  void anEjectionIsHeard() {
    registry.answer("/discover", view("user-service", 3,
        "u-1", "http://10.0.0.9:80", "u-2", "http://10.0.0.10:80"));
    try (InlineRegistryClient client = builder().ejection(2, Duration.ofSeconds(30)).buildInline()) {
      ServiceInstance bad = client.choose("user-service");
      client.report(bad, Outcome.CONNECTION_FAILURE);
      assertThat(heard.ejected).isEmpty();
      client.report(bad, Outcome.CONNECTION_FAILURE);

      assertThat(heard.ejected).containsExactly(bad);
    }
  }

  @Test
  void aFailedWatchIsHeardWithItsStage() {
    registry.answer("/discover", view("user-service", 3, "u-1", "http://10.0.0.9:80"))
        .answer("/catalog", json(503, "{\"error\":\"down\",\"message\":\"down\"}"));
    try (RegistryClient client = builder().build()) {
      client.inStage("default").choose("user-service");

      await().atMost(Duration.ofSeconds(10)).until(() -> !heard.watchFailures.isEmpty());
      assertThat(heard.watchFailures).first().isEqualTo("default");
    }
  }
}
