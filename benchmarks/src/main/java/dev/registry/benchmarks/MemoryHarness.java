package dev.registry.benchmarks;

import dev.registry.client.RegistryClient;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Memory: the reference server's resident set and live heap with 10,000 and 100,000 registered
 * instances (services of 100 instances), and a client's heap with 1,000 cached services (of 3
 * instances each). The server runs in another JVM ({@code --server-pid}); its live heap is
 * read with {@code jcmd GC.class_histogram}-free means: {@code jcmd PID GC.run} then {@code
 * GC.heap_info}. The client runs in this JVM, measured by used heap after full collections.
 *
 * <pre>
 * java -cp ... dev.registry.benchmarks.MemoryHarness --url http://127.0.0.1:5091 --server-pid PID
 *     [--instances 10000,100000] [--client-services 1000]
 * </pre>
 */
public final class MemoryHarness {
  private static final int PER_SERVICE = 100;
  private static final Pattern USED = Pattern.compile("used (\\d+)K");

  private MemoryHarness() {}

  /**
   * Runs the harness.
   *
   * @param args see the class documentation
   * @throws Exception when the server cannot be reached
   */
  public static void main(String[] args) throws Exception {
    Args a = new Args(args);
    URI url = URI.create(a.string("--url", "http://127.0.0.1:5091"));
    long pid = Long.parseLong(a.string("--server-pid", "0"));
    int[] targets = a.ints("--instances", "10000,100000");
    int clientServices = a.integer("--client-services", 1000);

    // The client's services first, so that they are part of every server figure.
    registerRange(url, "client-service-", 3, clientServices * 3, 0);
    printServer(pid, "server with " + clientServices * 3 + " instances (the client's services)");
    int registered = 0;
    for (int target : targets) {
      registerRange(url, "mem-service-", PER_SERVICE, target - registered, registered);
      registered = target;
      printServer(pid, "server with " + (target + clientServices * 3) + " instances");
    }

    long before = usedHeapAfterGc();
    int threadsBefore = Thread.activeCount();
    long fdsBefore = openFiles();
    java.util.Map<String, Long> kindsBefore = openFilesByKind();
    try (RegistryClient client = RegistryClient.builder().registryUris(List.of(url)).shutdownHook(false).build()) {
      long start = System.nanoTime();
      int cached = 0;
      for (int s = 0; s < clientServices; s++) {
        cached += client.instances("client-service-" + s).size();
      }
      long took = System.nanoTime() - start;
      // Let the long-polls the lookups started get parked, so their buffers count too.
      TimeUnit.SECONDS.sleep(2);
      long after = usedHeapAfterGc();
      System.out.printf(Locale.ROOT,
          "memory client: %d services (%d instances) cached in %s ms; heap +%.1f MiB (%.1f KiB per service);"
              + " threads +%d; open files +%d%n",
          clientServices, cached, Stats.millis(took), (after - before) / 1048576.0,
          (after - before) / 1024.0 / clientServices, Thread.activeCount() - threadsBefore, openFiles() - fdsBefore);
      // Connections the lookups left idle close on their own; count again once they may have.
      TimeUnit.SECONDS.sleep(8);
      System.out.printf(Locale.ROOT, "memory client: 10 s after the lookups: threads +%d; open files +%d"
              + " (by kind: before %s, after %s)%n",
          Thread.activeCount() - threadsBefore, openFiles() - fdsBefore, kindsBefore, openFilesByKind());
    }
  }

  /** Registers {@code count} instances, {@code perService} to a service, numbered from {@code from}. */
  private static void registerRange(URI url, String prefix, int perService, int count, int from) throws Exception {
    int threads = 4;
    List<Thread> workers = new ArrayList<>();
    List<Exception> failures = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int first = t;
      Thread w = new Thread(() -> {
        try (RawHttp http = new RawHttp(url)) {
          for (int i = from + first; i < from + count; i += threads) {
            String body = "{\"service\":\"" + prefix + (i / perService) + "\",\"id\":\"i-" + i
                + "\",\"address\":\"http://10." + (i >> 16 & 255) + "." + (i >> 8 & 255) + "." + (i & 255)
                + ":8080\",\"metadata\":{\"version\":\"1.4.2\",\"zone\":\"z" + (i % 3) + "\"},\"ttl_seconds\":3600}";
            int status = http.exchange("POST", "/register", "application/json",
                body.getBytes(StandardCharsets.UTF_8), "application/json");
            if (status / 100 != 2) {
              throw new IllegalStateException("register answered " + status);
            }
          }
        } catch (IOException | RuntimeException e) {
          synchronized (failures) {
            failures.add(e instanceof IOException io ? io : (RuntimeException) e);
          }
        }
      });
      w.start();
      workers.add(w);
    }
    for (Thread w : workers) {
      w.join();
    }
    if (!failures.isEmpty()) {
      throw failures.get(0);
    }
  }

  private static void printServer(long pid, String what) throws Exception {
    long heapKiB = serverHeapAfterGc(pid);
    System.out.printf(Locale.ROOT, "memory %s: RSS %d MiB, live heap after full GC %.1f MiB%n",
        what, WatchersHarness.rssMiB(pid), heapKiB / 1024.0);
  }

  private static long serverHeapAfterGc(long pid) throws Exception {
    if (pid <= 0) {
      return -1;
    }
    jcmd(pid, "GC.run");
    String info = jcmd(pid, "GC.heap_info");
    Matcher m = USED.matcher(info);
    return m.find() ? Long.parseLong(m.group(1)) : -1;
  }

  private static String jcmd(long pid, String command) throws Exception {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("jcmd " + command + " failed: " + out);
    }
    return out;
  }

  private static long usedHeapAfterGc() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  private static long openFiles() throws IOException {
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.count();
    }
  }

  /** Open files by kind: sockets, jars (the class path, opened as classes load), the rest. */
  private static java.util.Map<String, Long> openFilesByKind() throws IOException {
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.map(fd -> {
        try {
          String target = Files.readSymbolicLink(fd).toString();
          return target.startsWith("socket:") ? "sockets" : target.endsWith(".jar") ? "jars" : "other";
        } catch (IOException e) {
          return "gone";
        }
      }).collect(java.util.stream.Collectors.groupingBy(k -> k, java.util.TreeMap::new,
          java.util.stream.Collectors.counting()));
    }
  }
}
