package dev.registry.benchmarks;

import dev.registry.client.ConfigChange;
import dev.registry.client.RegistryClient;
import dev.registry.server.RegistryServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Configuration propagation: N clients watching one service's configuration on the reference
 * server (loopback, same JVM), and an operator that changes it over HTTP. For each change, the
 * time from the write's acknowledgement until each watcher's {@code ConfigListener} is told the
 * new configuration ("each", N samples per change), and until the last of them is ("all", one
 * sample per change).
 *
 * <p>Each watcher is its own {@link RegistryClient} (its own connection and long-poll). The
 * changes go one at a time: the next is written once every watcher has the last.
 *
 * <pre>
 * java -cp ... dev.registry.benchmarks.ConfigPropagationHarness [--watchers 1,100] [--changes 200]
 * </pre>
 */
public final class ConfigPropagationHarness {
  private static final String SERVICE = "config-service";
  private static final Duration CHANGE_TIMEOUT = Duration.ofSeconds(30);

  private ConfigPropagationHarness() {}

  /**
   * Runs the harness and prints one line per measurement.
   *
   * @param args see the class documentation
   * @throws Exception when a watcher never hears a change
   */
  public static void main(String[] args) throws Exception {
    Args a = new Args(args);
    int[] watcherCounts = a.ints("--watchers", "1,100");
    int changes = a.integer("--changes", 200);
    try (RegistryServer server = RegistryServer.builder().host("127.0.0.1").port(0).build().start()) {
      System.out.println("# config propagation: registry " + server.uri() + ", changes per run " + changes);
      for (int n : watcherCounts) {
        run(server.uri(), n, changes);
      }
    }
  }

  private static void run(URI registry, int watchers, int changes) throws Exception {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    long base = write(http, registry, "warm-up-" + watchers);
    AtomicReference<Change> current = new AtomicReference<>();
    List<RegistryClient> clients = new ArrayList<>();
    try {
      for (int w = 0; w < watchers; w++) {
        RegistryClient client = RegistryClient.builder().registryUris(List.of(registry)).shutdownHook(false).build();
        clients.add(client);
        int watcher = w;
        client.watchConfig(SERVICE, change -> heard(current.get(), watcher, change));
      }
      // Every watcher has the configuration at base before the first change.
      for (RegistryClient c : clients) {
        while (c.config(SERVICE).index() < base) {
          Thread.onSpinWait();
        }
      }
      long[] each = new long[changes * watchers];
      long[] all = new long[changes];
      for (int i = 0; i < changes; i++) {
        Change change = new Change(watchers);
        current.set(change);
        change.index = write(http, registry, "v" + watchers + "-" + i);
        change.acknowledged = System.nanoTime();
        change.armed.countDown();
        if (!change.everyone.await(CHANGE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
          throw new IllegalStateException("change " + i + ": " + change.everyone.getCount() + " of " + watchers
              + " watchers never heard index " + change.index);
        }
        for (int w = 0; w < watchers; w++) {
          each[i * watchers + w] = Math.max(0, change.heardAt[w] - change.acknowledged);
        }
        all[i] = Math.max(0, change.last.get() - change.acknowledged);
      }
      report(watchers, "each watcher", each);
      report(watchers, "all watchers", all);
    } finally {
      for (RegistryClient c : clients) {
        c.close();
      }
    }
  }

  /** A listener call: the watcher whose view reached the change's index heard it, once. */
  private static void heard(Change change, int watcher, ConfigChange heard) {
    long now = System.nanoTime();
    if (change == null || heard.previous().isEmpty()) {
      return;
    }
    try {
      change.armed.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    if (heard.current().index() >= change.index) {
      change.heard(watcher, now);
    }
  }

  /** Sets the key "k"; answers the configuration's index after the write. */
  private static long write(HttpClient http, URI registry, String value) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(registry + "/config/" + SERVICE))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"set\": {\"k\": \"" + value + "\"}}")).build(),
        HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IllegalStateException("the write answered " + r.statusCode() + ": " + r.body());
    }
    return Long.parseLong(r.body().replaceAll("(?s).*\"index\":(\\d+).*", "$1"));
  }

  private static void report(int watchers, String what, long[] nanos) {
    System.out.printf(Locale.ROOT, "config propagation watchers=%d %-13s %s%n", watchers, what,
        new Stats(nanos, nanos.length).summaryMillis());
  }

  /** One change, heard by every watcher once. */
  private static final class Change {
    final long[] heardAt;
    final CountDownLatch armed = new CountDownLatch(1);
    final CountDownLatch everyone;
    final AtomicLong last = new AtomicLong(Long.MIN_VALUE);
    private final AtomicIntegerArray once;
    volatile long index;
    volatile long acknowledged;

    Change(int watchers) {
      this.heardAt = new long[watchers];
      this.everyone = new CountDownLatch(watchers);
      this.once = new AtomicIntegerArray(watchers);
    }

    void heard(int watcher, long now) {
      if (once.compareAndSet(watcher, 0, 1)) {
        heardAt[watcher] = now;
        last.accumulateAndGet(now, Math::max);
        everyone.countDown();
      }
    }
  }
}
