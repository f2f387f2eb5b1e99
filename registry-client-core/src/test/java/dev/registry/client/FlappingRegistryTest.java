package dev.registry.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.Test;

/**
 * A slow and flapping registry: 500s, garbage, truncated and throttled bodies, a connection cut
 * mid-body, a view of another service. The client never takes a view it did not read whole
 * and right, and {@code choose()} never throws while it holds a good one.
 */
class FlappingRegistryTest {
  @StartStop final MockWebServer mock = new MockWebServer();

  static final Set<String> A = Set.of("http://10.0.0.1:80", "http://10.0.0.2:80");
  static final Set<String> B = Set.of("http://10.0.1.1:80");
  static final Set<String> C = Set.of("http://10.0.2.1:80", "http://10.0.2.2:80", "http://10.0.2.3:80");
  /** Only ever in answers the client must refuse. */
  static final String X = "http://10.9.9.9:80";

  static String view(String service, long index, Set<String> addresses) {
    StringBuilder instances = new StringBuilder();
    int i = 0;
    for (String address : addresses.stream().sorted().toList()) {
      instances.append(i == 0 ? "" : ",").append("{\"id\":\"i-").append(index).append('-').append(i++)
          .append("\",\"address\":\"").append(address).append("\",\"status\":\"UP\",\"metadata\":{}}");
    }
    return "{\"service\":\"" + service + "\",\"stage\":\"default\",\"index\":" + index + ",\"count\":"
        + addresses.size() + ",\"instances\":[" + instances + "]}";
  }

  static MockResponse json(int code, String body) {
    return new MockResponse.Builder().code(code).addHeader("Content-Type", "application/json").body(body).build();
  }

  @Test
  void aFlappingRegistryNeverCorruptsTheViewAndChooseNeverThrows() {
    String x = view("payment-service", 9, Set.of(X));
    Deque<MockResponse> script = new ArrayDeque<>(List.of(
        json(500, "{\"error\":\"internal_error\",\"message\":\"boom\"}"),
        json(200, "not json at all"),
        json(200, x.substring(0, x.length() - 20)),
        json(200, "{\"service\":\"payment-service\",\"index\":9,\"instances\":[{\"id\":\"x\",\"address\":\"" + X + "\"},\"garbage\"]}"),
        json(200, "{\"service\":\"payment-service\",\"index\":9,\"instances\":[{\"id\":\"x\",\"address\":\"" + X + "\"}],\"count\":1} trailing"),
        json(200, "{\"service\":\"payment-service\",\"index\":\"9\",\"instances\":[]}"),
        json(200, "{\"service\":\"payment-service\",\"index\":9,\"instances\":[{\"id\":1,\"address\":\"" + X + "\"}]}"),
        json(200, "{\"service\":\"payment-service\",\"index\":9,\"instances\":[{\"id\":\"x\"}]}"),
        json(200, "{\"service\":\"payment-service\",\"index\":9,\"instances\":[{\"id\":\"x\",\"address\":\"::not a uri::\"}]}"),
        json(200, view("other-service", 9, Set.of(X))),
        json(200, "[" + x + "]"),
        new MockResponse.Builder().code(200).addHeader("Content-Type", "application/json").body(x)
            .onResponseBody(new SocketEffect.CloseSocket(true, false, false)).build(),
        new MockResponse.Builder().code(200).addHeader("Content-Type", "application/json")
            .body(view("payment-service", 6, B)).throttleBody(32, 20, TimeUnit.MILLISECONDS).build(),
        json(503, "{\"error\":\"unavailable\",\"message\":\"later\"}"),
        json(429, "{\"error\":\"slow_down\",\"message\":\"later\"}"),
        json(404, "{\"error\":\"not_found\",\"message\":\"proxy says no\"}"),
        json(200, ""),
        json(200, view("payment-service", 7, C))));
    int scripted = script.size();
    List<String> served = new CopyOnWriteArrayList<>();
    mock.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        if (request.getUrl().queryParameter("index") == null) {
          return json(200, view("payment-service", 5, A));
        }
        synchronized (script) {
          MockResponse next = script.poll();
          if (next != null) {
            served.add(String.valueOf(next.getCode()));
            return next;
          }
        }
        return new MockResponse.Builder().headersDelay(30, TimeUnit.SECONDS).body("{}").build();
      }
    });
    List<Set<String>> seen = new CopyOnWriteArrayList<>();
    try (RegistryClient client = RegistryClient.builder().registryUrls(mock.url("/").toString())
        .shutdownHook(false).longPollWait(Duration.ofSeconds(1)).requestTimeout(Duration.ofSeconds(3))
        .retryPolicy(RetryPolicy.builder().maxAttempts(2)
            .initialBackoff(Duration.ofMillis(1)).maxBackoff(Duration.ofMillis(10)).build())
        .build()) {
      client.watch("payment-service", v -> seen.add(addresses(v)));
      long chosen = 0;
      long failures = 0;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!addresses(client.inStage("default").view("payment-service")).equals(C) || served.size() < scripted) {
        try {
          String address = client.choose("payment-service").address().toString();
          assertThat(address).isNotEqualTo(X);
          assertThat(A.contains(address) || B.contains(address) || C.contains(address)).as(address).isTrue();
          chosen++;
        } catch (RuntimeException e) {
          failures++;
        }
        // Sample the view while the long-poll loop works through the script; not a wait for it.
        java.util.concurrent.locks.LockSupport.parkNanos(100_000);
        if (System.nanoTime() > deadline) {
          throw new AssertionError("the client never reached view C; served " + served);
        }
      }
      assertThat(failures).isZero();
      assertThat(chosen).isPositive();
      // Listeners hear of a view just after choose() can see it.
      await().atMost(Duration.ofSeconds(10)).until(() -> seen.contains(C));
    }
    // The view is published before its listeners are told, on the long-poll's thread.
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> seen.contains(C));
    assertThat(seen).isNotEmpty().allSatisfy(s -> assertThat(s).isIn(A, B, C));
    assertThat(seen).contains(A, B, C);
  }

  static Set<String> addresses(ServiceView view) {
    return view.instances().stream().map(ServiceInstance::address).map(URI::toString).collect(Collectors.toSet());
  }
}
