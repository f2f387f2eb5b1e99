package dev.registry.client.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.registry.client.Outcome;
import dev.registry.client.RegistryClient;
import dev.registry.client.RegistryRejectedException;
import dev.registry.client.RetryPolicy;
import dev.registry.client.ServiceInstance;
import dev.registry.server.RegistryServer;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The listener against the real reference server: the meters, and the calls as Observations. */
class MicrometerEventListenerTest {
  final RegistryServer server = RegistryServer.builder().host("127.0.0.1").port(0)
      .maxInstancesPerService(2).build().start();
  final SimpleMeterRegistry meters = new SimpleMeterRegistry();

  @AfterEach
  void stop() {
    server.close();
  }

  RegistryClient.Builder builder(MicrometerEventListener listener) {
    return RegistryClient.builder().registryUrls(server.uri().toString()).shutdownHook(false)
        .longPollWait(Duration.ofSeconds(1)).eventListener(listener)
        .retryPolicy(RetryPolicy.builder().maxAttempts(2)
            .initialBackoff(Duration.ofMillis(1)).maxBackoff(Duration.ofMillis(5)).build());
  }

  static ServiceInstance instance(String service, String id, int port) {
    return ServiceInstance.builder(service).id(id).address(URI.create("http://127.0.0.1:" + port)).build();
  }

  double count(String name, String... tags) {
    return meters.get(name).tags(tags).functionCounter().count();
  }

  long calls(String... tags) {
    return meters.get(MicrometerEventListener.CALLS).tags(tags).timer().count();
  }

  @Test
  void callsAreTimedByOperationAndOutcomeAndTheClientsCountersArePublished() {
    try (RegistryClient client = builder(MicrometerEventListener.builder(meters).build()).build()) {
      client.register(instance("payment-service", "p-1", 9001));
      client.register(instance("payment-service", "p-2", 9002));
      assertThatThrownBy(() -> client.register(instance("payment-service", "p-3", 9003)))
          .isInstanceOf(RegistryRejectedException.class);
      client.choose("payment-service");
      client.choose("payment-service");
      client.choose("payment-service");
      client.config("payment-service");

      assertThat(calls("operation", "register", "outcome", "success", "error", "none")).isEqualTo(2);
      assertThat(calls("operation", "register", "outcome", "rejected", "error", "RegistryRejectedException"))
          .isEqualTo(1);
      assertThat(calls("operation", "discover", "outcome", "success")).isEqualTo(1);
      assertThat(calls("operation", "config", "outcome", "success")).isEqualTo(1);
      assertThat(meters.get(MicrometerEventListener.CALLS).timer().totalTime(TimeUnit.NANOSECONDS))
          .isPositive();
      assertThat(count("registry.client.lookups")).isEqualTo(3);
      assertThat(count("registry.client.cache.hits")).isEqualTo(2);
      assertThat(count("registry.client.heartbeats", "result", "sent")).isZero();
      assertThat(meters.get("registry.client.reachable").gauge().value()).isEqualTo(1);
    }
    assertThat(calls("operation", "deregister", "outcome", "success")).isEqualTo(2);
  }

  @Test
  void ejectionsStaleServesAndWatchRestartsAreCountedAndReachabilityFalls() {
    try (RegistryClient owner = builder(MicrometerEventListener.builder(new SimpleMeterRegistry()).build()).build();
        RegistryClient client = builder(MicrometerEventListener.builder(meters).tags(Tags.of("client", "caller")).build())
            .ejection(1, Duration.ofMinutes(1)).build()) {
      owner.register(instance("user-service", "u-1", 9001));
      owner.register(instance("user-service", "u-2", 9002));
      client.report(client.choose("user-service"), Outcome.CONNECTION_FAILURE);
      assertThat(meters.get("registry.client.ejections").tags("service", "user-service", "client", "caller")
          .counter().count()).isEqualTo(1);

      server.close();
      await().atMost(Duration.ofSeconds(20)).until(() -> client.view("user-service").stale());
      client.choose("user-service");

      assertThat(meters.get("registry.client.watch.restarts").tags("stage", "default", "client", "caller")
          .counter().count()).isPositive();
      assertThat(meters.get("registry.client.stale.serves").counter().count()).isPositive();
      assertThat(meters.get("registry.client.reachable").tags("client", "caller").gauge().value()).isZero();
    }
  }

  @Test
  void withAnObservationRegistryEachCallIsAnObservationCurrentWhileItRunsUnderTheCallersOne() {
    ObservationRegistry observations = ObservationRegistry.create();
    List<Observation.Context> started = new CopyOnWriteArrayList<>();
    observations.observationConfig().observationHandler(new ObservationHandler<>() {
      @Override
      public void onStart(Observation.Context context) {
        started.add(context);
      }

      @Override
      public boolean supportsContext(Observation.Context context) {
        return true;
      }
    });
    List<String> seenBySource = new CopyOnWriteArrayList<>();  // on this thread: the watch's are its own
    Thread caller = Thread.currentThread();
    MicrometerEventListener listener = MicrometerEventListener.builder(meters).observationRegistry(observations).build();
    try (RegistryClient client = builder(listener).requestIdSource(() -> {
      Observation current = observations.getCurrentObservation();
      if (Thread.currentThread() == caller) {
        seenBySource.add(current == null ? "none" : current.getContext().getContextualName());
      }
      return null;
    }).build()) {
      client.register(instance("payment-service", "p-1", 9001));
      Observation.createNotStarted("checkout", observations).observe(() -> client.choose("payment-service"));
    }

    assertThat(started).extracting(Observation.Context::getName)
        .containsExactly(MicrometerEventListener.CALLS, "checkout", MicrometerEventListener.CALLS,
            MicrometerEventListener.CALLS);
    Observation.Context discover = started.get(2);
    assertThat(discover.getContextualName()).isEqualTo("registry discover");
    assertThat(discover.getParentObservation()).isNotNull()
        .extracting(p -> p.getContextView().getName()).isEqualTo("checkout");
    assertThat(discover.getLowCardinalityKeyValue("operation").getValue()).isEqualTo("discover");
    assertThat(discover.getLowCardinalityKeyValue("outcome").getValue()).isEqualTo("success");
    assertThat(discover.getHighCardinalityKeyValue("service").getValue()).isEqualTo("payment-service");
    // (null: "checkout" itself, current when the lookup starts the watch's first long-poll)
    assertThat(seenBySource).doesNotContain("none").filteredOn(java.util.Objects::nonNull)
        .containsExactly("registry register", "registry discover", "registry deregister");
    // The given registry has no meter handler: the listener times nothing itself.
    assertThat(meters.find(MicrometerEventListener.CALLS).timer()).isNull();
  }

  @Test
  void anObservationPredicateCanLeaveHeartbeatsOut() {
    SimpleMeterRegistry timed = new SimpleMeterRegistry();
    ObservationRegistry observations = ObservationRegistry.create();
    observations.observationConfig()
        .observationHandler(new DefaultMeterObservationHandler(timed))
        .observationPredicate((name, context) -> !(name.equals(MicrometerEventListener.CALLS)
            && "renew".equals(context.getLowCardinalityKeyValue("operation").getValue())));
    MicrometerEventListener listener = MicrometerEventListener.builder(meters).observationRegistry(observations).build();
    try (RegistryClient client = builder(listener).heartbeatInterval(Duration.ofMillis(50)).build()) {
      client.register(instance("payment-service", "p-1", 9001));
      await().atMost(Duration.ofSeconds(10)).until(() -> count("registry.client.heartbeats", "result", "sent") >= 2);
    }

    assertThat(timed.get(MicrometerEventListener.CALLS).tag("operation", "register").timer().count()).isEqualTo(1);
    assertThat(timed.find(MicrometerEventListener.CALLS).tag("operation", "renew").timer()).isNull();
  }
}
