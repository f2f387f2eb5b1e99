package dev.registry.server;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The measurement behind the choice of HTTP layer (docs/architecture.md, "Server HTTP layer"):
 * N long-poll watchers held on a server, then one change; how many server threads holding them
 * costs, and how long the change takes to reach every watcher. Not a test (Surefire runs
 * {@code *Test} classes only); run it with
 *
 * <pre>
 * ./mvnw -q -B -ntp -pl registry-server -am test-compile -DskipTests
 * java -cp "registry-server/target/test-classes:registry-server/target/classes:$(cat /tmp/cp.txt)" \
 *     dev.registry.server.HttpLayerHarness 2000 5000
 * </pre>
 *
 * <p>(after {@code ./mvnw -q -pl registry-server dependency:build-classpath
 * -Dmdep.outputFile=/tmp/cp.txt}). It compares the reference server (Jetty 12 core handlers,
 * an asynchronous long-poll that holds no thread) with the smallest long-poll the JDK's
 * {@code com.sun.net.httpserver} allows: its handlers are synchronous, so a held request holds
 * an executor thread: one per watcher with a cached pool (measured here). With a fixed pool
 * every request beyond the pool's size, the change itself included, queues behind the held
 * watchers until their wait ends, so that variant is not measured: it never answers in time.
 */
public final class HttpLayerHarness {
  private static final Duration WAIT = Duration.ofSeconds(120);

  private HttpLayerHarness() {}

  public static void main(String[] args) throws Exception {
    int[] sizes = args.length == 0 ? new int[] {1000, 2000}
        : Arrays.stream(args).mapToInt(Integer::parseInt).toArray();
    System.out.printf("cores=%d java=%s%n", Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.version"));
    for (int n : sizes) {
      jetty(n);
      jdk(n, "cached", Executors.newCachedThreadPool());
    }
  }

  private static void jetty(int n) throws Exception {
    try (RegistryServer server = RegistryServer.builder().host("127.0.0.1").port(0).build().start()) {
      HttpClient http = client();
      URI base = server.uri();
      post(http, base.resolve("/register"), "{\"service\":\"svc\",\"address\":\"http://127.0.0.1:9001\"}");
      String body = http.send(HttpRequest.newBuilder(base.resolve("/discover/svc")).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      long index = Long.parseLong(body.replaceAll(".*\"index\"\\s*:\\s*(\\d+).*", "$1"));
      URI watch = base.resolve("/discover/svc?index=" + index + "&wait=" + WAIT.toSeconds() + "s");
      report("jetty-12 (ours)", n, http, watch, "registry-http",
          () -> post(http, base.resolve("/register"),
              "{\"service\":\"svc\",\"address\":\"http://127.0.0.1:9002\"}"));
    }
  }

  private static void jdk(int n, String label, ExecutorService executor) throws Exception {
    System.setProperty("sun.net.httpserver.nodelay", "true");
    Object lock = new Object();
    AtomicLong version = new AtomicLong();
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 4096);
    server.createContext("/watch", exchange -> {
      String query = exchange.getRequestURI().getQuery();
      long seen = Long.parseLong(query.substring(query.indexOf('=') + 1));
      long deadline = System.nanoTime() + WAIT.toNanos();
      synchronized (lock) {
        while (version.get() == seen && System.nanoTime() < deadline) {
          try {
            lock.wait(TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()) + 1);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            break;
          }
        }
      }
      answer(exchange, "{\"index\":" + version.get() + "}");
    });
    server.createContext("/change", exchange -> {
      version.incrementAndGet();
      synchronized (lock) {
        lock.notifyAll();
      }
      answer(exchange, "{}");
    });
    server.setExecutor(executor);
    server.start();
    try {
      HttpClient http = client();
      URI base = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
      report("jdk-httpserver " + label, n, http, base.resolve("/watch?index=0"), "pool-",
          () -> post(http, base.resolve("/change"), "{}"));
    } finally {
      server.stop(0);
      executor.shutdownNow();
    }
  }

  private interface Change {
    void run() throws Exception;
  }

  private static void report(String label, int n, HttpClient http, URI watch, String threadPrefix,
      Change change) throws Exception {
    List<CompletableFuture<Long>> done = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      done.add(http.sendAsync(HttpRequest.newBuilder(watch).timeout(WAIT.plusSeconds(30)).build(),
              HttpResponse.BodyHandlers.discarding())
          .thenApply(response -> System.nanoTime()));
    }
    // A harness, not a test: give the server time to take every connection and park every watcher.
    long settle = System.nanoTime() + TimeUnit.SECONDS.toNanos(Math.max(3, n / 1000));
    while (System.nanoTime() < settle) {
      Thread.sleep(100);
    }
    long early = done.stream().filter(CompletableFuture::isDone).count();
    String threads = countThreads(threadPrefix);
    long t0 = System.nanoTime();
    change.run();
    long[] millis = new long[n];
    for (int i = 0; i < n; i++) {
      millis[i] = TimeUnit.NANOSECONDS.toMillis(done.get(i).get(WAIT.toSeconds() + 60, TimeUnit.SECONDS) - t0);
    }
    Arrays.sort(millis);
    System.out.printf("%-28s watchers=%6d answered-early=%d server-threads=%s  change->all: p50=%d ms"
            + " p99=%d ms max=%d ms  heap-used=%d MiB%n",
        label, n, early, threads, millis[n / 2], millis[(int) (n * 0.99)], millis[n - 1],
        (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) >> 20);
  }

  /** The server's threads, and how many of them sit in a handler (holding a watcher). */
  private static String countThreads(String prefix) {
    ThreadInfo[] all = ManagementFactory.getThreadMXBean().dumpAllThreads(false, false);
    long total = Arrays.stream(all).filter(t -> t.getThreadName().startsWith(prefix)).count();
    long inHandler = Arrays.stream(all).filter(t -> t.getThreadName().startsWith(prefix))
        .filter(t -> Arrays.stream(t.getStackTrace())
            .anyMatch(f -> f.getClassName().startsWith("dev.registry.server"))).count();
    return total + " (" + inHandler + " in a handler)";
  }

  private static HttpClient client() {
    return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(10)).build();
  }

  private static void post(HttpClient http, URI uri, String json) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() >= 300) {
      throw new IllegalStateException(uri + " answered " + r.statusCode() + ": " + r.body());
    }
  }

  private static void answer(HttpExchange exchange, String json) throws IOException {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(200, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}
