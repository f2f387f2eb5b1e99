package dev.registry.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.time.Duration;
import mockwebserver3.MockResponse;
import mockwebserver3.MockResponseBody;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import okio.BufferedSink;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A registry answering far more than any registry should: a million instances (75 MB), written
 * by the mock server as it goes (never built in memory here), and a view just under the size
 * limit made of 110,000 tiny instances. Run by Surefire in a JVM of its own with a 128 MiB heap
 * (registry-client-core's pom), where reading the first whole would throw
 * {@link OutOfMemoryError}: every lookup fails with a {@link RegistryUnavailableException}
 * naming the limit, and a view already cached stays as it was.
 */
class LargeAnswerTest {
  static final int HUGE = 1_000_000;

  @StartStop final MockWebServer mock = new MockWebServer();
  final FakeRegistry registry = new FakeRegistry();

  /** A view of {@code count} instances, written as it is sent; with its length declared or not. */
  static MockResponse streamed(String service, int count, boolean declareLength) {
    String head = "{\"service\":\"" + service + "\",\"stage\":\"default\",\"index\":7,\"instances\":[";
    long length = head.length() + 2 + (long) count * instance(0).length() + (count - 1);
    MockResponseBody body = new MockResponseBody() {
      @Override
      public long getContentLength() {
        return declareLength ? length : -1;
      }

      @Override
      public void writeTo(BufferedSink sink) throws IOException {
        sink.writeUtf8(head);
        for (int i = 0; i < count; i++) {
          sink.writeUtf8(i == 0 ? "" : ",").writeUtf8(instance(i));
        }
        sink.writeUtf8("]}");
      }
    };
    return new MockResponse.Builder().code(200).addHeader("Content-Type", "application/json").body(body).build();
  }

  /** An instance of a fixed length (about 75 bytes), so that the declared length is exact. */
  static String instance(int i) {
    return String.format("{\"id\":\"i%07d\",\"address\":\"http://10.%03d.%03d.%03d:80\",\"status\":\"UP\"}",
        i, (i >> 16) & 0xff, (i >> 8) & 0xff, i & 0xff);
  }

  /** Only in the small-heap execution: {@code -Dtest=} runs it in the default one too, skipped there. */
  @BeforeEach
  void inASmallHeap() {
    assumeTrue(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getMax() <= 128L << 20,
        "run by the small-heap execution");
  }

  @Test
  void theHeapIsSmallEnoughThatReadingAHugeAnswerWholeWouldFail() {
    long maxHeap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getMax();
    // Its bytes and its text alone would fill the heap, before any parsing.
    assertThat((long) HUGE * instance(0).length()).isGreaterThan(maxHeap / 2);
  }

  @Test
  void aHugeAnswerFailsAFirstLookupNamingTheLimitOnBothTransports() {
    registry.answer("/discover/huge", streamed("huge", HUGE, false));
    registry.answer("/discover/declared", streamed("declared", HUGE, true));
    mock.setDispatcher(registry);
    try (RegistryClient background = builder().build();
        InlineRegistryClient inline = builder().buildInline()) {
      for (ServiceLookup client : new ServiceLookup[] {background, inline}) {
        for (String service : new String[] {"huge", "declared"}) {
          assertThatThrownBy(() -> client.choose(service))
              .isInstanceOf(RegistryUnavailableException.class)
              .hasMessageContaining("maxAnswerBytes, 8388608 bytes");
        }
      }
    }
  }

  @Test
  void aHugeAnswerToARefreshKeepsTheCachedViewAndMarksItStale() {
    FakeClock clock = new FakeClock();
    registry.then("/discover/payment-service", FakeRegistry.view("payment-service", 3,
        "p1", "http://10.0.0.1:80", "p2", "http://10.0.0.2:80"));
    registry.answer("/discover/payment-service", streamed("payment-service", HUGE, false));
    mock.setDispatcher(registry);
    try (InlineRegistryClient client = builder().clock(clock).buildInline()) {
      assertThat(client.instances("payment-service")).hasSize(2);
      clock.advance(Duration.ofSeconds(31)); // past the refresh interval: the next lookup asks

      for (int i = 0; i < 10; i++) {
        assertThat(client.choose("payment-service").address().getHost()).startsWith("10.0.0.");
      }
      ServiceView view = client.view("payment-service");
      assertThat(view.stale()).isTrue();
      assertThat(view.index()).isEqualTo(3);
      assertThat(view.instances()).extracting(ServiceInstance::id).containsExactly("p1", "p2");
    }
  }

  @Test
  void aHugeWatchAnswerKeepsTheCachedViewAndMarksItStale() {
    registry.then("/discover/payment-service", FakeRegistry.view("payment-service", 3,
        "p1", "http://10.0.0.1:80"));
    registry.answer("/catalog", streamed("payment-service", HUGE, false));
    mock.setDispatcher(registry);
    try (RegistryClient client = builder().build()) {
      assertThat(client.choose("payment-service").address()).isEqualTo(URI.create("http://10.0.0.1:80"));
      await().atMost(Duration.ofSeconds(10)).until(() -> client.view("payment-service").stale());
      assertThat(client.view("payment-service").instances()).extracting(ServiceInstance::id).containsExactly("p1");
      assertThat(client.choose("payment-service").id()).isEqualTo("p1");
    }
  }

  @Test
  void aViewJustUnderTheSizeLimitMadeOfTinyInstancesIsRefusedByTheInstanceLimitWithoutExhaustingTheHeap() {
    // 8 MiB of 75-byte instances: about 110,000, over the 20,000 a view may hold.
    int count = (int) ((8L << 20) - 100) / (instance(0).length() + 1);
    registry.answer("/discover/many", streamed("many", count, true));
    mock.setDispatcher(registry);
    try (InlineRegistryClient client = builder().buildInline()) {
      assertThatThrownBy(() -> client.choose("many"))
          .isInstanceOf(RegistryUnavailableException.class)
          .hasMessageContaining("lists " + count + " instances")
          .hasMessageContaining("maxInstancesPerView (20000)");
    }
  }

  RegistryClient.Builder builder() {
    return RegistryClient.builder().registryUrls(mock.url("/").toString()).shutdownHook(false)
        .retryPolicy(RetryPolicy.none());
  }
}
