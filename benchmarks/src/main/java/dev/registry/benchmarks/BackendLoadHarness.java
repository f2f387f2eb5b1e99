package dev.registry.benchmarks;

import dev.registry.client.ServiceInstance;
import dev.registry.client.spi.BackendContext;
import dev.registry.client.spi.HttpTransport;
import dev.registry.client.spi.Registered;
import dev.registry.client.spi.RegistryBackend;
import dev.registry.client.spi.RegistryBackendProvider;
import dev.registry.client.spi.TransportRequest;
import dev.registry.client.spi.TransportResponse;
import java.io.IOException;
import java.net.URI;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * Registrations and heartbeats per second through the backend SPI, the calls a client's
 * leases make, against any registry the class path has a backend for: the reference server
 * ({@code http://}) and an etcd cluster ({@code etcd://}) go through the very same code, so their
 * figures compare. Each worker is one client (its own backend, its own OkHttp connections) in a
 * closed loop, with the write mix of {@link LoadHarness}: 20 instances over 10 services,
 * registered, then renewed in turn, one renewal in ten replaced by a registration again.
 *
 * <pre>
 * java -cp ... dev.registry.benchmarks.BackendLoadHarness --urls etcd://127.0.0.1:2379,... --tag etcd-3
 *     [--concurrency 16,64] [--warmup 3s] [--duration 8s]
 * </pre>
 *
 * <p>Prints one line per concurrency: operations per second, p50, p99, max and failed calls
 * (which also count as operations).
 */
public final class BackendLoadHarness {
  private static final int INSTANCES = 20;
  private static final int SERVICES = 10;
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  private BackendLoadHarness() {}

  /**
   * Runs the load.
   *
   * @param args see the class documentation
   * @throws Exception if a worker fails outright
   */
  public static void main(String[] args) throws Exception {
    Args a = new Args(args);
    List<URI> urls = Arrays.stream(a.string("--urls", "http://127.0.0.1:5091").split(",")).map(URI::create).toList();
    String tag = a.string("--tag", urls.get(0).getScheme());
    int[] levels = a.ints("--concurrency", "16,64");
    long warmup = a.millis("--warmup", "3s");
    long duration = a.millis("--duration", "8s");
    RegistryBackendProvider provider = provider(urls.get(0).getScheme());
    for (int threads : levels) {
      Worker[] workers = new Worker[threads];
      CountDownLatch ready = new CountDownLatch(threads);
      for (int t = 0; t < threads; t++) {
        workers[t] = new Worker(provider.create(new Context(urls)), t, ready);
        workers[t].start();
      }
      ready.await();
      long from = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(warmup);
      long to = from + TimeUnit.MILLISECONDS.toNanos(duration);
      for (Worker w : workers) {
        w.measureFrom = from;
        w.measureTo = to;
        w.go.countDown();
      }
      List<long[]> samples = new ArrayList<>();
      long failed = 0;
      int total = 0;
      for (Worker w : workers) {
        w.join();
        samples.add(Arrays.copyOf(w.latencies, w.count));
        failed += w.failed;
        total += w.count;
        w.backend.close();
      }
      long[] all = new long[total];
      int at = 0;
      for (long[] s : samples) {
        System.arraycopy(s, 0, all, at, s.length);
        at += s.length;
      }
      System.out.printf(Locale.ROOT, "backend-load %s write concurrency=%d ops/s=%.0f %s failed=%d%n",
          tag, threads, total / (duration / 1000.0), new Stats(all, all.length).summaryMillis(), failed);
    }
  }

  private static RegistryBackendProvider provider(String scheme) {
    for (RegistryBackendProvider p : ServiceLoader.load(RegistryBackendProvider.class)) {
      if (p.schemes().contains(scheme)) {
        return p;
      }
    }
    throw new IllegalArgumentException("no backend on the class path serves " + scheme);
  }

  /** One client in a closed loop. */
  private static final class Worker extends Thread {
    final RegistryBackend backend;
    final int index;
    final CountDownLatch ready;
    final CountDownLatch go = new CountDownLatch(1);
    volatile long measureFrom;
    volatile long measureTo;
    long[] latencies = new long[1 << 16];
    int count;
    long failed;

    Worker(RegistryBackend backend, int index, CountDownLatch ready) {
      super("backend-load-" + index);
      this.backend = backend;
      this.index = index;
      this.ready = ready;
      setDaemon(true);
    }

    @Override
    public void run() {
      ServiceInstance[] instances = new ServiceInstance[INSTANCES];
      Registered[] registered = new Registered[INSTANCES];
      for (int k = 0; k < INSTANCES; k++) {
        instances[k] = ServiceInstance.builder("load-service-" + ((index * INSTANCES + k) % SERVICES))
            .id("w" + index + "-" + k).address(URI.create("http://10.1.0.1:" + (10_000 + index * INSTANCES + k)))
            .stage("production").build();
        registered[k] = backend.register(instances[k], null, TIMEOUT);
      }
      ready.countDown();
      try {
        go.await();
      } catch (InterruptedException e) {
        return;
      }
      for (long n = 0; ; n++) {
        int k = (int) (n % INSTANCES);
        long start = System.nanoTime();
        if (start > measureTo) {
          return;
        }
        boolean ok;
        try {
          if (n % 10 == 9) {
            registered[k] = backend.register(instances[k], registered[k].handle(), TIMEOUT);
            ok = true;
          } else {
            ok = backend.renew(registered[k], TIMEOUT);
          }
        } catch (RuntimeException e) {
          ok = false;
        }
        long end = System.nanoTime();
        if (start >= measureFrom) {
          if (count == latencies.length) {
            latencies = Arrays.copyOf(latencies, count * 2);
          }
          latencies[count++] = end - start;
          if (!ok) {
            failed++;
          }
        }
      }
    }
  }

  /** What a client hands its backend, for a harness: long leases, the OkHttp transport. */
  private static final class Context implements BackendContext {
    final List<URI> urls;
    final HttpTransport transport = new OkHttpTransport();

    Context(List<URI> urls) {
      this.urls = urls;
    }

    @Override
    public List<URI> registryUrls() {
      return urls;
    }

    @Override
    public Duration leaseTtl() {
      return Duration.ofSeconds(60);
    }

    @Override
    public Duration longPollWait() {
      return Duration.ofSeconds(30);
    }

    @Override
    public Duration requestTimeout() {
      return TIMEOUT;
    }

    @Override
    public Optional<String> token() {
      return Optional.empty();
    }

    @Override
    public List<X509Certificate> trustedCertificates() {
      return List.of();
    }

    @Override
    public Clock clock() {
      return Clock.systemUTC();
    }

    @Override
    public long maxAnswerBytes() {
      return 8L << 20;
    }

    @Override
    public int maxInstancesPerView() {
      return 20_000;
    }

    @Override
    public HttpTransport transport() {
      return transport;
    }
  }

  /** A blocking transport on OkHttp, as a background client's. */
  private static final class OkHttpTransport implements HttpTransport {
    private static final MediaType JSON = MediaType.get("application/json; charset=utf-8");
    private final OkHttpClient http = new OkHttpClient();

    @Override
    public TransportResponse send(TransportRequest request) throws IOException {
      Request.Builder b = new Request.Builder().url(request.uri().toString());
      request.headers().forEach(b::header);
      b.method(request.method(), request.body() == null ? null : RequestBody.create(request.body(), JSON));
      try (Response r = http.newBuilder().callTimeout(request.timeout()).build().newCall(b.build()).execute()) {
        return new TransportResponse(r.code(), r.body().string());
      }
    }

    @Override
    public CompletableFuture<TransportResponse> sendAsync(TransportRequest request) {
      try {
        return CompletableFuture.completedFuture(send(request));
      } catch (IOException e) {
        return CompletableFuture.failedFuture(e);
      }
    }
  }
}
