package dev.registry.client;

import static dev.registry.client.FakeRegistry.view;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The least-loaded balancer over the calls in flight that {@code startCall} and {@link Call#end}
 * count, and what those handles cost. An inline client with a fake clock, so that its due work
 * moves the counting's generation when the test says.
 */
class LeastLoadedTest {
  @StartStop final MockWebServer server = new MockWebServer();
  final FakeClock clock = new FakeClock();
  InlineRegistryClient client;

  @AfterEach
  void tearDown() {
    if (client != null) {
      client.close();
    }
  }

  void start(LoadBalancer balancer, String... idsAndAddresses) {
    FakeRegistry registry = new FakeRegistry();
    registry.answer("/discover", view("payment-service", 1, idsAndAddresses));
    server.setDispatcher(registry);
    client = RegistryClient.builder().registryUrls(server.url("/").toString()).clock(clock)
        .refreshInterval(Duration.ofSeconds(30)).retryPolicy(RetryPolicy.none())
        .loadBalancer(balancer).buildInline();
  }

  /** Where {@code n} calls go that each end before the next starts. */
  Map<String, Integer> shortCalls(int n) {
    Map<String, Integer> counts = new TreeMap<>();
    for (int i = 0; i < n; i++) {
      Call call = client.startCall("payment-service");
      counts.merge(call.instance().id(), 1, Integer::sum);
      call.end(Outcome.SUCCESS);
    }
    return counts;
  }

  @Test
  void theInstanceWithACallInFlightGetsNoCallWhileTheOtherHasNone() {
    start(LoadBalancer.leastLoaded(), "a", "http://10.0.0.1:80", "b", "http://10.0.0.2:80");
    Call held = client.startCall("payment-service");
    String other = held.instance().id().equals("a") ? "b" : "a";

    assertThat(shortCalls(100)).containsExactly(Map.entry(other, 100));

    held.end(Outcome.SUCCESS);
    assertThat(shortCalls(200)).containsOnlyKeys("a", "b");
  }

  @Test
  void ofThreeInstancesTheBusiestGetsNothingAndTheIdleMost() {
    Routing routing = new Routing(RegistryClient.builder().registryUrls("http://127.0.0.1:1").settings());
    ViewHolder holder = new ViewHolder("payment-service", "default", new Events(EventListener.NONE, java.util.List.of()), routing);
    List<ServiceInstance> three = List.of(LoadBalancerTest.instance("a"), LoadBalancerTest.instance("b"),
        LoadBalancerTest.instance("c"));
    Candidates candidates = new Candidates(three, holder.loads);
    for (int i = 0; i < 3; i++) {
      holder.loads.of(three.get(0)).started();
    }
    holder.loads.of(three.get(1)).started();

    Map<String, Integer> counts = LoadBalancerTest.count(LoadBalancer.leastLoaded(), candidates, 0, 3000);

    // Of the three pairs, a never wins one; b wins against a; c wins both of its pairs.
    assertThat(counts).doesNotContainKey("a");
    assertThat(counts.get("b")).isBetween(800, 1200);
    assertThat(counts.get("c")).isBetween(1800, 2200);
  }

  @Test
  void aCallNeverEndedStopsCountingAfterTwoRefreshIntervals() {
    start(LoadBalancer.leastLoaded(), "a", "http://10.0.0.1:80", "b", "http://10.0.0.2:80");
    Call lost = client.startCall("payment-service");
    String other = lost.instance().id().equals("a") ? "b" : "a";

    clock.advance(Duration.ofSeconds(30));
    client.runDueWork(Duration.ofSeconds(1));
    assertThat(shortCalls(50)).as("one interval on, it still counts").containsExactly(Map.entry(other, 50));

    clock.advance(Duration.ofSeconds(30));
    client.runDueWork(Duration.ofSeconds(1));
    assertThat(shortCalls(200)).as("two intervals on, it is forgotten").containsOnlyKeys("a", "b");
  }

  @Test
  void roundRobinStillTakesTurnsForCountedCalls() {
    start(LoadBalancer.roundRobin(), "a", "http://10.0.0.1:80", "b", "http://10.0.0.2:80");
    Call held = client.startCall("payment-service");

    assertThat(shortCalls(100)).containsExactly(Map.entry("a", 50), Map.entry("b", 50));
    held.end(Outcome.SUCCESS);
  }

  @Test
  void endingACallReportsItsOutcomeToTheEjection() {
    start(LoadBalancer.roundRobin(), "a", "http://10.0.0.1:80", "b", "http://10.0.0.2:80",
        "c", "http://10.0.0.3:80", "d", "http://10.0.0.4:80");
    for (int i = 0; i < 12; i++) {
      Call call = client.startCall("payment-service");
      call.end(call.instance().id().equals("a") ? Outcome.GATEWAY_ERROR : Outcome.SUCCESS);
    }

    assertThat(shortCalls(30)).containsOnlyKeys("b", "c", "d");
    assertThatThrownBy(() -> client.startCall("payment-service").end(null))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("outcome");
  }

  @Test
  void startingAndEndingACallAllocatesNothing() {
    for (LoadBalancer balancer : List.of(LoadBalancer.roundRobin(), LoadBalancer.leastLoaded())) {
      start(balancer, "a", "http://10.0.0.1:80", "b", "http://10.0.0.2:80", "c", "http://10.0.0.3:80");
      com.sun.management.ThreadMXBean threads =
          (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
      long self = Thread.currentThread().getId();
      for (int i = 0; i < 200_000; i++) {
        client.startCall("payment-service").end(Outcome.SUCCESS);
      }
      long before = threads.getThreadAllocatedBytes(self);
      for (int i = 0; i < 100_000; i++) {
        client.startCall("payment-service").end(Outcome.SUCCESS);
      }
      long allocated = threads.getThreadAllocatedBytes(self) - before;

      assertThat(allocated).as(balancer.toString()).isLessThan(10_000);
      client.close();
    }
  }
}
