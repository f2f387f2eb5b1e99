package dev.registry.client;

import static dev.registry.client.FakeRegistry.view;
import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.Test;

/** {@code choose} on a cached service allocates nothing. */
class ChooseAllocationTest {
  @StartStop final MockWebServer server = new MockWebServer();

  @Test
  void chooseOnACachedServiceAllocatesNothing() {
    FakeRegistry registry = new FakeRegistry();
    registry.then("/discover", view("payment-service", 1,
        "a", "http://10.0.0.1:80", "b", "http://10.0.0.2:80", "c", "http://10.0.0.3:80"));
    registry.answer("/discover", new MockResponse.Builder()
        .headersDelay(30, TimeUnit.SECONDS).body("{}").build());
    server.setDispatcher(registry);
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long self = Thread.currentThread().getId();

    try (RegistryClient client = RegistryClient.builder()
        .registryUrls(server.url("/").toString()).shutdownHook(false)
        .longPollWait(Duration.ofSeconds(20)).build()) {
      for (int i = 0; i < 200_000; i++) {
        client.choose("payment-service");
      }
      long before = threads.getThreadAllocatedBytes(self);
      for (int i = 0; i < 100_000; i++) {
        client.choose("payment-service");
      }
      long allocated = threads.getThreadAllocatedBytes(self) - before;

      // A few hundred bytes of slack for the measurement itself, none per call.
      assertThat(allocated).isLessThan(10_000);
    }
  }
}
