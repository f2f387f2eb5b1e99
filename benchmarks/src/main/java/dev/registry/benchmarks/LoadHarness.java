package dev.registry.benchmarks;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Server throughput: a closed-loop load generator, run in its own JVM against a registry in
 * another, over kept-alive HTTP/1.1 connections (one per thread, {@link RawHttp}), at increasing
 * concurrency. Two workloads:
 *
 * <ul>
 *   <li>{@code write}: each connection owns 20 instances spread over 10 services; it registers
 *       them, then renews them in turn, re-registering one in ten times (so about 10%
 *       registrations, 90% heartbeats);
 *   <li>{@code discover}: every connection looks up one service of 10 instances;
 *   <li>{@code churn}: each connection owns 20 instances and in turn registers one that is not
 *       held or deregisters one that is, so that every operation changes the registry (and, on a
 *       server with a data directory, is saved before it is answered).
 * </ul>
 *
 * <p>The same workloads are spoken to two servers: the reference server ({@code --server
 * reference}: {@code POST /register}, {@code POST /heartbeat}, {@code GET /discover/{service}})
 * and a Netflix Eureka server ({@code --server eureka}: {@code POST /eureka/apps/{APP}}, {@code
 * PUT /eureka/apps/{APP}/{ID}}, {@code GET /eureka/apps/{APP}}, JSON).
 *
 * <pre>
 * java -cp ... dev.registry.benchmarks.LoadHarness --url http://127.0.0.1:5091 --server reference
 *     [--workload write,discover,churn] [--concurrency 1,4,16,64] [--warmup 3s] [--duration 10s]
 * </pre>
 *
 * <p>Prints one line per workload and concurrency: operations per second, p50, p99, max and
 * the count of answers that were not 2xx (which also count as operations).
 */
public final class LoadHarness {
  private static final int INSTANCES_PER_CONNECTION = 20;
  private static final int SERVICES = 10;
  private static final int DISCOVER_INSTANCES = 10;

  private LoadHarness() {}

  /**
   * Runs the load.
   *
   * @param args see the class documentation
   * @throws Exception when the server cannot be reached
   */
  public static void main(String[] args) throws Exception {
    Args a = new Args(args);
    URI url = URI.create(a.string("--url", "http://127.0.0.1:5091"));
    String server = a.string("--server", "reference");
    Protocol protocol = switch (server) {
      case "reference" -> new Reference();
      case "eureka" -> new Eureka();
      default -> throw new IllegalArgumentException("--server must be reference or eureka: " + server);
    };
    String[] workloads = a.string("--workload", "write,discover").split(",");
    int[] levels = a.ints("--concurrency", "1,4,16,64");
    long warmupMillis = a.millis("--warmup", "3s");
    long durationMillis = a.millis("--duration", "10s");
    String tag = a.string("--tag", server);

    for (String workload : workloads) {
      for (int level : levels) {
        if (workload.trim().equals("discover")) {
          registerDiscoverService(url, protocol);
        }
        Result r = run(url, protocol, workload.trim(), level, warmupMillis, durationMillis);
        System.out.printf(Locale.ROOT,
            "load server=%s workload=%s concurrency=%d ops/s=%.0f p50=%s ms p99=%s ms max=%s ms non2xx=%d ops=%d%n",
            tag, workload.trim(), level, r.opsPerSecond, Stats.millis(r.stats.percentile(50)),
            Stats.millis(r.stats.percentile(99)), Stats.millis(r.stats.max()), r.errors, r.stats.count());
      }
    }
  }

  /** The looked-up service: 10 instances with a lease of an hour, (re-)registered before each level. */
  private static void registerDiscoverService(URI url, Protocol protocol) throws IOException {
    try (RawHttp setup = new RawHttp(url)) {
      for (int i = 0; i < DISCOVER_INSTANCES; i++) {
        Op op = protocol.register("discover-service", "d-" + i, 30_000 + i, 3600);
        int status = op.send(setup);
        if (status / 100 != 2) {
          throw new IllegalStateException("setup registration answered " + status);
        }
      }
    }
  }

  private record Result(double opsPerSecond, Stats stats, long errors) {}

  private static Result run(URI url, Protocol protocol, String workload, int threads, long warmupMillis,
      long durationMillis) throws InterruptedException {
    Worker[] workers = new Worker[threads];
    CountDownLatch ready = new CountDownLatch(threads);
    for (int t = 0; t < threads; t++) {
      workers[t] = new Worker(url, protocol, workload, t, threads, ready);
      workers[t].start();
    }
    ready.await();
    long start = System.nanoTime();
    long measureFrom = start + TimeUnit.MILLISECONDS.toNanos(warmupMillis);
    long measureTo = measureFrom + TimeUnit.MILLISECONDS.toNanos(durationMillis);
    for (Worker w : workers) {
      w.measureFrom = measureFrom;
      w.measureTo = measureTo;
    }
    for (Worker w : workers) {
      w.go.countDown();
    }
    long total = 0;
    long errors = 0;
    List<long[]> samples = new ArrayList<>();
    for (Worker w : workers) {
      w.join();
      if (w.failure != null) {
        throw new IllegalStateException("worker failed", w.failure);
      }
      samples.add(Arrays.copyOf(w.latencies, w.count));
      total += w.count;
      errors += w.errors;
    }
    long[] all = new long[(int) total];
    int at = 0;
    for (long[] s : samples) {
      System.arraycopy(s, 0, all, at, s.length);
      at += s.length;
    }
    double seconds = durationMillis / 1000.0;
    return new Result(total / seconds, new Stats(all, all.length), errors);
  }

  /** One connection in a closed loop. */
  private static final class Worker extends Thread {
    final URI url;
    final Protocol protocol;
    final String workload;
    final int index;
    final CountDownLatch ready;
    final CountDownLatch go = new CountDownLatch(1);
    volatile long measureFrom;
    volatile long measureTo;
    long[] latencies = new long[1 << 16];
    int count;
    long errors;
    volatile Throwable failure;
    final Op[] registers = new Op[INSTANCES_PER_CONNECTION];
    final Op[] renewals = new Op[INSTANCES_PER_CONNECTION];
    final Op[] deregistrations = new Op[INSTANCES_PER_CONNECTION];

    Worker(URI url, Protocol protocol, String workload, int index, int threads, CountDownLatch ready) {
      super("load-" + index);
      this.url = url;
      this.protocol = protocol;
      this.workload = workload;
      this.index = index;
      this.ready = ready;
      setDaemon(true);
      for (int k = 0; k < INSTANCES_PER_CONNECTION; k++) {
        String service = "load-service-" + ((index * INSTANCES_PER_CONNECTION + k) % SERVICES);
        String id = "w" + threads + "-" + index + "-" + k;
        int port = 10_000 + (index * INSTANCES_PER_CONNECTION + k) % 50_000;
        registers[k] = protocol.register(service, id, port, 30);
        renewals[k] = protocol.renew(service, id, port);
        deregistrations[k] = protocol.deregister(service, id, port);
      }
    }

    @Override
    public void run() {
      try (RawHttp http = new RawHttp(url)) {
        ready.countDown();
        go.await();
        Op discover = protocol.discover("discover-service");
        boolean write = workload.equals("write");
        boolean churn = workload.equals("churn");
        if (!write && !churn && !workload.equals("discover")) {
          throw new IllegalArgumentException("workload must be write, discover or churn: " + workload);
        }
        long from = measureFrom;
        long to = measureTo;
        for (long i = 0; ; i++) {
          Op op;
          if (write) {
            int k = (int) (i % INSTANCES_PER_CONNECTION);
            op = i < INSTANCES_PER_CONNECTION || i % 10 == 0 ? registers[k] : renewals[k];
          } else if (churn) {
            int k = (int) (i % INSTANCES_PER_CONNECTION);
            op = (i / INSTANCES_PER_CONNECTION) % 2 == 0 ? registers[k] : deregistrations[k];
          } else {
            op = discover;
          }
          long t0 = System.nanoTime();
          if (t0 >= to) {
            break;
          }
          int status = op.send(http);
          long t1 = System.nanoTime();
          if (t0 >= from) {
            if (count == latencies.length) {
              latencies = Arrays.copyOf(latencies, count * 2);
            }
            latencies[count++] = t1 - t0;
            if (status / 100 != 2) {
              errors++;
            }
          }
        }
      } catch (IOException | RuntimeException e) {
        failure = e;
        ready.countDown();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** One prepared request. */
  private record Op(String method, String path, String contentType, byte[] body, String accept) {
    int send(RawHttp http) throws IOException {
      return http.exchange(method, path, contentType, body, accept);
    }
  }

  private interface Protocol {
    Op register(String service, String id, int port, int ttlSeconds);

    Op renew(String service, String id, int port);

    Op deregister(String service, String id, int port);

    Op discover(String service);
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** The reference server's wire (docs/api.md). */
  private static final class Reference implements Protocol {
    @Override
    public Op register(String service, String id, int port, int ttlSeconds) {
      return new Op("POST", "/register", "application/json", utf8("{\"service\":\"" + service + "\",\"id\":\"" + id
          + "\",\"address\":\"http://127.0.0.1:" + port + "\",\"ttl_seconds\":" + ttlSeconds + "}"), "application/json");
    }

    @Override
    public Op renew(String service, String id, int port) {
      return new Op("POST", "/heartbeat", "application/json",
          utf8("{\"service\":\"" + service + "\",\"id\":\"" + id + "\"}"), "application/json");
    }

    @Override
    public Op deregister(String service, String id, int port) {
      return new Op("POST", "/deregister", "application/json",
          utf8("{\"service\":\"" + service + "\",\"id\":\"" + id + "\"}"), "application/json");
    }

    @Override
    public Op discover(String service) {
      return new Op("GET", "/discover/" + service, "application/json", new byte[0], "application/json");
    }
  }

  /** Eureka's REST API (JSON), as its Java client speaks it. */
  private static final class Eureka implements Protocol {
    @Override
    public Op register(String service, String id, int port, int ttlSeconds) {
      String app = service.toUpperCase(Locale.ROOT);
      String body = "{\"instance\":{\"instanceId\":\"" + id + "\",\"hostName\":\"127.0.0.1\",\"app\":\"" + app
          + "\",\"ipAddr\":\"127.0.0.1\",\"status\":\"UP\",\"overriddenStatus\":\"UNKNOWN\","
          + "\"port\":{\"$\":" + port + ",\"@enabled\":\"true\"},\"securePort\":{\"$\":443,\"@enabled\":\"false\"},"
          + "\"countryId\":1,\"dataCenterInfo\":{\"@class\":\"com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo\","
          + "\"name\":\"MyOwn\"},\"leaseInfo\":{\"renewalIntervalInSecs\":10,\"durationInSecs\":" + ttlSeconds + "},"
          + "\"vipAddress\":\"" + service + "\",\"secureVipAddress\":\"" + service + "\","
          + "\"homePageUrl\":\"http://127.0.0.1:" + port + "/\",\"isCoordinatingDiscoveryServer\":\"false\"}}";
      return new Op("POST", "/eureka/apps/" + app, "application/json", utf8(body), "application/json");
    }

    @Override
    public Op renew(String service, String id, int port) {
      String app = service.toUpperCase(Locale.ROOT);
      return new Op("PUT", "/eureka/apps/" + app + "/" + id + "?status=UP", "application/json", new byte[0],
          "application/json");
    }

    @Override
    public Op deregister(String service, String id, int port) {
      return new Op("DELETE", "/eureka/apps/" + service.toUpperCase(Locale.ROOT) + "/" + id, "application/json",
          new byte[0], "application/json");
    }

    @Override
    public Op discover(String service) {
      return new Op("GET", "/eureka/apps/" + service.toUpperCase(Locale.ROOT), "application/json", new byte[0],
          "application/json");
    }
  }
}
