package dev.registry.benchmarks;

import dev.registry.client.RegistryClient;
import dev.registry.client.ServiceInstance;
import dev.registry.server.RegistryServer;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * How soon a caller that has just looked a service up sees a new instance of it: the first
 * change, against the changes after it. Each run is a fresh JVM (what a service that just
 * started pays; some of the cost is the JVM's own first use of a code path), with its own
 * registrar and caller clients against a reference server in this JVM: the registrar
 * registers the service, the caller looks it up once and subscribes, then the registrar
 * registers a new instance four times, 200 ms apart. Each figure is the time from the end of
 * {@code register()} to the caller's listener hearing of the new instance.
 *
 * <pre>
 * java -cp &lt;classpath&gt; dev.registry.benchmarks.FirstChangeHarness --runs 5
 * </pre>
 */
public final class FirstChangeHarness {
  private static final int CHANGES = 4;

  private FirstChangeHarness() {}

  public static void main(String[] argv) throws Exception {
    if (argv.length > 0 && argv[0].equals("--child")) {
      child(URI.create(argv[1]), argv[2]);
      return;
    }
    Args args = new Args(argv);
    int runs = args.integer("--runs", 5);
    try (RegistryServer server = RegistryServer.builder().host("127.0.0.1").port(0).build().start()) {
      List<double[]> all = new ArrayList<>();
      for (int run = 1; run <= runs; run++) {
        double[] millis = runChild(server.uri(), "first-change-" + run);
        all.add(millis);
        System.out.printf(Locale.ROOT, "run %d: first %.1f ms, later %s ms%n", run, millis[0],
            Arrays.toString(Arrays.copyOfRange(millis, 1, millis.length)));
      }
      double[] first = all.stream().mapToDouble(m -> m[0]).sorted().toArray();
      double[] later = all.stream().flatMapToDouble(m -> Arrays.stream(m, 1, m.length)).sorted().toArray();
      System.out.printf(Locale.ROOT, "first change: median %.1f ms (min %.1f, max %.1f, n=%d)%n",
          first[first.length / 2], first[0], first[first.length - 1], first.length);
      System.out.printf(Locale.ROOT, "later changes: median %.1f ms (min %.1f, max %.1f, n=%d)%n",
          later[later.length / 2], later[0], later[later.length - 1], later.length);
    }
  }

  private static double[] runChild(URI registry, String service) throws Exception {
    String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
    Process process = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        FirstChangeHarness.class.getName(), "--child", registry.toString(), service)
        .redirectErrorStream(true).start();
    String result = null;
    try (BufferedReader out = new BufferedReader(
        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = out.readLine()) != null; ) {
        if (line.startsWith("changes ")) {
          result = line.substring("changes ".length());
        }
      }
    }
    if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0 || result == null) {
      throw new IllegalStateException("the run for " + service + " failed");
    }
    return Arrays.stream(result.split(",")).mapToDouble(Double::parseDouble).toArray();
  }

  private static void child(URI registry, String service) throws Exception {
    try (RegistryClient registrar = RegistryClient.builder().registryUris(List.of(registry))
            .shutdownHook(false).build();
        RegistryClient caller = RegistryClient.builder().registryUris(List.of(registry))
            .shutdownHook(false).build()) {
      registrar.register(instance(service, 9000));
      int known = caller.instances(service).size();
      BlockingQueue<Integer> sizes = new LinkedBlockingQueue<>();
      caller.watch(service, view -> sizes.add(view.instances().size()));
      double[] millis = new double[CHANGES];
      for (int change = 0; change < CHANGES; change++) {
        sizes.clear();
        registrar.register(instance(service, 9001 + change));
        long registered = System.nanoTime();
        int expected = known + change + 1;
        for (Integer size = sizes.poll(10, TimeUnit.SECONDS); size == null || size != expected;
            size = sizes.poll(10, TimeUnit.SECONDS)) {
          if (size == null) {
            throw new IllegalStateException("change " + change + " never arrived");
          }
        }
        millis[change] = (System.nanoTime() - registered) / 1e6;
        TimeUnit.MILLISECONDS.sleep(200);  // apart, so each change is a change of its own
      }
      StringBuilder line = new StringBuilder("changes ");
      for (int i = 0; i < millis.length; i++) {
        line.append(i == 0 ? "" : ",").append(String.format(Locale.ROOT, "%.2f", millis[i]));
      }
      System.out.println(line);
    }
  }

  private static ServiceInstance instance(String service, int port) {
    return ServiceInstance.builder(service).address(URI.create("http://127.0.0.1:" + port)).build();
  }
}
