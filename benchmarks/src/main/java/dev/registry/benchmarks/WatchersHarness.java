package dev.registry.benchmarks;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Many watchers: N raw HTTP long-polls ({@code GET /discover/{service}?index=I&wait=120s}) held
 * on a reference server running in another JVM, then one change (a registration): the time
 * until every long-poll has been answered in full, and the server's resident memory with the
 * watchers held. The watchers are non-blocking sockets on one selector thread, so the harness
 * itself costs little.
 *
 * <pre>
 * java -cp ... dev.registry.benchmarks.WatchersHarness --url http://127.0.0.1:5091 --server-pid PID
 *     [--watchers 1000,10000]
 * </pre>
 */
public final class WatchersHarness {
  private static final String SERVICE = "watched-service";
  private static final Pattern INDEX = Pattern.compile("\"index\"\\s*:\\s*(\\d+)");
  private static final Pattern CONTENT_LENGTH = Pattern.compile("(?i)content-length:\\s*(\\d+)");

  private WatchersHarness() {}

  /**
   * Runs the harness.
   *
   * @param args see the class documentation
   * @throws Exception when the server cannot be reached or a watcher is never answered
   */
  public static void main(String[] args) throws Exception {
    Args a = new Args(args);
    URI url = URI.create(a.string("--url", "http://127.0.0.1:5091"));
    long serverPid = Long.parseLong(a.string("--server-pid", "0"));
    int[] measured = a.ints("--watchers", "1000,10000");
    // A first round of 1,000 that is not reported: the server's discover and long-poll paths
    // start cold (interpreted), which would be charged to the first measured round.
    int warmup = a.integer("--warmup-watchers", 1000);
    int[] counts = new int[measured.length + (warmup > 0 ? 1 : 0)];
    if (warmup > 0) {
      counts[0] = warmup;
    }
    System.arraycopy(measured, 0, counts, warmup > 0 ? 1 : 0, measured.length);

    Wire.register(url, SERVICE, "w-0", "http://127.0.0.1:40000", 3600);
    System.out.printf(Locale.ROOT, "watchers server RSS idle: %d MiB%n", rssMiB(serverPid));
    int next = 1;
    for (int round = 0; round < counts.length; round++) {
      int n = counts[round];
      String label = warmup > 0 && round == 0 ? "warm-up " : "";
      long index = index(Wire.get(url, "/discover/" + SERVICE));
      List<Watcher> watchers = new ArrayList<>(n);
      try (Selector selector = Selector.open()) {
        byte[] request = ("GET /discover/" + SERVICE + "?index=" + index + "&wait=120s HTTP/1.1\r\nHost: "
            + url.getHost() + ":" + url.getPort() + "\r\nAccept: application/json\r\n\r\n")
            .getBytes(StandardCharsets.ISO_8859_1);
        long openStart = System.nanoTime();
        for (int i = 0; i < n; i++) {
          SocketChannel channel = SocketChannel.open(new InetSocketAddress(url.getHost(), url.getPort()));
          channel.configureBlocking(false);
          Watcher w = new Watcher(channel);
          ByteBuffer out = ByteBuffer.wrap(request);
          while (out.hasRemaining()) {
            channel.write(out);
          }
          channel.register(selector, SelectionKey.OP_READ, w);
          watchers.add(w);
        }
        long opened = System.nanoTime() - openStart;
        // Let the server park the last requests sent. (A request not parked yet when the change
        // comes is answered at once with the new view, so this only keeps the measurement fair.)
        TimeUnit.SECONDS.sleep(2);
        int early = drain(selector, 0);
        long rss = rssMiB(serverPid);

        long t0 = System.nanoTime();
        Wire.register(url, SERVICE, "w-" + next, "http://127.0.0.1:" + (40_000 + next), 3600);
        next++;
        long registered = System.nanoTime();
        int answered = early;
        long deadline = t0 + TimeUnit.SECONDS.toNanos(60);
        while (answered < n && System.nanoTime() < deadline) {
          answered += drain(selector, 100);
        }
        if (answered < n) {
          throw new IllegalStateException(answered + " of " + n + " watchers answered within 60 s");
        }
        long[] arrivals = new long[n];
        int k = 0;
        for (Watcher w : watchers) {
          arrivals[k++] = Math.max(0, w.doneAt - t0);
        }
        Stats s = new Stats(arrivals, n);
        System.out.printf(Locale.ROOT,
            "watchers %s%d: opened in %s ms; server RSS with them held: %d MiB; answered before the change: %d;"
                + " register took %s ms; change reached all in %s ms (p50 %s ms, p99 %s ms)%n",
            label, n, Stats.millis(opened), rss, early, Stats.millis(registered - t0), Stats.millis(s.max()),
            Stats.millis(s.percentile(50)), Stats.millis(s.percentile(99)));
      } finally {
        for (Watcher w : watchers) {
          w.channel.close();
        }
      }
    }
    System.out.printf(Locale.ROOT, "watchers server RSS after: %d MiB%n", rssMiB(serverPid));
  }

  /** Reads what is ready; returns how many watchers finished their answer. */
  private static int drain(Selector selector, long timeoutMillis) throws IOException {
    int done = 0;
    if ((timeoutMillis == 0 ? selector.selectNow() : selector.select(timeoutMillis)) == 0) {
      return 0;
    }
    Iterator<SelectionKey> it = selector.selectedKeys().iterator();
    while (it.hasNext()) {
      SelectionKey key = it.next();
      it.remove();
      Watcher w = (Watcher) key.attachment();
      if (w.read()) {
        key.cancel();
        done++;
      }
    }
    return done;
  }

  private static long index(String discoverBody) {
    Matcher m = INDEX.matcher(discoverBody);
    if (!m.find()) {
      throw new IllegalStateException("no index in " + discoverBody);
    }
    return Long.parseLong(m.group(1));
  }

  /** The resident set of a process, from /proc; -1 when unknown. */
  static long rssMiB(long pid) throws IOException {
    if (pid <= 0) {
      return -1;
    }
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
      }
    }
    return -1;
  }

  /** One long-poll connection and the answer read so far. */
  private static final class Watcher {
    final SocketChannel channel;
    final ByteBuffer in = ByteBuffer.allocate(4096);
    int headerEnd = -1;
    int contentLength = -1;
    long doneAt;

    Watcher(SocketChannel channel) {
      this.channel = channel;
    }

    /** Returns true once the whole answer is in. */
    boolean read() throws IOException {
      if (channel.read(in) < 0) {
        throw new IOException("the server closed a long-poll");
      }
      if (headerEnd < 0) {
        String text = new String(in.array(), 0, in.position(), StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        if (end < 0) {
          return false;
        }
        headerEnd = end + 4;
        Matcher m = CONTENT_LENGTH.matcher(text.substring(0, end));
        contentLength = m.find() ? Integer.parseInt(m.group(1)) : 0;
      }
      if (in.position() - headerEnd >= contentLength) {
        doneAt = System.nanoTime();
        return true;
      }
      return false;
    }
  }
}
