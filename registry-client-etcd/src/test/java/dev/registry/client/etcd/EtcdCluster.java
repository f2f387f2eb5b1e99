package dev.registry.client.etcd;

import static org.awaitility.Awaitility.await;

import dev.registry.server.TestCertificates;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.awaitility.core.ConditionTimeoutException;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real etcd cluster for tests: {@code /usr/bin/etcd} (Debian's {@code etcd-server}) members as
 * child processes on 127.0.0.1, on free ports, each in a temporary data directory (on
 * {@code /dev/shm} when there is one, so that fsync costs nothing).
 *
 * <p>Used as a JUnit extension ({@code @RegisterExtension static final EtcdCluster etcd =
 * EtcdCluster.members(3);}) it starts before the class's first test and ends after its last; or
 * started and closed by hand. Members can be killed with SIGKILL and restarted on the same ports
 * and data, and the leader is read from {@code /v3/maintenance/status}.
 *
 * <p>No etcd outlives the test JVM: {@link #close()} kills every member; a shutdown hook kills
 * whatever is still running when the JVM ends; and each member runs under {@code setpriv
 * --pdeathsig KILL}, so the kernel kills it if the JVM itself is killed. Members are started from
 * one long-lived daemon thread because the parent-death signal fires when the thread that
 * started the process ends, not the process.
 */
public final class EtcdCluster implements BeforeAllCallback, AfterAllCallback, AutoCloseable {
  /** The etcd binary, Debian's {@code etcd-server}. */
  public static final Path ETCD = Path.of("/usr/bin/etcd");
  private static final Path SETPRIV = Path.of("/usr/bin/setpriv");
  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
  private static final Pattern LEADER = Pattern.compile("\"leader\":\"(\\d+)\"");
  private static final Pattern MEMBER_ID = Pattern.compile("\"member_id\":\"(\\d+)\"");

  private static final Set<Process> RUNNING = ConcurrentHashMap.newKeySet();
  private static final Set<Path> DIRECTORIES = ConcurrentHashMap.newKeySet();
  private static final ExecutorService LAUNCHER = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "etcd-launcher");
    t.setDaemon(true);
    return t;
  });

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      RUNNING.forEach(Process::destroyForcibly);
      DIRECTORIES.forEach(EtcdCluster::deleteQuietly);
    }, "etcd-cleanup"));
  }

  private final int size;
  private final List<String> extraFlags;
  private final @Nullable TestCertificates tls;
  private final HttpClient http;
  private final List<Member> members = new ArrayList<>();
  private Path directory;

  private EtcdCluster(int size, List<String> extraFlags, @Nullable TestCertificates tls) {
    this.size = size;
    this.extraFlags = List.copyOf(extraFlags);
    this.tls = tls;
    HttpClient.Builder http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2));
    if (tls != null) {
      http.sslContext(tls.trustingContext());
    }
    this.http = http.build();
  }

  /**
   * A cluster of {@code size} members, not started.
   *
   * @param size 1 or more
   * @return the cluster
   */
  public static EtcdCluster members(int size) {
    if (size < 1) {
      throw new IllegalArgumentException("size must be >= 1: " + size);
    }
    return new EtcdCluster(size, List.of(), null);
  }

  /**
   * A cluster like this one whose members also get {@code flags} (for example
   * {@code --auth-token-ttl 1}).
   *
   * @param flags etcd command line flags
   * @return a new cluster, not started
   */
  public EtcdCluster withFlags(String... flags) {
    List<String> all = new ArrayList<>(extraFlags);
    all.addAll(List.of(flags));
    return new EtcdCluster(size, all, tls);
  }

  /**
   * A cluster like this one whose members serve clients over TLS only, with the certificate of
   * {@code certificates} (for 127.0.0.1 and localhost); its gateway URLs are {@code https}.
   *
   * @param certificates the members' certificate and key
   * @return a new cluster, not started
   */
  public EtcdCluster withTls(TestCertificates certificates) {
    try {
      Path key = certificates.keyStore.resolveSibling("server.key");
      KeyStore store = KeyStore.getInstance("PKCS12");
      try (var in = Files.newInputStream(certificates.keyStore)) {
        store.load(in, TestCertificates.PASSWORD.toCharArray());
      }
      byte[] pkcs8 = store.getKey("registry", TestCertificates.PASSWORD.toCharArray()).getEncoded();
      Files.writeString(key, "-----BEGIN PRIVATE KEY-----\n"
          + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(pkcs8)
          + "\n-----END PRIVATE KEY-----\n");
      List<String> all = new ArrayList<>(extraFlags);
      all.addAll(List.of("--cert-file", certificates.certificatePem.toString(), "--key-file", key.toString()));
      return new EtcdCluster(size, all, certificates);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Turns etcd's authentication on: a {@code root} user with {@code rootPassword}, and
   * {@code user} with {@code password} and a role that may read and write every key.
   *
   * @param rootPassword the password of root
   * @param user the application's user
   * @param password its password
   */
  public void enableAuth(String rootPassword, String user, String password) {
    String all = "\"AA==\""; // key "\0" to range end "\0": every key
    call("/v3/auth/user/add", "{\"name\":\"root\",\"password\":\"" + rootPassword + "\"}");
    call("/v3/auth/user/grant", "{\"user\":\"root\",\"role\":\"root\"}");
    call("/v3/auth/role/add", "{\"name\":\"app\"}");
    call("/v3/auth/role/grant", "{\"name\":\"app\",\"perm\":{\"permType\":\"READWRITE\",\"key\":" + all
        + ",\"range_end\":" + all + "}}");
    call("/v3/auth/user/add", "{\"name\":\"" + user + "\",\"password\":\"" + password + "\"}");
    call("/v3/auth/user/grant", "{\"user\":\"" + user + "\",\"role\":\"app\"}");
    call("/v3/auth/enable", "{}");
  }

  private void call(String path, String body) {
    HttpRequest request = HttpRequest.newBuilder(URI.create(leader().clientUrl() + path))
        .timeout(Duration.ofSeconds(5)).POST(HttpRequest.BodyPublishers.ofString(body)).build();
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IllegalStateException(path + " answered " + response.statusCode() + ": " + response.body());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * Starts every member and waits until the cluster has a leader and every member answers.
   *
   * @return this cluster
   */
  public EtcdCluster start() {
    try {
      directory = Files.createTempDirectory(dataRoot(), "etcd-test-");
      DIRECTORIES.add(directory);
      String token = "test-" + UUID.randomUUID();
      Set<Integer> taken = new HashSet<>();
      List<int[]> ports = new ArrayList<>();
      for (int i = 0; i < size; i++) {
        ports.add(new int[] {freePort(taken), freePort(taken)});
      }
      StringBuilder initialCluster = new StringBuilder();
      for (int i = 0; i < size; i++) {
        initialCluster.append(i == 0 ? "" : ",").append("m").append(i)
            .append("=http://127.0.0.1:").append(ports.get(i)[1]);
      }
      for (int i = 0; i < size; i++) {
        members.add(new Member("m" + i, ports.get(i)[0], ports.get(i)[1],
            directory.resolve("m" + i), token, initialCluster.toString()));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    members.forEach(Member::launch);
    awaitReady();
    return this;
  }

  /** Starts the cluster before the test class's first test. */
  @Override
  public void beforeAll(ExtensionContext context) {
    start();
  }

  /** Ends the cluster after the test class's last test. */
  @Override
  public void afterAll(ExtensionContext context) {
    close();
  }

  /**
   * Returns the members, in the order of {@link #clientUrls}.
   *
   * @return the members
   */
  public List<Member> members() {
    return List.copyOf(members);
  }

  /**
   * Returns the client URLs of every member, with {@code scheme} (for example {@code etcd}).
   *
   * @param scheme the scheme to write
   * @return one URL per member
   */
  public List<URI> clientUrls(String scheme) {
    return members.stream().map(m -> m.clientUrl(scheme)).toList();
  }

  /**
   * Returns the client URLs of every member, as HTTP URLs of its JSON gateway.
   *
   * @return one URL per member
   */
  public List<URI> clientUrls() {
    return clientUrls(tls == null ? "http" : "https");
  }

  /**
   * Returns the member that leads, as the first running member that answers says.
   *
   * @return the leader
   * @throws IllegalStateException if no running member knows a leader
   */
  public Member leader() {
    return currentLeader().orElseThrow(() -> new IllegalStateException("no leader among " + members));
  }

  /**
   * Returns the member that leads now, if a running member knows one.
   *
   * @return the leader, or empty while there is none (an election, a lost quorum)
   */
  public Optional<Member> currentLeader() {
    for (Member m : running()) {
      Optional<String> status = m.status();
      if (status.isEmpty()) {
        continue;
      }
      Matcher leader = LEADER.matcher(status.get());
      if (leader.find() && !leader.group(1).equals("0")) {
        for (Member candidate : running()) {
          if (candidate.id().filter(leader.group(1)::equals).isPresent()) {
            return Optional.of(candidate);
          }
        }
      }
    }
    return Optional.empty();
  }

  /**
   * Returns a running member that does not lead.
   *
   * @return a follower
   * @throws IllegalStateException if there is none
   */
  public Member follower() {
    Member leader = leader();
    return running().stream().filter(m -> m != leader).findFirst()
        .orElseThrow(() -> new IllegalStateException("no follower among " + members));
  }

  /** Kills every member with SIGKILL: the whole cluster down, data kept. */
  public void killAll() {
    members.forEach(Member::kill);
  }

  /** Starts every member that is not running, and waits until the cluster has a leader. */
  public void restartAll() {
    members.stream().filter(m -> !m.isRunning()).forEach(Member::launch);
    awaitReady();
  }

  /**
   * Kills every member, deletes their data, and starts them again on the same ports and names:
   * a cluster that lost everything, at the same addresses.
   */
  public void wipeAndRestartAll() {
    killAll();
    members.forEach(m -> deleteQuietly(m.dataDir));
    restartAll();
  }

  /** Kills every member and deletes the data. Idempotent. */
  @Override
  public void close() {
    members.forEach(Member::kill);
    if (directory != null) {
      deleteQuietly(directory);
      DIRECTORIES.remove(directory);
    }
  }

  @Override
  public String toString() {
    return "EtcdCluster" + members;
  }

  private List<Member> running() {
    return members.stream().filter(Member::isRunning).toList();
  }

  private void awaitReady() {
    try {
      await().atMost(START_TIMEOUT).pollInterval(Duration.ofMillis(20)).until(() -> {
        for (Member m : members) {
          if (m.process != null && !m.process.isAlive()) {
            throw new IllegalStateException(m.name + " exited " + m.process.exitValue() + ": " + m.logTail());
          }
        }
        return running().stream().allMatch(m -> m.status().isPresent()) && currentLeader().isPresent();
      });
    } catch (ConditionTimeoutException e) {
      throw new IllegalStateException("etcd not ready in " + START_TIMEOUT + ": "
          + members.stream().map(m -> m.name + ": " + m.logTail()).toList(), e);
    }
  }

  /** One etcd member: its ports, its data and, while it runs, its process. */
  public final class Member {
    private final String name;
    private final int clientPort;
    private final int peerPort;
    private final Path dataDir;
    private final Path log;
    private final List<String> command;
    private volatile Process process;

    private Member(String name, int clientPort, int peerPort, Path dataDir, String token, String initialCluster) {
      this.name = name;
      this.clientPort = clientPort;
      this.peerPort = peerPort;
      this.dataDir = dataDir;
      this.log = dataDir.resolveSibling(name + ".log");
      String client = (tls == null ? "http" : "https") + "://127.0.0.1:" + clientPort;
      String peer = "http://127.0.0.1:" + peerPort;
      List<String> c = new ArrayList<>();
      if (Files.isExecutable(SETPRIV)) {
        c.addAll(List.of(SETPRIV.toString(), "--pdeathsig", "KILL"));
      }
      c.addAll(List.of(ETCD.toString(),
          "--name", name,
          "--data-dir", dataDir.toString(),
          "--listen-client-urls", client, "--advertise-client-urls", client,
          "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer,
          "--initial-cluster", initialCluster,
          "--initial-cluster-token", token,
          "--initial-cluster-state", "new",
          // Loopback: elections in half a second rather than etcd's default second.
          "--heartbeat-interval", "50", "--election-timeout", "500",
          "--logger", "zap", "--log-level", "warn"));
      c.addAll(extraFlags);
      this.command = List.copyOf(c);
    }

    /**
     * Returns the member's name ({@code m0}, {@code m1}, ...).
     *
     * @return the name
     */
    public String name() {
      return name;
    }

    /**
     * Returns the member's client URL with {@code scheme}.
     *
     * @param scheme the scheme to write
     * @return {@code scheme://127.0.0.1:port}
     */
    public URI clientUrl(String scheme) {
      return URI.create(scheme + "://127.0.0.1:" + clientPort);
    }

    /**
     * Returns the member's client URL, of its JSON gateway.
     *
     * @return {@code http://127.0.0.1:port}
     */
    public URI clientUrl() {
      return clientUrl(tls == null ? "http" : "https");
    }

    /**
     * Whether the member's process runs.
     *
     * @return whether it runs
     */
    public boolean isRunning() {
      Process p = process;
      return p != null && p.isAlive();
    }

    /**
     * Returns the pid of the member's process.
     *
     * @return the pid
     * @throws IllegalStateException if it does not run
     */
    public long pid() {
      Process p = process;
      if (p == null || !p.isAlive()) {
        throw new IllegalStateException(name + " is not running");
      }
      return p.pid();
    }

    /** Kills the member with SIGKILL and waits for it to end; its data stays. Idempotent. */
    public void kill() {
      Process p = process;
      if (p == null) {
        return;
      }
      p.destroyForcibly();
      try {
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
          throw new IllegalStateException(name + " did not die");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while killing " + name, e);
      }
      RUNNING.remove(p);
      process = null;
    }

    /** Starts the member again on its ports and data, and waits until the cluster has a leader. */
    public void restart() {
      if (isRunning()) {
        throw new IllegalStateException(name + " is running");
      }
      launch();
      awaitReady();
    }

    private void launch() {
      Future<Process> started = LAUNCHER.submit(() -> new ProcessBuilder(command)
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
          .start());
      try {
        process = started.get(10, TimeUnit.SECONDS);
        RUNNING.add(process);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while starting " + name, e);
      } catch (ExecutionException | TimeoutException e) {
        throw new IllegalStateException("could not start " + command, e);
      }
    }

    /** The member's answer to {@code /v3/maintenance/status}, empty when it does not answer. */
    Optional<String> status() {
      if (!isRunning()) {
        return Optional.empty();
      }
      HttpRequest request = HttpRequest.newBuilder(URI.create(clientUrl() + "/v3/maintenance/status"))
          .timeout(Duration.ofSeconds(2))
          .POST(HttpRequest.BodyPublishers.ofString("{}"))
          .build();
      try {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        return response.statusCode() == 200 ? Optional.of(response.body()) : Optional.empty();
      } catch (IOException e) {
        return Optional.empty();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return Optional.empty();
      }
    }

    /** The member's id, as its status answers it. */
    Optional<String> id() {
      return status().map(MEMBER_ID::matcher).filter(Matcher::find).map(m -> m.group(1));
    }

    private String logTail() {
      try {
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 10), lines.size()));
      } catch (IOException e) {
        return "(no log: " + e.getMessage() + ")";
      }
    }

    @Override
    public String toString() {
      return name + "@" + clientPort + (isRunning() ? "" : " (down)");
    }
  }

  private static Path dataRoot() {
    Path shm = Path.of("/dev/shm");
    return Files.isDirectory(shm) && Files.isWritable(shm) ? shm : Path.of(System.getProperty("java.io.tmpdir"));
  }

  /** A port free now on 127.0.0.1; etcd binds it a moment later. */
  private static int freePort(Set<Integer> taken) throws IOException {
    while (true) {
      try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        if (taken.add(socket.getLocalPort())) {
          return socket.getLocalPort();
        }
      }
    }
  }

  private static void deleteQuietly(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      // best effort: a temporary directory
    }
  }
}
