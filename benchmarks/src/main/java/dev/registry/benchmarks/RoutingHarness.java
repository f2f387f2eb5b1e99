package dev.registry.benchmarks;

import com.sun.net.httpserver.HttpServer;
import dev.registry.client.Call;
import dev.registry.client.LoadBalancer;
import dev.registry.client.Outcome;
import dev.registry.client.RegistryClient;
import dev.registry.server.RegistryServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.LongAdder;

/**
 * Least-loaded against round-robin picks with one slow instance: three small HTTP servers on
 * loopback (in this JVM, the JDK's {@code HttpServer}), one of them answering {@code --slow-factor} times slower than the
 * others, registered with a reference server in this JVM; {@code --callers} threads call the
 * service through {@link RegistryClient#startCall} and end each call with its outcome, as fast
 * as the answers come, each over kept-alive connections of its own ({@link RawHttp}). Each balancer runs in turn, {@code --rounds} times (a fresh client each
 * time, a warm-up whose calls are not counted); the report gives each instance's share of the
 * calls and the callers' latency percentiles per run, then over all rounds.
 *
 * <pre>{@code
 * java -cp <classpath> dev.registry.benchmarks.RoutingHarness --fast 5ms --slow-factor 10 \
 *     --callers 16 --warmup 3s --duration 10s --rounds 2
 * }</pre>
 */
public final class RoutingHarness {
  private static final String SERVICE = "routing-service";
  private static final String[] IDS = {"fast-1", "fast-2", "slow"};
  private static final byte[] NO_BODY = new byte[0];

  private RoutingHarness() {}

  /** What one run measured. */
  private record Run(String balancer, Map<String, Long> calls, long[] nanos, int count, double seconds) {}

  /**
   * Runs the comparison and prints it.
   *
   * @param args {@code --fast}, {@code --slow-factor}, {@code --callers}, {@code --warmup},
   *     {@code --duration}, {@code --rounds}
   * @throws Exception if a server cannot start
   */
  public static void main(String[] args) throws Exception {
    // The JDK's HttpServer leaves Nagle's algorithm on: an answer written in two segments then
    // waits for the caller's delayed ACK, 40 ms here, which would hide the instances' own times.
    System.setProperty("sun.net.httpserver.nodelay", "true");
    Args a = new Args(args);
    long fastMillis = a.millis("--fast", "5ms");
    int slowFactor = a.integer("--slow-factor", 10);
    int callers = a.integer("--callers", 16);
    long warmupMillis = a.millis("--warmup", "3s");
    long durationMillis = a.millis("--duration", "10s");
    int rounds = a.integer("--rounds", 2);
    System.out.printf(Locale.ROOT, "routing: 3 instances (2 answer in %d ms, 1 in %d ms), %d callers,"
        + " %d rounds of %d ms (after %d ms of warm-up) per balancer%n",
        fastMillis, fastMillis * slowFactor, callers, rounds, durationMillis, warmupMillis);

    ExecutorService serverThreads = Executors.newFixedThreadPool(4 * callers, daemon("instance"));
    List<HttpServer> instances = new ArrayList<>();
    try (RegistryServer registry = RegistryServer.builder().host("127.0.0.1").port(0).build().start()) {
      for (String id : IDS) {
        long delay = id.equals("slow") ? fastMillis * slowFactor : fastMillis;
        HttpServer server = instance(delay, serverThreads);
        instances.add(server);
        Wire.register(registry.uri(), SERVICE, id, "http://127.0.0.1:" + server.getAddress().getPort(), 3600);
      }
      Map<String, List<Run>> byBalancer = new LinkedHashMap<>();
      for (int round = 1; round <= rounds; round++) {
        for (String name : List.of("round-robin", "least-loaded")) {
          LoadBalancer balancer = name.equals("round-robin") ? LoadBalancer.roundRobin() : LoadBalancer.leastLoaded();
          Run run = run(name, balancer, registry.uri(), callers, warmupMillis, durationMillis);
          byBalancer.computeIfAbsent(name, k -> new ArrayList<>()).add(run);
          System.out.println("round " + round + " " + line(run));
        }
      }
      System.out.println("all rounds:");
      for (Map.Entry<String, List<Run>> e : byBalancer.entrySet()) {
        System.out.println("  " + line(merge(e.getKey(), e.getValue())));
      }
    } finally {
      instances.forEach(s -> s.stop(0));
      serverThreads.shutdownNow();
    }
  }

  private static Run run(String name, LoadBalancer balancer, URI registry, int callers, long warmupMillis, long durationMillis) throws InterruptedException {
    try (RegistryClient client = RegistryClient.builder().registryUris(List.of(registry))
        .shutdownHook(false).loadBalancer(balancer).build()) {
      client.instances(SERVICE);
      Map<String, LongAdder> calls = new ConcurrentHashMap<>();
      for (String id : IDS) {
        calls.put(id, new LongAdder());
      }
      long start = System.nanoTime();
      long measureFrom = start + warmupMillis * 1_000_000;
      long end = measureFrom + durationMillis * 1_000_000;
      long[][] samples = new long[callers][];
      int[] counts = new int[callers];
      Thread[] threads = new Thread[callers];
      for (int t = 0; t < callers; t++) {
        int me = t;
        samples[me] = new long[(int) Math.min(2_000_000, durationMillis * 1000)];
        threads[t] = new Thread(() -> {
          Map<URI, RawHttp> connections = new LinkedHashMap<>();
          while (true) {
            long before = System.nanoTime();
            if (before >= end) {
              connections.values().forEach(RoutingHarness::closeQuietly);
              return;
            }
            Call call = client.startCall(SERVICE);
            Outcome outcome;
            try {
              RawHttp connection = connections.get(call.instance().address());
              if (connection == null) {
                connection = new RawHttp(call.instance().address());
                connections.put(call.instance().address(), connection);
              }
              outcome = Outcome.ofStatus(connection.exchange("GET", "/", "text/plain", NO_BODY, "*/*"));
            } catch (IOException e) {
              outcome = Outcome.of(e);
              RawHttp broken = connections.remove(call.instance().address());
              if (broken != null) {
                closeQuietly(broken);
              }
            }
            call.end(outcome);
            long after = System.nanoTime();
            if (before >= measureFrom && counts[me] < samples[me].length) {
              samples[me][counts[me]++] = after - before;
              calls.get(call.instance().id()).increment();
            }
          }
        }, "caller-" + t);
        threads[t].start();
      }
      for (Thread thread : threads) {
        thread.join();
      }
      int total = 0;
      for (int c : counts) {
        total += c;
      }
      long[] all = new long[total];
      int at = 0;
      for (int t = 0; t < callers; t++) {
        System.arraycopy(samples[t], 0, all, at, counts[t]);
        at += counts[t];
      }
      Map<String, Long> byInstance = new LinkedHashMap<>();
      for (String id : IDS) {
        byInstance.put(id, calls.get(id).sum());
      }
      return new Run(name, byInstance, all, total, durationMillis / 1000.0);
    }
  }

  private static Run merge(String name, List<Run> runs) {
    Map<String, Long> calls = new LinkedHashMap<>();
    int total = 0;
    double seconds = 0;
    for (Run r : runs) {
      r.calls.forEach((k, v) -> calls.merge(k, v, Long::sum));
      total += r.count;
      seconds += r.seconds;
    }
    long[] all = new long[total];
    int at = 0;
    for (Run r : runs) {
      System.arraycopy(r.nanos, 0, all, at, r.count);
      at += r.count;
    }
    return new Run(name, calls, all, total, seconds);
  }

  private static String line(Run run) {
    StringBuilder shares = new StringBuilder();
    for (Map.Entry<String, Long> e : run.calls.entrySet()) {
      shares.append(String.format(Locale.ROOT, " %s=%.1f%%", e.getKey(),
          run.count == 0 ? 0.0 : 100.0 * e.getValue() / run.count));
    }
    Stats stats = new Stats(run.nanos, run.count);
    return String.format(Locale.ROOT, "%-12s calls=%d (%.0f/s) share:%s latency %s", run.balancer,
        run.count, run.count / run.seconds, shares, stats.summaryMillis());
  }

  private static void closeQuietly(RawHttp connection) {
    try {
      connection.close();
    } catch (IOException e) {
      // the run is over, or the connection broke already
    }
  }

  private static HttpServer instance(long delayMillis, ExecutorService threads) {
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
      byte[] body = "ok".getBytes(java.nio.charset.StandardCharsets.UTF_8);
      server.createContext("/", exchange -> {
        try {
          Thread.sleep(delayMillis); // the instance's work
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
      });
      server.setExecutor(threads);
      server.start();
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }
}
