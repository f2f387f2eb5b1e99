package dev.registry.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.Test;

/** Instances registered together do not heartbeat in step: each lease's first beat is jittered. */
class HeartbeatPhaseTest {
  @StartStop final MockWebServer server = new MockWebServer();

  /** A scheduler that records the first delay of every periodic task it is given. */
  static final class RecordingScheduler extends ScheduledThreadPoolExecutor {
    final List<Long> firstDelaysMillis = new CopyOnWriteArrayList<>();

    RecordingScheduler() {
      super(1);
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable task, long initialDelay, long delay, TimeUnit unit) {
      if (unit.toMillis(delay) == 10_000) {
        firstDelaysMillis.add(unit.toMillis(initialDelay));
      }
      return super.scheduleWithFixedDelay(task, initialDelay, delay, unit);
    }
  }

  @Test
  void theFirstHeartbeatsOfInstancesRegisteredTogetherSpreadOverAFifthOfTheInterval() {
    server.setDispatcher(new FakeRegistry());
    RecordingScheduler scheduler = new RecordingScheduler();
    try (RegistryClient client = RegistryClient.builder().registryUrls(server.url("/").toString())
        .shutdownHook(false).scheduler(scheduler)
        .leaseTtl(Duration.ofSeconds(30)).heartbeatInterval(Duration.ofSeconds(10)).build()) {
      for (int i = 0; i < 60; i++) {
        client.register(ServiceInstance.builder("payment-service").id("payment-" + i)
            .address(URI.create("http://10.0.0." + i + ":8080")).build());
      }
    } finally {
      scheduler.shutdownNow();
    }

    List<Long> delays = scheduler.firstDelaysMillis;
    assertThat(delays).hasSize(60).allSatisfy(d -> assertThat(d).isBetween(8_000L, 10_000L));
    long spread = delays.stream().mapToLong(Long::longValue).max().getAsLong()
        - delays.stream().mapToLong(Long::longValue).min().getAsLong();
    assertThat(spread).isGreaterThan(1_000);
    assertThat(delays.stream().distinct().count()).isGreaterThan(40);
  }
}
