package dev.registry.client.s3;

import dev.registry.client.lambda.coldstart.ColdStart;
import dev.registry.client.lambda.coldstart.HelloHandler;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Which S3 client for the Lambda path (docs/architecture.md, "S3: our own signer"): the cold
 * start of {@code hello} (no S3), {@code sdk} ({@link SdkListHandler}: the AWS SDK v2 S3 client
 * on the URL-connection HTTP client) and {@code signer} ({@link SignerListHandler}: our signer
 * over {@code HttpURLConnection}), each making one signed listing of a stage's prefix against
 * s3proxy, run cold N times in fresh JVMs through the real runtime interface client,
 * interleaved; medians. Then the jar footprint of each. Run it with
 * {@code benchmarks/s3-cold-start.sh [runs]}.
 */
public final class S3ColdStartHarness {
  private S3ColdStartHarness() {}

  public static void main(String[] args) throws Exception {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 11;
    S3Proxy s3 = S3Proxy.shared();
    String bucket = s3.newBucket("cold-start");
    String key = "registry/prod/payment-service/p1/UP~15~probe";
    if (s3.send("PUT", "/" + bucket + "/" + Signer.canonicalPath(key), "{}").code() != 200) {
      throw new IllegalStateException("could not write " + key);
    }
    Map<String, String> env = Map.of(
        "AWS_ACCESS_KEY_ID", S3Proxy.ACCESS_KEY,
        "AWS_SECRET_ACCESS_KEY", S3Proxy.SECRET_KEY,
        "AWS_REGION", S3Proxy.REGION,
        "S3_ENDPOINT", s3.endpoint().toString(),
        "S3_BUCKET", bucket,
        "S3_PREFIX", "registry/prod/");
    String classPath = ColdStart.classPath();
    Map<String, String> variants = new LinkedHashMap<>();
    variants.put("hello", HelloHandler.class.getName());
    variants.put("sdk", SdkListHandler.class.getName());
    variants.put("signer", SignerListHandler.class.getName());
    for (String handler : variants.values()) { // file cache and s3proxy's JIT: unrecorded
      ColdStart.run(classPath, handler, List.of(), env, Duration.ofSeconds(60));
    }
    Map<String, double[]> wall = new LinkedHashMap<>();
    Map<String, double[]> cpu = new LinkedHashMap<>();
    variants.keySet().forEach(v -> {
      wall.put(v, new double[runs]);
      cpu.put(v, new double[runs]);
    });
    for (int i = 0; i < runs; i++) {
      for (Map.Entry<String, String> v : variants.entrySet()) {
        ColdStart.Run run = ColdStart.run(classPath, v.getValue(), List.of(), env, Duration.ofSeconds(60));
        if (!v.getKey().equals("hello") && !run.body().contains(key)) {
          throw new IllegalStateException(v.getKey() + " answered " + run.body());
        }
        wall.get(v.getKey())[i] = run.millis();
        cpu.get(v.getKey())[i] = run.cpuMillis();
        System.out.printf(Locale.ROOT, "run %2d %-7s %7.1f ms  (cpu %7.1f ms)%n",
            i + 1, v.getKey(), run.millis(), run.cpuMillis());
      }
    }
    System.out.printf(Locale.ROOT, "%n%-7s %8s %8s %8s %10s   (ms; %d fresh JVMs each, interleaved;"
        + " -XX:TieredStopAtLevel=1)%n", "variant", "median", "min", "max", "cpu median", runs);
    Map<String, Double> medians = new LinkedHashMap<>();
    Map<String, Double> cpuMedians = new LinkedHashMap<>();
    for (String v : variants.keySet()) {
      double[] w = wall.get(v).clone();
      double[] c = cpu.get(v).clone();
      Arrays.sort(w);
      Arrays.sort(c);
      medians.put(v, median(w));
      cpuMedians.put(v, median(c));
      System.out.printf(Locale.ROOT, "%-7s %8.1f %8.1f %8.1f %10.1f%n", v, median(w), w[0],
          w[w.length - 1], median(c));
    }
    System.out.printf(Locale.ROOT, "%nadded over hello: sdk +%.1f ms (cpu +%.1f), signer +%.1f ms (cpu +%.1f)%n",
        medians.get("sdk") - medians.get("hello"), cpuMedians.get("sdk") - cpuMedians.get("hello"),
        medians.get("signer") - medians.get("hello"), cpuMedians.get("signer") - cpuMedians.get("hello"));
    footprint(classPath);
  }

  /** The jars the SDK variant needs beyond ours, and the classes our variant adds. */
  private static void footprint(String classPath) throws Exception {
    long sdk = 0;
    List<String> jars = new ArrayList<>();
    for (String entry : classPath.split(File.pathSeparator)) {
      boolean sdkJar = (entry.contains("/software/amazon/awssdk/") && !entry.contains("/utils-lite/"))
          || entry.contains("/org/reactivestreams/");
      if (sdkJar) {
        sdk += Files.size(Path.of(entry));
        jars.add(Path.of(entry).getFileName().toString());
      }
    }
    Path classes = Path.of(Signer.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    long ours = Files.size(classes.resolve("dev/registry/client/s3/Signer.class"))
        + Files.size(classes.resolve("dev/registry/client/s3/AwsCredentials.class"))
        + Files.size(classes.resolve("dev/registry/client/s3/Sha256.class"));
    System.out.printf(Locale.ROOT, "%nfootprint: sdk %d jars, %.1f MiB (%s); signer 3 classes, %.1f KiB%n",
        jars.size(), sdk / 1048576.0, String.join(" ", jars), ours / 1024.0);
  }

  private static double median(double[] sorted) {
    return sorted.length % 2 == 1 ? sorted[sorted.length / 2]
        : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
  }
}
