package dev.registry.client.s3;


import com.amazonaws.services.lambda.runtime.Context;
import dev.registry.client.RegistryClient;
import dev.registry.client.ServiceInstance;
import dev.registry.client.lambda.Discovery;
import dev.registry.client.lambda.DiscoveryRequestHandler;
import dev.registry.client.lambda.LambdaRegistry;
import dev.registry.client.lambda.LambdaSettings;
import dev.registry.client.lambda.TestContext;
import dev.registry.client.lambda.coldstart.ColdStart;
import dev.registry.client.lambda.coldstart.HelloHandler;
import dev.registry.client.lambda.coldstart.OursHandler;
import dev.registry.server.RegistryServer;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@code benchmarks/run s3}: the S3 registry side by side with the reference server, on the
 * four numbers of issue #21. (1) The Lambda cold start the adapter adds, {@code hello} vs the
 * adapter over the reference server vs over S3 (fresh JVMs through the real runtime interface
 * client, interleaved, medians). (2) Requests per cold and per warm invocation, counted by a
 * relay in front of each registry. (3) The time from {@code register()} returning to a
 * background reader at the default settings seeing the instance. (4) Requests per client per
 * day: a client that registers one instance and watches its stage, at the defaults, counted for
 * a window and scaled to a day. s3proxy and the reference server run on loopback.
 *
 * <p>Arguments: cold-start runs per variant (default 11), propagation samples (default 5),
 * the counting window in seconds (default 60).
 */
public final class S3BenchmarkHarness {
  private S3BenchmarkHarness() {}

  public static void main(String[] args) throws Exception {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 11;
    int samples = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    int window = args.length > 2 ? Integer.parseInt(args[2]) : 60;
    S3Proxy s3 = S3Proxy.shared();
    String bucket = s3.newBucket("benchmark");
    try (RegistryServer server = RegistryServer.builder().host("127.0.0.1").port(0).build().start();
        RequestLog s3Relay = new RequestLog(s3.endpoint());
        RequestLog serverRelay = new RequestLog(server.uri())) {
      Map<String, URI> direct = new LinkedHashMap<>();
      direct.put("reference", server.uri());
      direct.put("s3", URI.create("s3://" + bucket + "/registry?endpoint=" + s3.endpoint()));
      Map<String, URI> counted = new LinkedHashMap<>();
      counted.put("reference", serverRelay.endpoint());
      counted.put("s3", URI.create("s3://" + bucket + "/registry?endpoint=" + s3Relay.endpoint()));
      Map<String, RequestLog> relays = Map.of("reference", serverRelay, "s3", s3Relay);
      List<RegistryClient> owners = new ArrayList<>();
      for (URI url : direct.values()) {
        RegistryClient owner = RegistryClient.builder().registryUris(List.of(url)).stage("prod")
            .shutdownHook(false).build();
        owner.register(ServiceInstance.builder("payment-service").id("p1")
            .address(URI.create("http://127.0.0.1:9001")).build());
        owners.add(owner);
      }
      try {
        coldStart(runs, direct);
        invocations(counted, relays);
        propagation(samples, direct);
        perDay(window, counted, relays);
      } finally {
        owners.forEach(RegistryClient::close);
      }
    }
  }

  private static void coldStart(int runs, Map<String, URI> urls) throws Exception {
    System.out.println("== Lambda cold start (ms; " + runs + " fresh JVMs each, interleaved;"
        + " -XX:TieredStopAtLevel=1)");
    Map<String, String> handlers = new LinkedHashMap<>();
    handlers.put("hello", HelloHandler.class.getName());
    handlers.put("reference", OursHandler.class.getName());
    handlers.put("s3", OursHandler.class.getName());
    Map<String, Map<String, String>> envs = new LinkedHashMap<>();
    envs.put("hello", Map.of());
    envs.put("reference", Map.of("REGISTRY_URLS", urls.get("reference").toString()));
    envs.put("s3", Map.of("REGISTRY_URLS", urls.get("s3").toString(),
        "AWS_ACCESS_KEY_ID", S3Proxy.ACCESS_KEY, "AWS_SECRET_ACCESS_KEY", S3Proxy.SECRET_KEY,
        "AWS_REGION", S3Proxy.REGION));
    String classPath = ColdStart.classPath();
    for (String v : handlers.keySet()) { // file cache and the registries' JIT: unrecorded
      ColdStart.run(classPath, handlers.get(v), List.of(), envs.get(v), Duration.ofSeconds(60));
    }
    Map<String, double[]> wall = new LinkedHashMap<>();
    Map<String, double[]> cpu = new LinkedHashMap<>();
    handlers.keySet().forEach(v -> {
      wall.put(v, new double[runs]);
      cpu.put(v, new double[runs]);
    });
    for (int i = 0; i < runs; i++) {
      for (String v : handlers.keySet()) {
        ColdStart.Run run = ColdStart.run(classPath, handlers.get(v), List.of(), envs.get(v),
            Duration.ofSeconds(60));
        if (!v.equals("hello") && !run.body().contains("127.0.0.1:9001")) {
          throw new IllegalStateException(v + " answered " + run.body());
        }
        wall.get(v)[i] = run.millis();
        cpu.get(v)[i] = run.cpuMillis();
      }
    }
    System.out.printf(Locale.ROOT, "%-10s %8s %8s %8s %10s %16s%n", "variant", "median", "min", "max",
        "cpu median", "added wall / cpu");
    double helloWall = median(wall.get("hello"));
    double helloCpu = median(cpu.get("hello"));
    for (String v : handlers.keySet()) {
      double[] w = wall.get(v).clone();
      Arrays.sort(w);
      System.out.printf(Locale.ROOT, "%-10s %8.1f %8.1f %8.1f %10.1f %16s%n", v, median(w), w[0],
          w[w.length - 1], median(cpu.get(v)), v.equals("hello") ? "" : String.format(Locale.ROOT,
              "%+.0f / %+.0f", median(w) - helloWall, median(cpu.get(v)) - helloCpu));
    }
  }

  /** The user's function of the count: one lookup per invocation. */
  static final class Lookup extends DiscoveryRequestHandler<String, String> {
    Lookup(LambdaRegistry registry) {
      super(registry);
    }

    @Override
    protected String handleRequest(String input, Context context, Discovery discovery) {
      return discovery.choose("payment-service").address().toString();
    }
  }

  private static void invocations(Map<String, URI> urls, Map<String, RequestLog> relays) {
    System.out.println();
    System.out.println("== Requests per invocation (one container, defaults, 1 cold + 50 warm within the cache TTL)");
    for (Map.Entry<String, URI> e : urls.entrySet()) {
      RequestLog relay = relays.get(e.getKey());
      try (LambdaRegistry lambda = LambdaRegistry.create(LambdaSettings.of(e.getValue()))) {
        Lookup function = new Lookup(lambda);
        relay.clear();
        function.handleRequest("{}", TestContext.alias("prod"));
        List<String> cold = relay.requests();
        relay.clear();
        for (int i = 0; i < 50; i++) {
          function.handleRequest("{}", TestContext.alias("prod"));
        }
        System.out.printf(Locale.ROOT, "%-10s cold: %d (%s); warm: %.2f per invocation%n", e.getKey(),
            cold.size(), String.join(", ", cold), relay.requests().size() / 50.0);
      }
    }
  }

  private static void propagation(int samples, Map<String, URI> urls) throws Exception {
    System.out.println();
    System.out.println("== register() returned -> a background reader at the defaults sees the instance (ms)");
    for (Map.Entry<String, URI> e : urls.entrySet()) {
      double[] millis = new double[samples];
      try (RegistryClient reader = RegistryClient.builder().registryUris(List.of(e.getValue()))
          .stage("prod").shutdownHook(false).build();
          RegistryClient writer = RegistryClient.builder().registryUris(List.of(e.getValue()))
              .stage("prod").shutdownHook(false).build()) {
        for (int i = 0; i < samples; i++) {
          String service = "propagation-" + i;
          CompletableFuture<Long> seen = new CompletableFuture<>();
          reader.watch(service, view -> {
            if (!view.instances().isEmpty()) {
              seen.complete(System.nanoTime());
            }
          });
          // At a random moment of the reader's poll period, as a registration comes in production.
          long phase = java.util.concurrent.ThreadLocalRandom.current().nextLong(30_000);
          CompletableFuture.runAsync(() -> { },
              CompletableFuture.delayedExecutor(phase, TimeUnit.MILLISECONDS)).get();
          var registration = writer.register(ServiceInstance.builder(service).id("x")
              .address(URI.create("http://127.0.0.1:9002")).build());
          long registered = System.nanoTime();
          millis[i] = (seen.get(90, TimeUnit.SECONDS) - registered) / 1e6;
          registration.close();
        }
      }
      double[] sorted = millis.clone();
      Arrays.sort(sorted);
      System.out.printf(Locale.ROOT, "%-10s median %.0f, min %.0f, max %.0f (%s)%n", e.getKey(),
          median(sorted), sorted[0], sorted[sorted.length - 1], Arrays.toString(millis));
    }
  }

  private static void perDay(int windowSeconds, Map<String, URI> urls, Map<String, RequestLog> relays)
      throws Exception {
    System.out.println();
    System.out.println("== Requests per client per day: one instance registered, its stage watched,"
        + " defaults (lease 15 s, refresh 30 s), counted over " + windowSeconds + " s");
    List<RegistryClient> clients = new ArrayList<>();
    for (Map.Entry<String, URI> e : urls.entrySet()) {
      RegistryClient client = RegistryClient.builder().registryUris(List.of(e.getValue()))
          .stage("prod").shutdownHook(false).build();
      client.register(ServiceInstance.builder("counted").id("c1")
          .address(URI.create("http://127.0.0.1:9003")).build());
      client.instances("payment-service");
      clients.add(client);
    }
    relays.values().forEach(RequestLog::clear);
    CompletableFuture.runAsync(() -> { }, CompletableFuture.delayedExecutor(windowSeconds, TimeUnit.SECONDS)).get();
    for (String name : urls.keySet()) {
      List<String> requests = relays.get(name).requests();
      Map<String, Integer> byMethod = new LinkedHashMap<>();
      for (String r : requests) {
        byMethod.merge(r.substring(0, r.indexOf(' ')), 1, Integer::sum);
      }
      double scale = 86_400.0 / windowSeconds;
      StringBuilder line = new StringBuilder();
      byMethod.forEach((m, n) -> line.append(String.format(Locale.ROOT, " %s %,.0f", m, n * scale)));
      System.out.printf(Locale.ROOT, "%-10s %,.0f per day:%s%n", name, requests.size() * scale, line);
    }
    clients.forEach(RegistryClient::close);
    System.out.println("(S3: each GET here is a LIST; S3 Standard charges $0.005 per 1,000 LIST or PUT)");
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted.length % 2 == 1 ? sorted[sorted.length / 2]
        : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
  }
}
