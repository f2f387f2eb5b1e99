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
 * to add a fourth variant, ours with a static AppCDS archive made at PATH before the runs
 * ({@code -XX:DumpLoadedClassList} in a training run, then {@code -Xshare:dump}).
 */
public final class ColdStartHarness {
  private ColdStartHarness() {}

  static double median(double[] sorted) {
    return sorted.length % 2 == 1 ? sorted[sorted.length / 2]
        : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
  }

  static void report(String what, Map<String, Double> medians) {
    double hello = medians.get("hello");
    double naive = medians.get("naive");
    double ours = medians.get("ours");
    StringBuilder line = new StringBuilder(String.format(Locale.ROOT,
        "%s: added over hello: naive +%.1f ms, ours +%.1f ms", what, naive - hello, ours - hello));
    if (medians.containsKey("ours+AppCDS")) {
      line.append(String.format(Locale.ROOT, " (ours+AppCDS %+.1f ms)",
          medians.get("ours+AppCDS") - hello));
    }
    line.append(String.format(Locale.ROOT,
        "; ratio naive/ours %.2f (whole cold start), %.1f (added time)",
        naive / ours, (naive - hello) / (ours - hello)));
    System.out.println(line);
  }

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
      Map<String, double[]> cpu = new LinkedHashMap<>();
      String[] names = {"hello", "naive", "ours", "ours+AppCDS"};
      int count = cds == null ? 3 : 4;
      for (int v = 0; v < count; v++) {
        times.put(names[v], new double[runs]);
        cpu.put(names[v], new double[runs]);
      }
      String cdsClassPath = classPath;
      if (cds != null) {
        java.nio.file.Path archive = java.nio.file.Path.of(cds).toAbsolutePath();
        cdsClassPath = ColdStart.jarred(classPath, archive.resolveSibling("cold-start-jars"));
        ColdStart.makeArchive(cdsClassPath, OursHandler.class.getName(), env, archive);
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
          ColdStart.Run run = ColdStart.run(v == 3 ? cdsClassPath : classPath, handler, jvm, env,
              Duration.ofSeconds(60));
          if (v > 0 && !run.body().contains("127.0.0.1:9001")) {
            throw new IllegalStateException(names[v] + " answered " + run.body());
          }
          times.get(names[v])[i] = run.millis();
          cpu.get(names[v])[i] = run.cpuMillis();
          System.out.printf(Locale.ROOT, "run %2d %-12s %7.1f ms  (cpu %7.1f ms)%n",
              i + 1, names[v], run.millis(), run.cpuMillis());
        }
      }
      System.out.println();
      System.out.printf(Locale.ROOT, "%-12s %8s %8s %8s %10s   (ms; %d fresh JVMs each, interleaved;"
          + " -XX:TieredStopAtLevel=1)%n", "variant", "median", "min", "max", "cpu median", runs);
      Map<String, Double> medians = new LinkedHashMap<>();
      Map<String, Double> cpuMedians = new LinkedHashMap<>();
      for (Map.Entry<String, double[]> e : times.entrySet()) {
        double[] sorted = e.getValue().clone();
        Arrays.sort(sorted);
        medians.put(e.getKey(), median(sorted));
        double[] cpuSorted = cpu.get(e.getKey()).clone();
        Arrays.sort(cpuSorted);
        cpuMedians.put(e.getKey(), median(cpuSorted));
        System.out.printf(Locale.ROOT, "%-12s %8.1f %8.1f %8.1f %10.1f%n", e.getKey(),
            medians.get(e.getKey()), sorted[0], sorted[sorted.length - 1], cpuMedians.get(e.getKey()));
      }
      System.out.println();
      report("wall", medians);
      report("cpu ", cpuMedians);
    }
  }
}
