package dev.registry.client.s3;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.registry.client.s3.S3Proxy.Response;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The layout measurement of docs/s3.md, against s3proxy: how long a reader takes to get a whole
 * stage of N instances in one request, as a listing whose keys carry the instances (our layout)
 * or as one catalog object (the alternative), and what a conditional GET of an unchanged
 * catalog costs; then what happens to a catalog that 20 writers heartbeat into by
 * read-modify-write when conditional writes are not honoured (s3proxy 2.6.0). Not a test: run
 * it by hand, as docs/s3.md shows, with the module's test class path and
 * {@code -Ds3proxy.jar=registry-client-s3/target/s3proxy/s3proxy.jar}.
 */
public final class LayoutHarness {
  private static final int READS = 40;

  private LayoutHarness() {}

  public static void main(String[] args) throws Exception {
    S3Proxy s3 = S3Proxy.shared();
    System.out.printf(Locale.ROOT, "%-10s %-28s %10s %10s %12s%n", "instances", "read", "p50 ms",
        "p90 ms", "bytes");
    for (int n : new int[] {10, 100, 1000}) {
      String bucket = s3.newBucket("layout");
      StringBuilder catalog = new StringBuilder("{\"services\":{");
      for (int i = 0; i < n; i++) {
        String payload = "{\"address\":\"http://10.0." + (i / 250) + "." + (i % 250)
            + ":8080\",\"metadata\":{\"version\":\"1.4.2\",\"zone\":\"eu-west-1a\"}}";
        String key = "registry/prod/service-" + (i % 50) + "/i-" + i + "/UP~15~"
            + Base64.getUrlEncoder().withoutPadding().encodeToString(payload.getBytes(UTF_8));
        check(s3.send("PUT", "/" + bucket + "/" + Signer.canonicalPath(key), payload));
        catalog.append(i == 0 ? "" : ",").append("\"i-").append(i).append("\":")
            .append(payload.replace("}}", "},\"lease_end\":1765000000}"));
      }
      check(s3.send("PUT", "/" + bucket + "/registry/prod.json", catalog.append("}}").toString()));
      String list = "/" + bucket + "?" + Signer.canonicalQuery(Map.of("list-type", "2", "prefix", "registry/prod/"));
      report(n, "listing (ours)", time(() -> s3.send("GET", list, null)));
      report(n, "catalog GET", time(() -> s3.send("GET", "/" + bucket + "/registry/prod.json", null)));
      String etag = s3.send("GET", "/" + bucket + "/registry/prod.json", null).etag();
      report(n, "catalog GET, 304", time(() -> S3Proxy.send(s3.endpoint(), "GET",
          "/" + bucket + "/registry/prod.json", Map.of("If-None-Match", etag), null,
          S3Proxy.ACCESS_KEY, S3Proxy.SECRET_KEY, Instant.now())));
    }
    lostUpdates(s3);
  }

  /** 20 writers, 10 heartbeats each, each a read-modify-write of one catalog object. */
  private static void lostUpdates(S3Proxy s3) throws Exception {
    String bucket = s3.newBucket("layout-race");
    String path = "/" + bucket + "/registry/prod.json";
    check(s3.send("PUT", path, ""));
    AtomicInteger written = new AtomicInteger();
    ExecutorService writers = Executors.newFixedThreadPool(20);
    List<Future<?>> done = new ArrayList<>();
    for (int w = 0; w < 20; w++) {
      String line = "writer-" + w;
      done.add(writers.submit(() -> {
        for (int beat = 0; beat < 10; beat++) {
          Response read = s3.send("GET", path, null);
          String next = read.body() + line + " beat " + beat + "\n";
          check(S3Proxy.send(s3.endpoint(), "PUT", path, Map.of("If-Match", read.etag()), next,
              S3Proxy.ACCESS_KEY, S3Proxy.SECRET_KEY, Instant.now()));
          written.incrementAndGet();
        }
        return null;
      }));
    }
    for (Future<?> f : done) {
      f.get();
    }
    writers.shutdown();
    long kept = s3.send("GET", path, null).body().lines().count();
    System.out.printf(Locale.ROOT, "%ncatalog by read-modify-write, If-Match ignored: %d writes"
        + " acknowledged, %d kept, %d lost%n", written.get(), kept, written.get() - kept);
  }

  private static long[] time(java.util.function.Supplier<Response> read) {
    long bytes = read.get().body().length(); // warm
    long[] nanos = new long[READS];
    for (int i = 0; i < READS; i++) {
      long start = System.nanoTime();
      Response r = read.get();
      nanos[i] = System.nanoTime() - start;
      if (r.code() != 200 && r.code() != 304) {
        throw new IllegalStateException("read answered " + r);
      }
    }
    java.util.Arrays.sort(nanos);
    return new long[] {nanos[READS / 2], nanos[READS * 9 / 10], bytes};
  }

  private static void report(int n, String what, long[] t) {
    System.out.printf(Locale.ROOT, "%-10d %-28s %10.1f %10.1f %12d%n", n, what, t[0] / 1e6, t[1] / 1e6, t[2]);
  }

  private static void check(Response r) {
    if (r.code() != 200) {
      throw new IllegalStateException("answered " + r);
    }
  }
}
