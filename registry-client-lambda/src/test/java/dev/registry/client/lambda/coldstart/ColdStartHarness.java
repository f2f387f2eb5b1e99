package dev.registry.client.lambda.coldstart;

import dev.registry.client.RegistryClient;
import dev.registry.client.ServiceInstance;
import dev.registry.server.RegistryServer;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The cold-start measurement of docs/benchmarks.md: {@code hello} (no discovery),
 * {@code naive} (OkHttp + ObjectMapper + one GET) and {@code ours} (the adapter), each run
 * cold N times in fresh JVMs through the real runtime interface client, interleaved, against
 * the reference registry in-process. Prints every run and the medians. Run it with
 * {@code benchmarks/lambda-cold-start.sh [runs]}.
 *
 * <p>Arguments: the number of runs per variant (default 11); then optionally {@code cds=PATH}
 * to add a fifth variant, ours with an AppCDS archive at PATH (made at the first run of that
 * variant with {@code -XX:ArchiveClassesAtExit}).
 */
public final class ColdStartHarness {
  private ColdStartHarness() {}

  public static void main(String[] args) throws Exception {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 11;
    String cds = args.length > 1 && args[1].startsWith("cds=") ? args[1].substring(4) : null;
    String classPath = ColdStart.classPath();
    try (RegistryServer server = RegistryServer.builder().host("127.0.0.1").port(0).build().start();
        RegistryClient admin = RegistryClient.builder().registryUrls(server.uri().toString())
            .stage("prod").shutdownHook(false).build()) {
      admin.register(ServiceInstance.builder("payment-service").id("p1")
          .address(URI.create("http://127.0.0.1:9001")).build());
      Map<String, String> env = Map.of("REGISTRY_URLS", server.uri().toString());

      Map<String, List<String>> variants = new LinkedHashMap<>();
      variants.put(HelloHandler.class.getName(), List.of());
      variants.put(NaiveHandler.class.getName(), List.of());
      variants.put(OursHandler.class.getName(), List.of());
      Map<String, double[]> times = new LinkedHashMap<>();
      String[] names = {"hello", "naive", "ours", "ours+AppCDS"};
      int count = cds == null ? 3 : 4;
      for (int v = 0; v < count; v++) {
        times.put(names[v], new double[runs]);
      }
      if (cds != null) {
        // The archive: one training run that dumps the classes it loaded at exit.
        java.nio.file.Files.deleteIfExists(java.nio.file.Path.of(cds));
        ColdStart.run(classPath, OursHandler.class.getName(),
            List.of("-XX:ArchiveClassesAtExit=" + cds), env, Duration.ofSeconds(60));
        for (int i = 0; i < 50 && !java.nio.file.Files.exists(java.nio.file.Path.of(cds)); i++) {
          Thread.sleep(100); // the dump finishes as the JVM exits, after destroy() returned
        }
      }
      // Warm the file-system cache and this JVM: one unrecorded run of each.
      for (String handler : variants.keySet()) {
        ColdStart.run(classPath, handler, List.of(), env, Duration.ofSeconds(60));
      }
      List<String> handlers = new ArrayList<>(variants.keySet());
      for (int i = 0; i < runs; i++) {
        for (int v = 0; v < count; v++) {
          String handler = handlers.get(Math.min(v, 2));
          List<String> jvm = v == 3 ? List.of("-XX:SharedArchiveFile=" + cds) : List.of();
          ColdStart.Run run = ColdStart.run(classPath, handler, jvm, env, Duration.ofSeconds(60));
          if (v > 0 && !run.body().contains("127.0.0.1:9001")) {
            throw new IllegalStateException(names[v] + " answered " + run.body());
          }
          times.get(names[v])[i] = run.millis();
          System.out.printf(Locale.ROOT, "run %2d %-12s %7.1f ms%n", i + 1, names[v], run.millis());
        }
      }
      System.out.println();
      System.out.printf(Locale.ROOT, "%-12s %8s %8s %8s   (ms, %d fresh JVMs each, -XX:TieredStopAtLevel=1)%n",
          "variant", "median", "min", "max", runs);
      Map<String, Double> medians = new LinkedHashMap<>();
      for (Map.Entry<String, double[]> e : times.entrySet()) {
        double[] sorted = e.getValue().clone();
        Arrays.sort(sorted);
        double median = sorted.length % 2 == 1 ? sorted[sorted.length / 2]
            : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
        medians.put(e.getKey(), median);
        System.out.printf(Locale.ROOT, "%-12s %8.1f %8.1f %8.1f%n",
            e.getKey(), median, sorted[0], sorted[sorted.length - 1]);
      }
      double hello = medians.get("hello");
      double naive = medians.get("naive");
      double ours = medians.get("ours");
      System.out.println();
      System.out.printf(Locale.ROOT, "added over hello: naive +%.1f ms, ours +%.1f ms%s%n",
          naive - hello, ours - hello,
          cds == null ? "" : String.format(Locale.ROOT, ", ours+AppCDS +%.1f ms",
              medians.get("ours+AppCDS") - hello));
      System.out.printf(Locale.ROOT, "ratio naive/ours (whole cold start): %.2f; of the added time: %.2f%n",
          naive / ours, (naive - hello) / (ours - hello));
    }
  }
}
