package dev.registry.benchmarks;

import dev.registry.client.Registration;
import dev.registry.client.RegistryClient;
import dev.registry.client.RetryPolicy;
import dev.registry.client.ServiceInstance;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An etcd member killed under a changing registry: the leader, which every client talks to
 * (its URL first). A registrar adds an instance every 20 ms and removes the one before; a
 * watching client records when each change reaches its view; a looker calls {@code choose()} in a
 * loop. Prints, for the changes before the kill and for those from the kill on: how long each
 * took to reach the watcher (p50, p99, the longest: the longest gap in the watcher's view), and
 * the failed operations (registrations, deregistrations, look-ups).
 *
 * <pre>
 * java -cp ... dev.registry.benchmarks.EtcdKillHarness --urls etcd://127.0.0.1:2379,... --pids 11,12,13
 *     [--before 3s] [--after 6s]
 * </pre>
 */
public final class EtcdKillHarness {
  private static final String SERVICE = "kill-service";
  private static final Pattern LEADER = Pattern.compile("\"leader\":\"(\\d+)\"");
  private static final Pattern MEMBER = Pattern.compile("\"member_id\":\"(\\d+)\"");

  private EtcdKillHarness() {}

  /**
   * Runs the harness.
   *
   * @param args see the class documentation
   * @throws Exception if the cluster cannot be read
   */
  public static void main(String[] args) throws Exception {
    Args a = new Args(args);
    List<URI> urls = Arrays.stream(a.string("--urls", "").split(",")).map(URI::create).toList();
    long[] pids = Arrays.stream(a.string("--pids", "").split(",")).mapToLong(Long::parseLong).toArray();
    long before = a.millis("--before", "3s");
    long after = a.millis("--after", "6s");
    int leader = leaderIndex(urls);
    List<URI> leaderFirst = new ArrayList<>(List.of(urls.get(leader)));
    urls.stream().filter(u -> !u.equals(urls.get(leader))).forEach(leaderFirst::add);

    Map<String, Long> madeAt = new ConcurrentHashMap<>();
    Map<String, Long> seenAt = new ConcurrentHashMap<>();
    AtomicLong failedWrites = new AtomicLong();
    AtomicLong failedLookups = new AtomicLong();
    AtomicLong lookups = new AtomicLong();
    try (RegistryClient registrar = client(leaderFirst); RegistryClient watcher = client(leaderFirst);
        RegistryClient looker = client(leaderFirst)) {
      registrar.register(instance("anchor"));
      watcher.watch(SERVICE, view -> {
        long now = System.nanoTime();
        view.instances().forEach(i -> seenAt.putIfAbsent(i.id(), now));
      });
      looker.instances(SERVICE);
      long start = System.nanoTime();
      long killAt = start + before * 1_000_000;
      long end = killAt + after * 1_000_000;
      Thread lookups1 = new Thread(() -> {
        while (System.nanoTime() < end) {
          try {
            looker.choose(SERVICE);
            lookups.incrementAndGet();
          } catch (RuntimeException e) {
            failedLookups.incrementAndGet();
          }
          LockSupport.parkNanos(100_000); // a busy caller, not a spinning one: etcd needs the cores
        }
      }, "kill-looker");
      lookups1.setDaemon(true);
      lookups1.start();
      Registration previous = null;
      boolean killed = false;
      long killedAt = 0;
      for (int n = 0; System.nanoTime() < end; n++) {
        if (!killed && System.nanoTime() >= killAt) {
          ProcessHandle.of(pids[leader]).ifPresent(ProcessHandle::destroyForcibly);
          killed = true;
          killedAt = System.nanoTime();
          System.out.println("# killed the leader " + urls.get(leader) + " (pid " + pids[leader] + ")");
        }
        String id = "i-" + n;
        try {
          Registration r = registrar.register(instance(id));
          madeAt.put(id, System.nanoTime());
          if (previous != null) {
            previous.close();
          }
          previous = r;
        } catch (RuntimeException e) {
          failedWrites.incrementAndGet();
        }
        Thread.sleep(20);
      }
      lookups1.join();
      Thread.sleep(2_000); // the last changes' time to arrive
      report("before the kill", madeAt, seenAt, 0, killedAt);
      report("from the kill on", madeAt, seenAt, killedAt, Long.MAX_VALUE);
      System.out.printf(Locale.ROOT, "etcd-kill failed registrations/deregistrations=%d failed lookups=%d of %d%n",
          failedWrites.get(), failedLookups.get(), lookups.get());
    }
  }

  private static void report(String when, Map<String, Long> madeAt, Map<String, Long> seenAt, long from, long to) {
    List<Long> delays = new ArrayList<>();
    int missing = 0;
    for (Map.Entry<String, Long> e : madeAt.entrySet()) {
      if (e.getValue() < from || e.getValue() >= to) {
        continue;
      }
      Long seen = seenAt.get(e.getKey());
      if (seen == null) {
        missing++;
      } else {
        delays.add(Math.max(0, seen - e.getValue()));
      }
    }
    long[] nanos = delays.stream().mapToLong(Long::longValue).toArray();
    System.out.printf(Locale.ROOT, "etcd-kill %s: register -> watcher %s never seen=%d%n",
        when, new Stats(nanos, nanos.length).summaryMillis(), missing);
  }

  private static RegistryClient client(List<URI> urls) {
    return RegistryClient.builder().registryUris(urls).shutdownHook(false)
        .leaseTtl(Duration.ofSeconds(10)).requestTimeout(Duration.ofSeconds(1))
        .retryPolicy(RetryPolicy.builder().maxAttempts(6)
            .initialBackoff(Duration.ofMillis(50)).maxBackoff(Duration.ofMillis(500)).build())
        .build();
  }

  private static ServiceInstance instance(String id) {
    return ServiceInstance.builder(SERVICE).id(id).address(URI.create("http://10.2.0.1:8080")).build();
  }

  /** The index in {@code urls} of the member that leads, read from /v3/maintenance/status. */
  private static int leaderIndex(List<URI> urls) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    String[] ids = new String[urls.size()];
    String leader = null;
    for (int i = 0; i < urls.size(); i++) {
      URI status = URI.create("http://" + urls.get(i).getAuthority() + "/v3/maintenance/status");
      String body = http.send(HttpRequest.newBuilder(status).POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      Matcher m = MEMBER.matcher(body);
      Matcher l = LEADER.matcher(body);
      ids[i] = m.find() ? m.group(1) : "";
      if (l.find()) {
        leader = l.group(1);
      }
    }
    for (int i = 0; i < ids.length; i++) {
      if (ids[i].equals(leader)) {
        return i;
      }
    }
    throw new IllegalStateException("no leader among " + urls);
  }
}
