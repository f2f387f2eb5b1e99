package dev.registry.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.registry.server.RegistryServer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What the client does when the registry goes wrong: a long outage on a fake clock, dead and
 * black-holed registry URLs, and the jitter that keeps many clients from retrying in step.
 */
class FaultsTest {
  final List<AutoCloseable> closeables = new ArrayList<>();
  final FakeClock clock = new FakeClock();

  @StartStop final MockWebServer mock = new MockWebServer();

  @AfterEach
  void tearDown() throws Exception {
    for (int i = closeables.size() - 1; i >= 0; i--) {
      closeables.get(i).close();
    }
  }

  <T extends AutoCloseable> T closing(T c) {
    closeables.add(c);
    return c;
  }

  static ServiceInstance payment(int n) {
    return ServiceInstance.builder("payment-service").id("payment-" + n)
        .address(URI.create("http://10.0.0." + n + ":8080")).build();
  }

  RegistryServer server(int port) {
    return RegistryServer.builder().host("127.0.0.1").port(port).build().start();
  }

  // ------------------------------------------------------------------ a long outage

  @Test
  void aTwoHourOutageFailsNoLookupOfAKnownServiceAndAnEmptyRegistryHasEveryRegistrationBackWithinOneInterval() {
    RegistryServer server = server(0);
    int port = server.port();
    Duration interval = Duration.ofSeconds(5);
    InlineRegistryClient client = closing(RegistryClient.builder()
        .registryUrls(server.uri().toString())
        .clock(clock)
        .leaseTtl(Duration.ofSeconds(15)).heartbeatInterval(interval)
        .refreshInterval(Duration.ofSeconds(30)).requestTimeout(Duration.ofMillis(500))
        .retryPolicy(RetryPolicy.builder().maxAttempts(2)
            .initialBackoff(Duration.ofMillis(1)).maxBackoff(Duration.ofMillis(2)).build())
        .buildInline());
    client.register(payment(1));
    client.register(payment(2));
    assertThat(client.instances("payment-service")).hasSize(2);
    server.close();

    long lookups = 0;
    long failed = 0;
    for (int step = 0; step < 2 * 60 * 60 / 5; step++) {
      clock.advance(interval);
      client.runDueWork(InlineModeTest.BUDGET);
      for (int i = 0; i < 20; i++) {
        lookups++;
        try {
          assertThat(client.choose("payment-service").service()).isEqualTo("payment-service");
        } catch (RuntimeException e) {
          failed++;
        }
      }
    }
    assertThat(lookups).isEqualTo(28_800);
    assertThat(failed).isZero();
    assertThat(client.inStage("default").view("payment-service").stale()).isTrue();
    assertThat(client.stats().heartbeatsFailed()).isGreaterThanOrEqualTo(2 * 1440);

    RegistryServer back = closing(server(port));
    assertThat(freshLookup(back)).isEmpty();
    clock.advance(interval);
    client.runDueWork(InlineModeTest.BUDGET);

    assertThat(freshLookup(back)).hasSize(2);
    assertThat(client.stats().reRegistrations()).isEqualTo(2);
    clock.advance(Duration.ofSeconds(30));
    assertThat(client.inStage("default").view("payment-service").stale()).isFalse();
  }

  /** What a client that has nothing cached sees. */
  List<ServiceInstance> freshLookup(RegistryServer server) {
    try (InlineRegistryClient fresh = RegistryClient.builder().registryUrls(server.uri().toString())
        .buildInline()) {
      return fresh.instances("payment-service");
    }
  }

  // ------------------------------------------------------------------ dead and black-holed URLs

  @Test
  void aDeadAndABlackHoledRegistryUrlFailNoOperationAndNoCallOutlastsItsTimeout() throws Exception {
    RegistryServer good = closing(server(0));
    ServerSocket blackHole = closing(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
    int deadPort;
    try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      deadPort = s.getLocalPort();
    }
    // Warm the good server (class loading of its first answer) so that its answers come in time
    // on a loaded machine; the timeout is the one under test, not the server's cold start.
    assertThat(freshLookup(good)).isEmpty();
    TimedTransport transport = closing(new TimedTransport());
    Duration timeout = Duration.ofSeconds(1);
    List<String> heartbeatFailures = new CopyOnWriteArrayList<>();
    RegistryClient client = closing(RegistryClient.builder()
        .registryUrls("http://127.0.0.1:" + blackHole.getLocalPort(), "http://127.0.0.1:" + deadPort,
            good.uri().toString())
        .eventListener(new dev.registry.client.EventListener() {
          @Override
          public void heartbeatFailed(ServiceInstance instance, dev.registry.client.RegistryException cause) {
            heartbeatFailures.add(instance.id() + ": " + cause);
          }
        })
        .transport(transport).shutdownHook(false)
        .requestTimeout(timeout).longPollWait(Duration.ofSeconds(1))
        .leaseTtl(Duration.ofSeconds(3)).heartbeatInterval(Duration.ofMillis(300))
        .retryPolicy(RetryPolicy.builder().maxAttempts(6)
            .initialBackoff(Duration.ofMillis(10)).maxBackoff(Duration.ofMillis(50)).build())
        .build());
    RegistryClient caller = closing(RegistryClient.builder()
        .registryUrls("http://127.0.0.1:" + deadPort, "http://127.0.0.1:" + blackHole.getLocalPort(),
            good.uri().toString())
        .transport(transport).shutdownHook(false)
        .requestTimeout(timeout).longPollWait(Duration.ofSeconds(1))
        .retryPolicy(RetryPolicy.builder().maxAttempts(6)
            .initialBackoff(Duration.ofMillis(10)).maxBackoff(Duration.ofMillis(50)).build())
        .build());

    List<String> failed = new ArrayList<>();
    List<Registration> registrations = new ArrayList<>();
    for (int n = 1; n <= 5; n++) {
      try {
        registrations.add(client.register(payment(n)));
      } catch (RuntimeException e) {
        failed.add("register " + n + ": " + e);
      }
    }
    for (int i = 0; i < 500; i++) {
      try {
        caller.choose("payment-service");
      } catch (RuntimeException e) {
        failed.add("choose: " + e);
      }
    }
    registrations.get(0).status(Status.OUT_OF_SERVICE);
    await().atMost(Duration.ofSeconds(10)).until(() -> caller.inStage("default").view("payment-service").upInstances().size() == 4);
    await().atMost(Duration.ofSeconds(10)).until(() -> client.stats().heartbeatsSent() >= 10);
    registrations.get(1).close();
    await().atMost(Duration.ofSeconds(10)).until(() -> caller.instances("payment-service").size() == 4);

    assertThat(failed).isEmpty();
    assertThat(heartbeatFailures).isEmpty();
    assertThat(client.stats().heartbeatsFailed()).isZero();
    assertThat(client.stats().registryFailures() + caller.stats().registryFailures())
        .as("the black hole and the dead port were each tried").isGreaterThanOrEqualTo(2);
    List<TimedTransport.Call> calls = List.copyOf(transport.calls);
    assertThat(calls).anyMatch(c -> c.failed() && c.request().uri().getPort() == blackHole.getLocalPort()
        && c.took().compareTo(timeout.minusMillis(50)) >= 0);
    Duration slack = Duration.ofMillis(600);
    for (TimedTransport.Call call : calls) {
      assertThat(call.took()).as("%s", call).isLessThanOrEqualTo(call.request().timeout().plus(slack));
      if (!call.longPoll()) {
        assertThat(call.request().timeout()).isEqualTo(timeout);
      }
    }
    System.out.printf("dead+black-holed URLs: %d calls, %d failed, longest blocking call %d ms (timeout %d ms)%n",
        calls.size(), calls.stream().filter(TimedTransport.Call::failed).count(),
        calls.stream().filter(c -> !c.longPoll()).mapToLong(c -> c.took().toMillis()).max().orElse(0),
        timeout.toMillis());
  }

  // ------------------------------------------------------------------ jitter

  @Test
  void backoffIsUniformOverItsBoundSoRetriesSpreadOut() {
    Retrying retrying = new Retrying(RetryPolicy.defaults());
    int samples = 20_000;
    int[] buckets = new int[10];
    long min = Long.MAX_VALUE;
    long max = 0;
    long sum = 0;
    for (int i = 0; i < samples; i++) {
      long b = retrying.backoffMillis(3); // bound 400 ms
      assertThat(b).isBetween(0L, 400L);
      buckets[(int) Math.min(9, b / 40)]++;
      min = Math.min(min, b);
      max = Math.max(max, b);
      sum += b;
    }
    assertThat(min).isLessThan(10);
    assertThat(max).isGreaterThan(390);
    assertThat(sum / (double) samples).isBetween(190.0, 210.0);
    for (int bucket : buckets) {
      assertThat(bucket).isBetween(samples / 10 * 8 / 10, samples / 10 * 12 / 10);
    }
  }

  @Test
  void heartbeatsOfManyClientsThatFailTogetherRetryApart() throws Exception {
    int clients = 16;
    Map<String, List<Long>> arrivals = new ConcurrentHashMap<>();
    mock.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        String path = request.getUrl().encodedPath();
        if (path.equals("/register")) {
          return json(201, "{\"status\":\"registered\"}");
        }
        String body = request.getBody().utf8();
        String id = body.replaceAll(".*\"id\":\"([^\"]+)\".*", "$1");
        arrivals.computeIfAbsent(id, k -> new CopyOnWriteArrayList<>()).add(System.nanoTime());
        return json(503, "{\"error\":\"unavailable\",\"message\":\"down\"}");
      }
    });
    List<InlineRegistryClient> all = new ArrayList<>();
    for (int i = 1; i <= clients; i++) {
      InlineRegistryClient c = closing(RegistryClient.builder().registryUrls(mock.url("/").toString())
          .clock(clock)
          .leaseTtl(Duration.ofSeconds(15)).heartbeatInterval(Duration.ofSeconds(5))
          .deregisterTimeout(Duration.ofMillis(100))
          .retryPolicy(RetryPolicy.defaults()).buildInline());
      c.register(payment(i));
      all.add(c);
    }
    clock.advance(Duration.ofSeconds(5));
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    for (InlineRegistryClient c : all) {
      Thread t = new Thread(() -> {
        try {
          go.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        c.runDueWork(InlineModeTest.BUDGET);
      });
      t.start();
      threads.add(t);
    }
    go.countDown();
    for (Thread t : threads) {
      t.join(TimeUnit.SECONDS.toMillis(30));
    }

    assertThat(arrivals).hasSize(clients);
    assertThat(arrivals.values()).allSatisfy(a -> assertThat(a).hasSize(4));
    long[] spreadMillis = new long[4];
    for (int attempt = 0; attempt < 4; attempt++) {
      int k = attempt;
      Set<Long> at = arrivals.values().stream().map(a -> a.get(k)).collect(Collectors.toSet());
      spreadMillis[attempt] = (at.stream().mapToLong(Long::longValue).max().getAsLong()
          - at.stream().mapToLong(Long::longValue).min().getAsLong()) / 1_000_000;
    }
    // Per client, the time from its first attempt to its last: three full-jitter waits drawn
    // from [0,100], [0,200], [0,400] ms, so the clients' retries drift apart whatever their start.
    List<Long> retryMillis = arrivals.values().stream().map(a -> (a.get(3) - a.get(0)) / 1_000_000).sorted().toList();
    long retrySpread = retryMillis.get(retryMillis.size() - 1) - retryMillis.get(0);
    System.out.printf("heartbeat attempts of %d clients failing together: spread of attempt 1..4 = %s ms;"
        + " first-to-last-attempt times %s ms%n", clients, java.util.Arrays.toString(spreadMillis), retryMillis);
    assertThat(retrySpread).isGreaterThan(150);
    assertThat(spreadMillis[3]).isGreaterThan(150);
  }

  static MockResponse json(int code, String body) {
    return new MockResponse.Builder().code(code).addHeader("Content-Type", "application/json").body(body).build();
  }

}
