package dev.registry.benchmarks;

import dev.registry.client.ClientStats;
import dev.registry.client.RegistryClient;
import dev.registry.client.ServiceInstance;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The soak of docs/reliability.md: many instances kept alive through the real client for a long
 * stretch against the reference server, run as its own process (the runnable jar), so that its
 * memory can be read from {@code /proc}. Every sample checks that the registry holds exactly the
 * registered instances; at the end it checks that no lease was ever lost (a lost lease shows as
 * a heartbeat answered 404, which the client counts as a re-registration) and that closing the
 * clients deregisters everything.
 *
 * <pre>
 * benchmarks/soak [--instances 10000] [--clients 100] [--minutes 10] [--ttl 15s]
 * </pre>
 *
 * <p>Exits 1 when an invariant broke, so a scheduled run can alert on it.
 */
public final class SoakHarness {
  private static final Pattern LISTENING = Pattern.compile("listening on (http://\\S+)");
  private static final Pattern ACTIVE = Pattern.compile("\"active_instances\"\\s*:\\s*(\\d+)");

  private SoakHarness() {}

  public static void main(String[] argv) throws Exception {
    int instances = 10_000;
    int clients = 100;
    double minutes = 10;
    Duration ttl = Duration.ofSeconds(15);
    Duration sample = Duration.ofSeconds(30);
    String jar = "registry-server/target/registry-server.jar";
    for (int i = 0; i < argv.length; i += 2) {
      String value = argv[i + 1];
      switch (argv[i]) {
        case "--instances" -> instances = Integer.parseInt(value);
        case "--clients" -> clients = Integer.parseInt(value);
        case "--minutes" -> minutes = Double.parseDouble(value);
        case "--ttl" -> ttl = Duration.ofSeconds(Long.parseLong(value.replace("s", "")));
        case "--sample" -> sample = Duration.ofSeconds(Long.parseLong(value.replace("s", "")));
        case "--server-jar" -> jar = value;
        default -> throw new IllegalArgumentException("unknown argument: " + argv[i]);
      }
    }
    int perService = 100;
    System.out.printf("soak: %,d instances (%d per service) on %d clients, lease %s (heartbeat"
        + " every %s), %.1f min, cores=%d java=%s%n", instances, perService, clients, ttl,
        ttl.dividedBy(3), minutes, Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.version"));

    Process server = new ProcessBuilder("java", "-Xmx1g", "-jar", jar, "--port", "0",
        "--heartbeat-timeout", ttl.toSeconds() + "s", "--cleanup-interval", "5s")
        .redirectErrorStream(true).start();
    try {
      URI registry = awaitUrl(server);
      long pid = server.pid();
      System.out.printf("server pid %d at %s, RSS idle %d MiB%n", pid, registry, rssMiB(pid));

      List<RegistryClient> fleet = new ArrayList<>();
      for (int c = 0; c < clients; c++) {
        fleet.add(RegistryClient.builder().registryUrls(registry.toString())
            .leaseTtl(ttl).heartbeatInterval(ttl.dividedBy(3)).shutdownHook(false).build());
      }
      long t0 = System.nanoTime();
      ExecutorService pool = Executors.newFixedThreadPool(8);
      List<CompletableFuture<?>> registering = new ArrayList<>();
      for (int i = 0; i < instances; i++) {
        int n = i;
        RegistryClient client = fleet.get(n % clients);
        registering.add(CompletableFuture.runAsync(() -> client.register(ServiceInstance
            .builder("soak-" + (n / perService))
            .address("http://127.0.0.1:" + (10_000 + n % 50_000) + "/" + n).build()), pool));
      }
      CompletableFuture.allOf(registering.toArray(CompletableFuture[]::new)).join();
      pool.shutdown();
      System.out.printf("registered %,d in %.1f s%n", instances,
          (System.nanoTime() - t0) / 1e9);

      HttpClient http = HttpClient.newHttpClient();
      long end = System.nanoTime() + (long) (minutes * 60e9);
      long minActive = Long.MAX_VALUE;
      long maxActive = 0;
      long firstRss = -1;
      long lastRss = 0;
      long peakRss = 0;
      while (true) {
        long active = active(http, registry);
        long rss = rssMiB(pid);
        firstRss = firstRss < 0 ? rss : firstRss;
        lastRss = rss;
        peakRss = Math.max(peakRss, rss);
        minActive = Math.min(minActive, active);
        maxActive = Math.max(maxActive, active);
        ClientStats s = total(fleet);
        System.out.printf("[%5.0f s] active=%,d server RSS=%d MiB heartbeats sent=%,d failed=%,d"
                + " re-registrations=%d%n", (System.nanoTime() - t0) / 1e9, active, rss,
            s.heartbeatsSent(), s.heartbeatsFailed(), s.reRegistrations());
        if (System.nanoTime() >= end) {
          break;
        }
        TimeUnit.NANOSECONDS.sleep(Math.min(sample.toNanos(), Math.max(0, end - System.nanoTime())));
      }
      ClientStats s = total(fleet);
      fleet.forEach(RegistryClient::close);
      long afterClose = active(http, registry);
      boolean ok = minActive == instances && maxActive == instances && s.reRegistrations() == 0
          && afterClose == 0;
      System.out.printf("%nresult: %s%n  active instances min/max %,d/%,d (expected %,d)%n"
              + "  heartbeats %,d sent, %,d failed; re-registrations (lost leases) %d%n"
              + "  server RSS first/last/peak %d/%d/%d MiB%n  after closing every client: %d active%n",
          ok ? "OK" : "FAILED", minActive, maxActive, instances, s.heartbeatsSent(),
          s.heartbeatsFailed(), s.reRegistrations(), firstRss, lastRss, peakRss, afterClose);
      if (!ok) {
        System.exit(1);
      }
    } finally {
      server.destroy();
      server.waitFor(10, TimeUnit.SECONDS);
    }
  }

  private static URI awaitUrl(Process server) throws IOException {
    BufferedReader out = new BufferedReader(
        new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
    String line;
    while ((line = out.readLine()) != null) {
      Matcher m = LISTENING.matcher(line);
      if (m.find()) {
        Thread drain = new Thread(() -> {
          try {
            while (out.readLine() != null) {
              // the server's log is not needed past its address
            }
          } catch (IOException ignored) {
            // the server stopped
          }
        }, "server-output");
        drain.setDaemon(true);
        drain.start();
        return URI.create(m.group(1));
      }
    }
    throw new IllegalStateException("the server exited before printing its address");
  }

  private static long active(HttpClient http, URI registry) throws Exception {
    String body = http.send(HttpRequest.newBuilder(registry.resolve("/services")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    long sum = 0;
    Matcher m = ACTIVE.matcher(body);
    while (m.find()) {
      sum += Long.parseLong(m.group(1));
    }
    return sum;
  }

  private static ClientStats total(List<RegistryClient> fleet) {
    long sent = 0;
    long failed = 0;
    long again = 0;
    for (RegistryClient c : fleet) {
      ClientStats s = c.stats();
      sent += s.heartbeatsSent();
      failed += s.heartbeatsFailed();
      again += s.reRegistrations();
    }
    return new ClientStats(0, 0, 0, 0, again, sent, failed);
  }

  private static long rssMiB(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
      }
    }
    return -1;
  }
}
