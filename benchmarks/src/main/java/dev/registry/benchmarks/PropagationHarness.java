package dev.registry.benchmarks;

import dev.registry.client.Registration;
import dev.registry.client.InlineRegistryClient;
import dev.registry.client.RegistryClient;
import dev.registry.client.ServiceInstance;
import dev.registry.client.ServiceView;
import dev.registry.server.RegistryServer;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Change propagation: one registering client and N watching clients against the reference
 * server on loopback. For each event, the time from {@code register()} (or the deregistration)
 * returning until every watcher's view shows it; for a crash, the time from the lease's end
 * until every watcher has dropped the instance.
 *
 * <p>Each watcher is its own {@link RegistryClient} (its own connections and long-poll) watching
 * the service. "Shows it" is measured two ways: by the watch listener (the time the listener is
 * told a view that shows it) and by a thread spinning over every watcher's {@code instances()}.
 *
 * <p>With {@code --urls}, the registry is the one at those URLs instead (an etcd cluster's
 * {@code etcd://} members, with registry-client-etcd on the class path), and {@code --tag}
 * names it in the output.
 *
 * <pre>
 * java -cp ... dev.registry.benchmarks.PropagationHarness [--watchers 1,100] [--events 200]
 *     [--ttl 2s] [--modes listener,spin] [--urls etcd://127.0.0.1:2379,...] [--tag etcd-3]
 * </pre>
 */
public final class PropagationHarness {
  private static final String SERVICE = "propagation-service";
  private static final Duration EVENT_TIMEOUT = Duration.ofSeconds(30);

  private PropagationHarness() {}

  /**
   * Runs the harness and prints one line per measurement.
   *
   * @param args see the class documentation
   * @throws Exception when a watcher never sees a change
   */
  public static void main(String[] args) throws Exception {
    Args a = new Args(args);
    int[] watcherCounts = a.ints("--watchers", "1,100");
    int events = a.integer("--events", 200);
    Duration ttl = Duration.ofMillis(a.millis("--ttl", "2s"));
    List<String> modes = List.of(a.string("--modes", "listener,spin").split(","));

    String given = a.string("--urls", "");
    String tag = a.string("--tag", given.isEmpty() ? "reference" : "external");
    RegistryServer server = given.isEmpty() ? RegistryServer.builder().host("127.0.0.1").port(0)
        .heartbeatTimeout(ttl).cleanupInterval(Duration.ofMillis(500)).build().start() : null;
    try {
      List<URI> urls = server != null ? List.of(server.uri())
          : Arrays.stream(given.split(",")).map(URI::create).toList();
      System.out.println("# propagation " + tag + ": registry " + urls + ", lease TTL " + ttl.toMillis()
          + " ms, events per kind " + events);
      for (int n : watcherCounts) {
        for (String mode : modes) {
          new PropagationHarness.Run(urls, tag, n, mode.trim(), events, ttl).run();
        }
      }
    } finally {
      if (server != null) {
        server.close();
      }
    }
  }

  /** One watcher count, one way of observing. */
  private static final class Run {
    final List<URI> urls;
    final String tag;
    final int watchers;
    final boolean spin;
    final int events;
    final Duration ttl;
    final List<RegistryClient> clients = new ArrayList<>();
    final Map<String, Event> active = new ConcurrentHashMap<>();

    Run(List<URI> urls, String tag, int watchers, String mode, int events, Duration ttl) {
      this.urls = urls;
      this.tag = tag;
      this.watchers = watchers;
      this.spin = switch (mode) {
        case "listener" -> false;
        case "spin" -> true;
        default -> throw new IllegalArgumentException("mode must be listener or spin: " + mode);
      };
      this.events = events;
      this.ttl = ttl;
    }

    void run() throws Exception {
      RegistryClient registrar = client(Duration.ofSeconds(60));
      // A long-lived instance, so that the service is known before any watcher starts.
      registrar.register(instance("anchor", 1));
      for (int w = 0; w < watchers; w++) {
        RegistryClient watcher = client(Duration.ofSeconds(60));
        int index = w;
        watcher.watch(SERVICE, view -> seen(index, view));
        clients.add(watcher);
      }
      Thread spinner = spin ? startSpinner() : null;
      try {
        long[] reg = new long[events];
        long[] dereg = new long[events];
        for (int e = 0; e < events; e++) {
          String id = "r-" + watchers + "-" + e;
          Event up = track(id, true);
          Registration registration = registrar.register(instance(id, 2 + e));
          reg[e] = up.await(System.nanoTime());
          Event down = track(id, false);
          registration.close();
          dereg[e] = down.await(System.nanoTime());
        }
        report("register", reg, events);
        report("deregister", dereg, events);
        if (!spin) {
          crashes();
        }
      } finally {
        if (spinner != null) {
          spinner.interrupt();
          spinner.join();
        }
        for (RegistryClient c : clients) {
          c.close();
        }
        clients.clear();
        registrar.close();
      }
    }

    /** Instances registered by a client that never renews: each lease ends TTL after its registration. */
    void crashes() throws InterruptedException {
      InlineRegistryClient crashing = RegistryClient.builder()
          .registryUris(urls)
          .leaseTtl(ttl).deregisterTimeout(Duration.ofSeconds(10))
          .buildInline();
      // Spread the registrations so that about 25 leases are running out at any time.
      long spacingNanos = Math.max(1, ttl.toNanos() / 25);
      List<Event> pending = new ArrayList<>();
      long[] past = new long[events];
      try {
        long next = System.nanoTime();
        for (int e = 0; e < events; e++) {
          while (System.nanoTime() < next) {
            TimeUnit.NANOSECONDS.sleep(Math.min(1_000_000, next - System.nanoTime()));
          }
          next += spacingNanos;
          String id = "c-" + watchers + "-" + e;
          Event gone = track(id, false);
          gone.expectedAbsentOnlyAfterSeen = true;
          crashing.register(instance(id, 10_000 + e));
          gone.start = System.nanoTime() + ttl.toNanos();
          pending.add(gone);
        }
        for (int e = 0; e < events; e++) {
          past[e] = pending.get(e).awaitFrom();
        }
      } finally {
        crashing.close();
      }
      report("crash (past TTL)", past, events);
    }

    RegistryClient client(Duration leaseTtl) {
      RegistryClient c = RegistryClient.builder()
          .registryUris(urls).shutdownHook(false).leaseTtl(leaseTtl).build();
      return c;
    }

    ServiceInstance instance(String id, int port) {
      return ServiceInstance.builder(SERVICE).id(id).address("http://127.0.0.1:" + (20_000 + port % 40_000)).build();
    }

    Event track(String id, boolean present) {
      Event e = new Event(id, present, watchers);
      active.put(id, e);
      return e;
    }

    void seen(int watcher, ServiceView view) {
      if (spin || active.isEmpty()) {
        return;
      }
      long now = System.nanoTime();
      for (Event e : active.values()) {
        e.observe(watcher, contains(view.instances(), e.id), now);
      }
    }

    Thread startSpinner() {
      Thread t = new Thread(() -> {
        while (!Thread.currentThread().isInterrupted()) {
          if (active.isEmpty()) {
            Thread.onSpinWait();
            continue;
          }
          for (int w = 0; w < clients.size(); w++) {
            List<ServiceInstance> instances = clients.get(w).instances(SERVICE);
            long now = System.nanoTime();
            for (Event e : active.values()) {
              e.observe(w, contains(instances, e.id), now);
            }
          }
        }
      }, "propagation-spinner");
      t.setDaemon(true);
      t.start();
      return t;
    }

    void report(String kind, long[] nanos, int count) {
      Stats s = new Stats(nanos, count);
      System.out.printf(Locale.ROOT, "propagation %s watchers=%d observe=%s %-17s %s%n",
          tag, watchers, spin ? "spin" : "listener", kind, s.summaryMillis());
    }

    /** One expected change of one instance, seen by every watcher once. */
    final class Event {
      final String id;
      final boolean present;
      final AtomicIntegerArray seenBy;
      final CountDownLatch all;
      final AtomicLong last = new AtomicLong(Long.MIN_VALUE);
      /** For a crash: absence counts only after the watcher has seen it present. */
      volatile boolean expectedAbsentOnlyAfterSeen;
      final AtomicIntegerArray presentSeen;
      volatile long start;

      Event(String id, boolean present, int watchers) {
        this.id = id;
        this.present = present;
        this.seenBy = new AtomicIntegerArray(watchers);
        this.presentSeen = new AtomicIntegerArray(watchers);
        this.all = new CountDownLatch(watchers);
      }

      void observe(int watcher, boolean contains, long now) {
        if (watcher >= seenBy.length()) {
          return;
        }
        if (contains) {
          presentSeen.set(watcher, 1);
        }
        if (contains != present) {
          return;
        }
        if (expectedAbsentOnlyAfterSeen && presentSeen.get(watcher) == 0) {
          return;
        }
        if (seenBy.compareAndSet(watcher, 0, 1)) {
          last.accumulateAndGet(now, Math::max);
          all.countDown();
        }
      }

      /** Waits until every watcher saw it; the time from {@code from} to the last one (0 if earlier). */
      long await(long from) throws InterruptedException {
        start = from;
        return awaitFrom();
      }

      long awaitFrom() throws InterruptedException {
        if (!all.await(EVENT_TIMEOUT.toMillis() + ttl.toMillis(), TimeUnit.MILLISECONDS)) {
          throw new IllegalStateException("watchers never saw " + (present ? "" : "the end of ") + id
              + ": " + all.getCount() + " of " + watchers + " missing");
        }
        active.remove(id, this);
        return Math.max(0, last.get() - start);
      }
    }
  }

  static boolean contains(List<ServiceInstance> instances, String id) {
    for (int i = 0; i < instances.size(); i++) {
      if (instances.get(i).id().equals(id)) {
        return true;
      }
    }
    return false;
  }
}
