package dev.registry.server;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;
import org.eclipse.jetty.util.thread.Scheduler;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reference registry server, embeddable: an in-memory registry with TTL leases and a
 * long-poll watch behind the REST API of {@code docs/api.md}.
 *
 * <pre>{@code
 * try (RegistryServer server = RegistryServer.builder().port(0).build().start()) {
 *   URI registry = server.uri();   // http://127.0.0.1:<port>
 *   ...
 * }
 * }</pre>
 *
 * <p>Construction does no I/O and starts no thread; {@link #start()} binds and starts the
 * server's named daemon threads; {@link #close()} stops them. Time comes from the builder's
 * {@link Clock}, so tests advance a fake clock and call {@link #sweep()} to expire leases.
 *
 * <p>Thread-safe.
 */
public final class RegistryServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RegistryServer.class);
  /** The wait beyond a lease's end before the expiry timer runs, so that nearby ends share a run. */
  private static final long EXPIRY_SLACK_MILLIS = 20;
  private static final long STOP_TIMEOUT_MILLIS = 5_000;
  /** The listen backlog; the kernel caps it at net.core.somaxconn (4096 on most Linux). */
  private static final int ACCEPT_QUEUE_SIZE = 4096;

  private final String host;
  private final int requestedPort;
  private final Duration heartbeatTimeout;
  private final Duration cleanupInterval;
  private final Clock clock;
  private final Limits limits;
  private final WriteAccess access;
  private final boolean insecure;
  private final boolean tls;
  private final java.nio.file.@Nullable Path keyStore;
  private final @Nullable String keyStorePassword;
  private final Registry registry;
  private final Configurations configurations;
  private final @Nullable ServerMetrics metrics;
  private final java.nio.file.@Nullable Path dataDirectory;
  /** The open data directory, from {@link #start()} to {@link #close()}; null without one. */
  private volatile @Nullable DataDirectory data;
  private volatile WriteBarrier saved = WriteBarrier.NONE;
  /** Saves each change in the data directory, from {@link #start()}; NONE without one. */
  private Journal storeJournal = Journal.NONE;
  private final boolean healthChecks;
  private final boolean denyLinkLocal;
  /** Runs the health checks, from {@link #start()} to {@link #close()}; null without them. */
  private volatile @Nullable HealthChecker checker;
  private final Server server;
  private final ServerConnector connector;
  private final Scheduler scheduler;
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();

  private final Object timerLock = new Object();
  private Scheduler.@Nullable Task expiryTask;
  private long expiryTaskAt = Long.MAX_VALUE;
  private Scheduler.@Nullable Task cleanupTask;

  /** The size of a request buffer (Jetty's default is 8 KiB); see UnpooledRequestBuffers. */
  static final int REQUEST_BUFFER_BYTES = 2048;

  private RegistryServer(Builder b) {
    this.host = b.host;
    this.requestedPort = b.port;
    this.heartbeatTimeout = b.heartbeatTimeout;
    this.cleanupInterval = b.cleanupInterval;
    this.clock = b.clock;
    this.limits = b.limits;
    this.access = new WriteAccess(b.token == null ? null : new SharedToken(b.token),
        b.operatorToken == null ? null : new SharedToken(b.operatorToken));
    this.insecure = b.insecure;
    this.registry = new Registry(clock, this::scheduleExpiry, limits, access.secured());
    this.configurations = new Configurations(clock, limits, registry.epoch);
    this.metrics = b.metrics ? new ServerMetrics(registry) : null;
    RegistryListener log = new RegistryLog();
    registry.listener(metrics == null ? log : log.andThen(metrics));
    this.dataDirectory = b.dataDirectory;
    this.healthChecks = b.healthChecks;
    this.denyLinkLocal = b.denyLinkLocal;

    QueuedThreadPool threads = new QueuedThreadPool(64, 4);
    threads.setName("registry-http");
    threads.setDaemon(true);
    this.scheduler = new ScheduledExecutorScheduler("registry-scheduler", true);
    // Request buffers are never pooled: see UnpooledRequestBuffers (a Jetty buffer reuse bug).
    this.server = new Server(threads, scheduler, new UnpooledRequestBuffers());
    server.setStopTimeout(STOP_TIMEOUT_MILLIS);
    server.setStopAtShutdown(false);

    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    http.setSendXPoweredBy(false);
    // Heap buffers for reading requests, which UnpooledRequestBuffers never pools; direct,
    // pooled buffers for writing answers.
    http.setUseInputDirectByteBuffers(false);
    http.setUseOutputDirectByteBuffers(true);
    // A new request buffer per read: small, since the registry's requests are (a heartbeat is
    // about 300 bytes with its headers). Larger ones are parsed over several reads; Jetty's
    // limits on headers and bodies are separate settings and unchanged.
    http.setInputBufferSize(REQUEST_BUFFER_BYTES);
    this.tls = b.keyStore != null;
    this.keyStore = b.keyStore;
    this.keyStorePassword = b.keyStorePassword;
    if (tls) {
      SslContextFactory.Server ssl = new SslContextFactory.Server();
      ssl.setKeyStorePath(b.keyStore.toAbsolutePath().toString());
      ssl.setKeyStoreType("PKCS12");
      ssl.setKeyStorePassword(b.keyStorePassword);
      this.connector = new ServerConnector(server,
          new SslConnectionFactory(ssl, HttpVersion.HTTP_1_1.asString()), new HttpConnectionFactory(http));
    } else {
      this.connector = new ServerConnector(server, new HttpConnectionFactory(http));
    }
    connector.setHost(host);
    connector.setPort(requestedPort);
    // On stop, kept-alive idle connections get this long to close (Jetty's default is 1 s);
    // held long-polls have been answered by then.
    connector.setShutdownIdleTimeout(100);
    // Jetty's default backlog (the JDK's 50) overflows when many clients connect at once (a
    // restart, thousands of watchers): the kernel drops SYNs, and each costs a 1 s retransmit.
    connector.setAcceptQueueSize(ACCEPT_QUEUE_SIZE);
    server.addConnector(connector);

    server.setErrorHandler(new JsonErrorHandler());
    RegistryHandler handler =
        new RegistryHandler(registry, configurations, clock, heartbeatTimeout, scheduler, threads, limits, access,
            b.denyLinkLocal, (onSaved, onFailed) -> saved.afterSaved(onSaved, onFailed));
    registry.waker(handler::wake);
    configurations.waker(handler::wake);
    Handler routes = metrics == null ? handler : new Handler.Sequence(new MetricsRoute(metrics), handler);
    server.setHandler(new RequestObserver(new GracefulHandler(new Dashboard(routes)), metrics, b.slowRequestThreshold));
  }

  /**
   * A builder with the defaults of the runnable jar: {@code 127.0.0.1:5001}, a 30 s heartbeat
   * timeout, a 10 s cleanup interval and the system UTC clock.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Binds the port and starts serving.
   *
   * @return this server
   * @throws UncheckedIOException when the address cannot be bound (in use, not local)
   * @throws IllegalStateException when already started or closed, when asked to listen on
   *     an address other than loopback without a token and without {@link Builder#insecure},
   *     when the TLS key store cannot be read, or when the {@link Builder#dataDirectory} cannot
   *     be used (the message names the path)
   */
  public RegistryServer start() {
    if (closed.get()) {
      throw new IllegalStateException("the registry server is closed");
    }
    if (!access.secured() && !insecure && !isLoopback(host)) {
      throw new IllegalStateException("refusing to listen on " + host + " without a token: anyone who"
          + " reaches it could register, renew and remove instances. Set a token (--token or"
          + " REGISTRY_TOKEN), or accept an open registry explicitly with --insecure");
    }
    if (keyStore != null && !started.get()) {
      checkKeyStore(keyStore, keyStorePassword);
    }
    if (!started.compareAndSet(false, true)) {
      throw new IllegalStateException("the registry server is already started");
    }
    if (dataDirectory != null) {
      openDataDirectory(dataDirectory);
    }
    if (healthChecks) {
      HealthChecker running = HealthChecker.start(registry, denyLinkLocal);
      checker = running;
      registry.journal(Journal.both(storeJournal, running));
    } else {
      registry.journal(storeJournal);
    }
    try {
      server.start();
    } catch (IOException e) {
      stopQuietly();
      throw new UncheckedIOException("cannot bind " + host + ":" + requestedPort + ": " + e.getMessage(), e);
    } catch (Exception e) {
      stopQuietly();
      if (e.getCause() instanceof IOException io) {
        throw new UncheckedIOException("cannot bind " + host + ":" + requestedPort + ": " + io.getMessage(), io);
      }
      throw new IllegalStateException("cannot start the registry server: " + e, e);
    }
    scheduleCleanup();
    if (metrics != null) {
      metrics.bindJvm();
    }
    LOG.atInfo().addKeyValue("event", "server_started").addKeyValue("uri", uri())
        .log("Registry server listening on {} (heartbeat timeout {}, cleanup interval {}{}{})",
        uri(), DurationText.format(heartbeatTimeout), DurationText.format(cleanupInterval),
        access.secured() ? ", writes need the token" : "",
        dataDirectory != null ? ", data in " + dataDirectory.toAbsolutePath() : ", data in memory only");
    return this;
  }

  /**
   * The bound port: the one asked for, or the ephemeral one chosen when {@code port(0)} was given.
   *
   * @return the local port
   * @throws IllegalStateException before {@link #start()}
   */
  public int port() {
    if (!started.get()) {
      throw new IllegalStateException("the registry server is not started");
    }
    return connector.getLocalPort();
  }

  /**
   * The base URI clients use, like {@code http://127.0.0.1:5001} ({@code https://} with {@link
   * Builder#tls}).
   *
   * @return the server's base URI
   * @throws IllegalStateException before {@link #start()}
   */
  public URI uri() {
    String h = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    return URI.create((tls ? "https://" : "http://") + h + ":" + port());
  }

  /**
   * Runs expiry now, exactly as the timers do: removes every instance whose lease has ended by
   * the clock, wakes the long-polls watching them, and forgets empty services nobody watches.
   * Tests advance a fake clock and call this.
   */
  public void sweep() {
    registry.sweep();
  }

  /**
   * Stops gracefully: answers every held long-poll with its current view, stops accepting,
   * waits (at most 5 s) for answers in flight, and stops the server's threads. Idempotent; a
   * server never started is only marked closed.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    synchronized (timerLock) {
      cancel(expiryTask);
      cancel(cleanupTask);
      expiryTask = null;
      cleanupTask = null;
    }
    registry.close();
    configurations.close();
    HealthChecker running = checker;
    if (running != null) {
      running.close();
    }
    if (started.get()) {
      stopQuietly();
      DataDirectory opened = data;
      if (opened != null) {
        opened.close();
      }
      LOG.atInfo().addKeyValue("event", "server_stopped").log("Registry server stopped");
    }
    if (metrics != null) {
      metrics.close();
    }
  }

  /**
   * Opens the data directory, puts its instances back (each with a lease of its own length from
   * now) and saves every change from now on. @throws IllegalStateException naming the path
   */
  private void openDataDirectory(java.nio.file.Path directory) {
    DataDirectory opened;
    try {
      opened = DataDirectory.open(directory);
    } catch (IllegalStateException e) {
      refuseStart();
      throw e;
    }
    try {
      java.util.List<Instance> instances = InstanceStore.load(opened, clock);
      registry.restore(instances);
      ConfigStore.Saved config = ConfigStore.load(opened);
      configurations.restore(config.entries(), config.history());
      GroupCommit commits = opened.startWriting(server.getThreadPool());
      storeJournal = new InstanceStore(commits);
      configurations.journal(new ConfigStore(commits));
      saved = commits;
      data = opened;
      LOG.info("Data directory {}: {} instances restored, each with a lease of its length from now;"
          + " the configuration of {} services, at index {}", directory.toAbsolutePath(), instances.size(),
          config.history().size(), configurations.revision());
    } catch (RuntimeException e) {
      opened.close();
      refuseStart();
      throw e;
    }
  }

  /** After a failed start: nothing was bound, and the server cannot be started again. */
  private void refuseStart() {
    closed.set(true);
    started.set(false);
  }

  /** Reads the key store as Jetty will, so that a bad one fails with its own message. */
  private static void checkKeyStore(java.nio.file.Path path, @Nullable String password) {
    try (var in = java.nio.file.Files.newInputStream(path)) {
      java.security.KeyStore store = java.security.KeyStore.getInstance("PKCS12");
      store.load(in, password == null ? null : password.toCharArray());
      boolean hasKey = false;
      for (var aliases = store.aliases(); aliases.hasMoreElements(); ) {
        hasKey |= store.isKeyEntry(aliases.nextElement());
      }
      if (!hasKey) {
        throw new IllegalStateException("the TLS key store " + path + " holds no private key");
      }
    } catch (IOException | java.security.GeneralSecurityException e) {
      throw new IllegalStateException("cannot read the TLS key store " + path + ": " + e.getMessage(), e);
    }
  }

  /** Whether every address {@code host} names is a loopback one (a name is resolved). */
  static boolean isLoopback(String host) {
    String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    try {
      java.net.InetAddress[] all = java.net.InetAddress.getAllByName(h);
      for (java.net.InetAddress a : all) {
        if (!a.isLoopbackAddress()) {
          return false;
        }
      }
      return all.length > 0;
    } catch (java.net.UnknownHostException e) {
      return false;
    }
  }

  /** The health checker, null without {@link Builder#healthChecks}; for tests in this package. */
  @Nullable HealthChecker healthChecker() {
    return checker;
  }

  /** The registry behind the HTTP layer; for tests in this package. */
  Registry registry() {
    return registry;
  }

  /** The configuration behind the HTTP layer; for tests in this package. */
  Configurations configurations() {
    return configurations;
  }

  private void stopQuietly() {
    try {
      server.stop();
    } catch (Exception e) {
      LOG.warn("Registry server did not stop cleanly: {}", e.toString());
    }
  }

  /** Called by the registry, under its lock, when the earliest lease end is (re)computed. */
  private void scheduleExpiry(long at) {
    synchronized (timerLock) {
      if (closed.get() || !started.get() || at == Long.MAX_VALUE) {
        return;
      }
      if (expiryTask != null && expiryTaskAt <= at) {
        return;
      }
      cancel(expiryTask);
      long delay = Math.max(0, at - clock.millis()) + EXPIRY_SLACK_MILLIS;
      expiryTaskAt = at;
      expiryTask = scheduler.schedule(this::expiryTimer, delay, TimeUnit.MILLISECONDS);
    }
  }

  private void expiryTimer() {
    synchronized (timerLock) {
      expiryTask = null;
      expiryTaskAt = Long.MAX_VALUE;
    }
    runSweep();
  }

  private void scheduleCleanup() {
    synchronized (timerLock) {
      if (closed.get()) {
        return;
      }
      cleanupTask = scheduler.schedule(() -> {
        runSweep();
        scheduleCleanup();
      }, cleanupInterval.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  private void runSweep() {
    try {
      registry.sweep();
    } catch (RuntimeException e) {
      LOG.error("Registry sweep failed", e);
    }
  }

  private static void cancel(Scheduler.@Nullable Task task) {
    if (task != null) {
      task.cancel();
    }
  }

  /**
   * Configures a {@link RegistryServer}. Each setter checks its argument at once and names the bad
   * value. Not thread-safe; {@link #build()} may be called more than once.
   */
  public static final class Builder {
    private String host = "127.0.0.1";
    private int port = 5001;
    private Duration heartbeatTimeout = Duration.ofSeconds(30);
    private Duration cleanupInterval = Duration.ofSeconds(10);
    private Clock clock = Clock.systemUTC();
    private Limits limits = Limits.DEFAULTS;
    private @Nullable String token;
    private @Nullable String operatorToken;
    private boolean insecure;
    private boolean denyLinkLocal = true;
    private java.nio.file.@Nullable Path dataDirectory;
    private boolean healthChecks;
    private java.nio.file.@Nullable Path keyStore;
    private @Nullable String keyStorePassword;
    private boolean metrics = true;
    private Duration slowRequestThreshold = Duration.ofSeconds(1);

    private Builder() {}

    /**
     * Whether the server keeps metrics and answers {@code GET /metrics} (docs/api.md,
     * "Metrics"); default true. Without, {@code /metrics} is 404 {@code not_found}; request IDs
     * and the log are the same either way.
     *
     * @param metrics false to keep no metrics
     * @return this builder
     */
    public Builder metrics(boolean metrics) {
      this.metrics = metrics;
      return this;
    }

    /**
     * An answer that takes longer than this is logged ({@code request_slow}); default 1 s.
     * Long-polls, which wait by design, never are.
     *
     * @param slowRequestThreshold more than zero
     * @return this builder
     * @throws IllegalArgumentException if not positive
     */
    public Builder slowRequestThreshold(Duration slowRequestThreshold) {
      requireNonNull(slowRequestThreshold, "slowRequestThreshold");
      if (slowRequestThreshold.isNegative() || slowRequestThreshold.isZero()) {
        throw new IllegalArgumentException("slowRequestThreshold must be > 0: " + slowRequestThreshold);
      }
      this.slowRequestThreshold = slowRequestThreshold;
      return this;
    }

    /**
     * Serves HTTPS only, with the key and certificate chain of a PKCS#12 key store. Default:
     * plain HTTP. The store is read when the server starts; {@link RegistryServer#start()}
     * fails with an {@link IllegalStateException} when it cannot be read.
     *
     * @param keyStore a PKCS#12 file holding one private key and its certificate chain
     * @param password the store's password (also the key's)
     * @return this builder
     * @throws IllegalArgumentException if the file is not a readable regular file
     */
    public Builder tls(java.nio.file.Path keyStore, String password) {
      requireNonNull(keyStore, "keyStore");
      requireNonNull(password, "password");
      if (!java.nio.file.Files.isRegularFile(keyStore) || !java.nio.file.Files.isReadable(keyStore)) {
        throw new IllegalArgumentException("keyStore must be a readable file: " + keyStore);
      }
      this.keyStore = keyStore;
      this.keyStorePassword = password;
      return this;
    }

    /**
     * Runs the health checks that registrations ask for (a {@code check} on {@code POST
     * /register}; every MicroReg registration on {@code /RPC2} gets a TCP check every 5 s): the
     * server itself connects to those instances and moves them {@code DOWN} and back {@code UP}.
     * Default false: checks are kept with their instances but not run. The checks use their
     * own few threads, at most 64 at once, and never connect to an address the link-local
     * policy ({@link #denyLinkLocal}) denies, whatever a name resolves to. Off by default because
     * a check is the server connecting out on a client's word (see {@code docs/reliability.md}).
     *
     * @param healthChecks true to run them
     * @return this builder
     */
    public Builder healthChecks(boolean healthChecks) {
      this.healthChecks = healthChecks;
      return this;
    }

    /**
     * Keeps the registry in a directory, so that a restart (even after {@code kill -9}) loses
     * nothing: every registration, status change and deregistration is saved there before it
     * is answered, and on start the server puts the saved instances back, each with a lease of
     * its own length from the restart. Renewals are not saved. Default: none, the registry
     * lives in memory only. The directory is created if missing; {@link RegistryServer#start()}
     * fails, naming the path, when it cannot be used (not a directory, a corrupted database,
     * one another server holds). See {@code docs/reliability.md}.
     *
     * @param dataDirectory the directory; the server keeps one SQLite database in it
     * @return this builder
     */
    public Builder dataDirectory(java.nio.file.Path dataDirectory) {
      this.dataDirectory = requireNonNull(dataDirectory, "dataDirectory");
      return this;
    }

    /**
     * Whether registrations of link-local and cloud metadata addresses are refused (400 {@code
     * address_denied}): IPv4 169.254.0.0/16 in any notation, IPv6 fe80::/10, fd00:ec2::254, and
     * names such as {@code metadata.google.internal}. Other names are not resolved. Default
     * true: a registered address is where gateways and clients send requests, and one of these
     * would send them to the instance metadata service.
     *
     * @param denyLinkLocal false to accept such addresses
     * @return this builder
     */
    public Builder denyLinkLocal(boolean denyLinkLocal) {
      this.denyLinkLocal = denyLinkLocal;
      return this;
    }

    /**
     * A shared token that every write ({@code POST /register}, {@code /heartbeat}, {@code
     * /deregister}, {@code /status}, {@code /config/{service}}) must present as {@code
     * Authorization: Bearer <token>} (or the {@link #operatorToken}); without it, or with another,
     * the answer is 401 {@code unauthorized} and nothing changes. Reads stay open. With a token,
     * heartbeats, status changes and deregistrations must also present the instance's {@code
     * instance_secret}. Default: none (an open registry, which {@link #start()} allows only on a
     * loopback address unless {@link #insecure} is set).
     *
     * @param token 1 to 4096 printable ASCII characters without spaces
     * @return this builder
     * @throws IllegalArgumentException if empty, too long or not printable ASCII
     */
    public Builder token(String token) {
      this.token = SharedToken.check(requireNonNull(token, "token"));
      return this;
    }

    /**
     * The operator's token: it may do every write, as the {@link #token} does, and also change
     * the status of any instance and deregister it without the instance's {@code
     * instance_secret} (what the dashboard needs to steer instances). Configuration writes take
     * either token. Setting it alone makes every write need it. Default: none. Give it from the
     * environment ({@code REGISTRY_OPERATOR_TOKEN} for the jar), never on a command line.
     *
     * @param operatorToken 1 to 4096 printable ASCII characters without spaces
     * @return this builder
     * @throws IllegalArgumentException if empty, too long or not printable ASCII
     */
    public Builder operatorToken(String operatorToken) {
      this.operatorToken = SharedToken.check(requireNonNull(operatorToken, "operatorToken"));
      return this;
    }

    /**
     * Allows an open registry (no {@link #token}) to listen on an address other than loopback.
     * Default false: {@link RegistryServer#start()} refuses to.
     *
     * @param insecure true to allow it
     * @return this builder
     */
    public Builder insecure(boolean insecure) {
      this.insecure = insecure;
      return this;
    }

    /**
     * The largest request body; default 64 KiB. A larger body is answered 413 {@code
     * body_too_large}.
     *
     * @param maxBodyBytes from 1024 to 16 MiB
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder maxBodyBytes(int maxBodyBytes) {
      limits = limits.withMaxBodyBytes(range("maxBodyBytes", maxBodyBytes, 1024, 16 * 1024 * 1024));
      return this;
    }

    /**
     * The most metadata entries one instance may carry; default 64. More is answered 400 {@code
     * invalid_field}.
     *
     * @param maxMetadataEntries from 0 to 10,000
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder maxMetadataEntries(int maxMetadataEntries) {
      limits = limits.withMaxMetadataEntries(range("maxMetadataEntries", maxMetadataEntries, 0, 10_000));
      return this;
    }

    /**
     * The longest metadata key, in characters; default 128. A longer one is answered 400 {@code
     * invalid_field}.
     *
     * @param maxMetadataKeyLength from 1 to 65,536
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder maxMetadataKeyLength(int maxMetadataKeyLength) {
      limits = limits.withMaxMetadataKeyLength(range("maxMetadataKeyLength", maxMetadataKeyLength, 1, 65_536));
      return this;
    }

    /**
     * The longest metadata value, in characters; default 1024. A longer one is answered 400
     * {@code invalid_field}.
     *
     * @param maxMetadataValueLength from 0 to 1 MiB
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder maxMetadataValueLength(int maxMetadataValueLength) {
      limits = limits.withMaxMetadataValueLength(
          range("maxMetadataValueLength", maxMetadataValueLength, 0, 1024 * 1024));
      return this;
    }

    /**
     * The most live instances of one service in one stage; default 10,000. A registration of
     * one more is answered 409 {@code too_many_instances} (re-registering a held instance
     * always works).
     *
     * @param maxInstancesPerService at least 1
     * @return this builder
     * @throws IllegalArgumentException if less than 1
     */
    public Builder maxInstancesPerService(int maxInstancesPerService) {
      limits = limits.withMaxInstancesPerService(
          range("maxInstancesPerService", maxInstancesPerService, 1, Integer.MAX_VALUE));
      return this;
    }

    /**
     * The most services with a live instance, counting a service once per stage; default
     * 10,000. A registration that would add one more is answered 409 {@code too_many_services}.
     * The same bound applies, separately, to the services that have configuration.
     *
     * @param maxServices at least 1
     * @return this builder
     * @throws IllegalArgumentException if less than 1
     */
    public Builder maxServices(int maxServices) {
      limits = limits.withMaxServices(range("maxServices", maxServices, 1, Integer.MAX_VALUE));
      return this;
    }

    /**
     * The most configuration entries of one service, every scope counted; default 1,000. A write
     * that would hold more is answered 409 {@code too_many_entries} and changes nothing.
     *
     * @param maxConfigEntries from 1 to 100,000
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder maxConfigEntries(int maxConfigEntries) {
      limits = limits.withMaxConfigEntries(range("maxConfigEntries", maxConfigEntries, 1, 100_000));
      return this;
    }

    /**
     * The longest configuration value, in characters; default 16,384. A longer one is answered
     * 400 {@code invalid_field} naming its key. A write must also fit {@link #maxBodyBytes}.
     *
     * @param maxConfigValueLength from 1 to 1 MiB
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder maxConfigValueLength(int maxConfigValueLength) {
      limits = limits.withMaxConfigValueLength(range("maxConfigValueLength", maxConfigValueLength, 1, 1024 * 1024));
      return this;
    }

    private static int range(String name, int value, int min, int max) {
      if (value < min || value > max) {
        throw new IllegalArgumentException(name + " must be " + min + " to " + max + ": " + value);
      }
      return value;
    }

    /**
     * The address to bind; default {@code 127.0.0.1}. Use {@code 0.0.0.0} to listen on every
     * interface.
     *
     * @param host a host name or IP literal
     * @return this builder
     * @throws IllegalArgumentException if blank
     */
    public Builder host(String host) {
      requireNonNull(host, "host");
      if (host.isBlank()) {
        throw new IllegalArgumentException("host must not be blank: '" + host + "'");
      }
      this.host = host;
      return this;
    }

    /**
     * The port to bind; default 5001; 0 binds an ephemeral port, read it with {@link
     * RegistryServer#port()}.
     *
     * @param port 0 to 65535
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder port(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port must be 0 to 65535: " + port);
      }
      this.port = port;
      return this;
    }

    /**
     * The lease of an instance whose registration sends no {@code ttl_seconds}; default 30 s.
     *
     * @param heartbeatTimeout more than zero, at most one hour
     * @return this builder
     * @throws IllegalArgumentException if not positive or longer than an hour
     */
    public Builder heartbeatTimeout(Duration heartbeatTimeout) {
      requireNonNull(heartbeatTimeout, "heartbeatTimeout");
      if (heartbeatTimeout.isNegative() || heartbeatTimeout.toMillis() <= 0) {
        throw new IllegalArgumentException("heartbeatTimeout must be > 0: " + heartbeatTimeout);
      }
      if (heartbeatTimeout.compareTo(Duration.ofHours(1)) > 0) {
        throw new IllegalArgumentException("heartbeatTimeout must be at most PT1H: " + heartbeatTimeout);
      }
      this.heartbeatTimeout = heartbeatTimeout;
      return this;
    }

    /**
     * How often the sweep forgets expired instances and empty services; default 10 s. Expiry
     * itself does not wait for it: a timer set to the earliest lease end removes an instance
     * within a second of its lease ending.
     *
     * @param cleanupInterval more than zero
     * @return this builder
     * @throws IllegalArgumentException if not positive
     */
    public Builder cleanupInterval(Duration cleanupInterval) {
      requireNonNull(cleanupInterval, "cleanupInterval");
      if (cleanupInterval.isNegative() || cleanupInterval.toMillis() <= 0) {
        throw new IllegalArgumentException("cleanupInterval must be > 0: " + cleanupInterval);
      }
      this.cleanupInterval = cleanupInterval;
      return this;
    }

    /**
     * The time source of leases and uptimes; default {@link Clock#systemUTC()}. Tests hand in a
     * clock they advance, then call {@link RegistryServer#sweep()}.
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = requireNonNull(clock, "clock");
      return this;
    }

    /**
     * A new server, not yet started.
     *
     * @return the server
     */
    public RegistryServer build() {
      return new RegistryServer(this);
    }
  }
}
