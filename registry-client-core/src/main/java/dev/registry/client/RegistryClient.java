package dev.registry.client;

import static java.util.Objects.requireNonNull;

import dev.registry.client.spi.HttpTransport;
import dev.registry.client.spi.RegistryBackendProvider;
import java.net.URI;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import okhttp3.OkHttpClient;
import org.jspecify.annotations.Nullable;

/**
 * A client of a service registry for a long-running service: registers instances and keeps
 * their leases alive with heartbeats, and looks services up from a local cache that the
 * registry's watch keeps fresh.
 *
 * <pre>{@code
 * try (RegistryClient registry = RegistryClient.builder()
 *     .registryUrls("http://127.0.0.1:5001")
 *     .stage("production")
 *     .build()) {
 *   Registration me = registry.register(ServiceInstance.builder("payment-service")
 *       .address(URI.create("http://10.0.0.5:8080"))
 *       .build());
 *   ServiceInstance target = registry.choose("user-service");
 *   ServiceInstance staging = registry.inStage("staging").choose("user-service");
 * }
 * }</pre>
 *
 * <p><b>Threads.</b> Building a client does no I/O and starts no thread. The first
 * registration or lookup starts one named daemon scheduler thread (unless a scheduler was
 * given to the builder), which sends heartbeats and runs the periodic refresh; the registry's
 * watch runs on the transport's asynchronous machinery, one watch per stage for all the cached
 * services of that stage. For AWS Lambda, where no thread may run between invocations, build an
 * {@link InlineRegistryClient} instead ({@link Builder#buildInline()}).
 *
 * <p><b>Failures.</b> Registry failures throw {@link RegistryException} (unchecked) and its
 * subclasses; misuse throws {@link IllegalArgumentException} or {@link IllegalStateException}.
 * Lookups keep answering from the last good view while the registry is unreachable.
 *
 * <p>Thread-safe. {@link #close()} deregisters everything the client registered.
 */
public final class RegistryClient extends BaseClient {
  private final Object lifecycle = new Object();
  private @Nullable Thread shutdownHook;

  RegistryClient(Settings settings) {
    super(settings, true);
  }

  /**
   * Starts a builder, of this client or of an {@link InlineRegistryClient}.
   *
   * @return a new builder with every default
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Registers an instance and keeps it registered until the returned handle, or this client,
   * is closed: heartbeats renew its lease every heartbeat interval, and a heartbeat the
   * registry no longer knows (it restarted, or the lease ended) registers it again at once.
   * Blocks until the registry has accepted the instance, retrying per the retry policy.
   * Installs the shutdown hook, if enabled, at the first registration.
   *
   * @param instance the instance; a null stage means this client's stage
   * @return the handle of the registration
   * @throws RegistryException if the registry could not be reached or refused the instance
   * @throws IllegalStateException if this client is closed
   */
  public Registration register(ServiceInstance instance) {
    requireNonNull(instance, "instance");
    ensureOpen();
    installShutdownHook();
    return register(instance, true);
  }

  @Override
  public void close() {
    super.close();
    synchronized (lifecycle) {
      Thread hook = shutdownHook;
      if (hook != null && Thread.currentThread() != hook) {
        try {
          Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
          // The JVM is shutting down; the hook runs or ran.
        }
      }
    }
  }

  private void installShutdownHook() {
    if (!ctx.settings.shutdownHook()) {
      return;
    }
    synchronized (lifecycle) {
      if (shutdownHook == null && !ctx.isClosed()) {
        Thread hook = new Thread(this::close, "registry-client-shutdown-" + ctx.id);
        Runtime.getRuntime().addShutdownHook(hook);
        shutdownHook = hook;
      }
    }
  }

  /**
   * Builds a {@link RegistryClient} ({@link #build()}) or an {@link InlineRegistryClient}
   * ({@link #buildInline()}). Each setter checks its argument at once and names the bad value;
   * the build methods check the options against each other. Not thread-safe; reusable.
   */
  public static final class Builder {
    /** The maximum age of {@link #snapshotFile(Path)}: 24 hours. */
    static final Duration DEFAULT_SNAPSHOT_MAX_AGE = Duration.ofHours(24);
    /** The longest maximum age of the snapshot file: 3650 days. */
    static final Duration LONGEST_SNAPSHOT_MAX_AGE = Duration.ofDays(3650);
    /** The largest answer read by default: 8 MiB (docs/reliability.md, "A broken or hostile registry"). */
    static final long DEFAULT_MAX_ANSWER_BYTES = 8L << 20;
    /** The most instances of a view by default: twice the reference server's own limit. */
    static final int DEFAULT_MAX_INSTANCES_PER_VIEW = 20_000;

    private final List<URI> registryUrls = new ArrayList<>();
    private @Nullable RegistryBackendProvider backend;
    private String stage = "default";
    private @Nullable String region;
    private @Nullable String client;
    private Duration leaseTtl = Duration.ofSeconds(15);
    private @Nullable Duration heartbeatInterval;
    private Duration refreshInterval = Duration.ofSeconds(30);
    private Duration idleTimeout = Duration.ofMinutes(10);
    private Duration longPollWait = Duration.ofSeconds(30);
    private Duration requestTimeout = Duration.ofSeconds(5);
    private Duration deregisterTimeout = Duration.ofSeconds(2);
    private RetryPolicy retryPolicy = RetryPolicy.defaults();
    private Clock clock = Clock.systemUTC();
    private @Nullable ScheduledExecutorService scheduler;
    private EventListener eventListener = EventListener.NONE;
    private LoadBalancer loadBalancer = LoadBalancer.roundRobin();
    private boolean shutdownHook = true;
    private @Nullable HttpTransport transport;
    // Typed Object so that loading the builder never loads OkHttp (cold start).
    private @Nullable Object okHttpClient;
    private @Nullable String token;
    private int ejectAfter = 3;
    private Duration ejectionTime = Duration.ofSeconds(30);
    private @Nullable Path snapshotFile;
    private Duration snapshotMaxAge = DEFAULT_SNAPSHOT_MAX_AGE;
    private final List<X509Certificate> trustedCertificates = new ArrayList<>();
    private long maxAnswerBytes = DEFAULT_MAX_ANSWER_BYTES;
    private int maxInstancesPerView = DEFAULT_MAX_INSTANCES_PER_VIEW;
    private boolean allowLinkLocalAddresses;

    Builder() {}

    /**
     * Sets the registry URLs, replacing any set before: the members of one registry. Required.
     * Their scheme picks the backend: {@code http} and {@code https} speak the reference
     * server's wire (the first URL that works is used; after a failure the client moves to the
     * next and stays there while it works); a module on the class path may bring other schemes
     * (see {@link dev.registry.client.spi.RegistryBackendProvider}).
     *
     * @param urls one or more absolute URLs, such as {@code "http://127.0.0.1:5001"}
     * @return this builder
     * @throws IllegalArgumentException if a URL is malformed, no backend serves its scheme (the
     *     message names the schemes served), or the URLs need different backends
     */
    public Builder registryUrls(String... urls) {
      requireNonNull(urls, "urls");
      List<URI> parsed = new ArrayList<>();
      for (String url : urls) {
        parsed.add(Names.parseUri("registry URL", url, "an absolute URI"));
      }
      return registryUris(parsed);
    }

    /**
     * Sets the registry URLs, replacing any set before. Required. Like
     * {@link #registryUrls(String...)}.
     *
     * @param urls one or more absolute URIs
     * @return this builder
     * @throws IllegalArgumentException as {@link #registryUrls(String...)}
     */
    public Builder registryUris(List<URI> urls) {
      requireNonNull(urls, "urls");
      for (URI url : urls) {
        requireNonNull(url, "registry URL");
      }
      backend = Backends.providerFor(urls);
      registryUrls.clear();
      registryUrls.addAll(urls);
      return this;
    }

    /**
     * Sets the default stage of registrations and lookups. Default {@code "default"}, the
     * registry's stage for requests that name none.
     *
     * @param stage the stage name
     * @return this builder
     */
    public Builder stage(String stage) {
      this.stage = Names.checkName("stage", stage);
      return this;
    }

    /**
     * Sets the region this service runs in, for its configuration: entries the registry holds
     * for this region apply to it ({@link ServiceLookup#config(String)}). Default none: only
     * entries for every region apply.
     *
     * @param region the region name, such as {@code eu-west-1}
     * @return this builder
     * @throws IllegalArgumentException if the name breaks the naming rule
     */
    public Builder region(String region) {
      this.region = Names.checkName("region", region);
      return this;
    }

    /**
     * Sets the client (a tenant of yours) this service serves, for its configuration: entries
     * the registry holds for this client apply to it, over those of its region and stage
     * ({@link ServiceLookup#config(String)}). Default none: only entries for every client apply.
     *
     * @param client the client's name, such as {@code acme}
     * @return this builder
     * @throws IllegalArgumentException if the name breaks the naming rule
     */
    public Builder client(String client) {
      this.client = Names.checkName("client", client);
      return this;
    }

    /**
     * Sets the lease of registered instances: the registry forgets an instance whose last
     * heartbeat is older than this. Whole seconds from 1 s to 1 h (rounded up). Default 15 s.
     *
     * @param leaseTtl the lease
     * @return this builder
     */
    public Builder leaseTtl(Duration leaseTtl) {
      Names.checkPositive("leaseTtl", leaseTtl);
      if (leaseTtl.compareTo(Duration.ofSeconds(1)) < 0
          || leaseTtl.compareTo(Duration.ofHours(1)) > 0) {
        throw new IllegalArgumentException("leaseTtl must be between 1 s and 1 h: " + leaseTtl);
      }
      this.leaseTtl = leaseTtl;
      return this;
    }

    /**
     * Sets the time between two heartbeats of a registered instance. Must be shorter than the
     * lease TTL. Default: a third of the lease TTL.
     *
     * @param heartbeatInterval the interval
     * @return this builder
     */
    public Builder heartbeatInterval(Duration heartbeatInterval) {
      this.heartbeatInterval = Names.checkPositive("heartbeatInterval", heartbeatInterval);
      return this;
    }

    /**
     * Sets the refresh interval. For a background client, the safety net: a cached view that
     * neither the watch nor anything else confirmed for longer than the long-poll wait plus
     * this is fetched again; and how often a registry that cannot be watched is read. For an
     * inline client, the age past which a lookup or the due work refreshes a view. Default
     * 30 s.
     *
     * @param refreshInterval the interval
     * @return this builder
     */
    public Builder refreshInterval(Duration refreshInterval) {
      this.refreshInterval = Names.checkPositive("refreshInterval", refreshInterval);
      return this;
    }

    /**
     * Sets how long a service may go without a lookup before it leaves the cache and stops
     * being watched (a service with a {@link #watch} subscription never does). Default 10 min.
     *
     * @param idleTimeout the timeout
     * @return this builder
     */
    public Builder idleTimeout(Duration idleTimeout) {
      this.idleTimeout = Names.checkPositive("idleTimeout", idleTimeout);
      return this;
    }

    /**
     * Sets how long the registry may hold a long-poll before answering an unchanged view.
     * From 1 s to 300 s. Default 30 s. Background clients only.
     *
     * @param longPollWait the wait
     * @return this builder
     */
    public Builder longPollWait(Duration longPollWait) {
      Names.checkPositive("longPollWait", longPollWait);
      if (longPollWait.compareTo(Duration.ofSeconds(1)) < 0
          || longPollWait.compareTo(Duration.ofSeconds(300)) > 0) {
        throw new IllegalArgumentException(
            "longPollWait must be between 1 s and 300 s: " + longPollWait);
      }
      this.longPollWait = longPollWait;
      return this;
    }

    /**
     * Sets the bound of one request to the registry (a long-poll gets its wait on top).
     * Default 5 s.
     *
     * @param requestTimeout the timeout
     * @return this builder
     */
    public Builder requestTimeout(Duration requestTimeout) {
      this.requestTimeout = Names.checkPositive("requestTimeout", requestTimeout);
      return this;
    }

    /**
     * Sets the bound of deregistration, retries included, when a registration or the client
     * is closed. Default 2 s.
     *
     * @param deregisterTimeout the timeout
     * @return this builder
     */
    public Builder deregisterTimeout(Duration deregisterTimeout) {
      this.deregisterTimeout = Names.checkPositive("deregisterTimeout", deregisterTimeout);
      return this;
    }

    /**
     * Sets how calls to the registry are retried. Default {@link RetryPolicy#defaults()}.
     *
     * @param retryPolicy the policy
     * @return this builder
     */
    public Builder retryPolicy(RetryPolicy retryPolicy) {
      this.retryPolicy = requireNonNull(retryPolicy, "retryPolicy");
      return this;
    }

    /**
     * Sets the clock that dates views and leases (the age of a view, when a lease is due, the
     * idle timeout). Default {@link Clock#systemUTC()}. Tests use a fake one.
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Sets the scheduler that runs heartbeats, the periodic refresh and watch retries of a
     * background client. The client never shuts it down. Default: one named daemon thread per
     * client ({@code registry-client-N}), started at the first registration or lookup and
     * stopped by {@link RegistryClient#close()}. {@link #buildInline()} refuses it: an inline
     * client runs nothing in the background.
     *
     * @param scheduler the scheduler
     * @return this builder
     */
    public Builder scheduler(ScheduledExecutorService scheduler) {
      this.scheduler = requireNonNull(scheduler, "scheduler");
      return this;
    }

    /**
     * Sets the listener of the client's events. Default {@link EventListener#NONE}.
     *
     * @param eventListener the listener
     * @return this builder
     */
    public Builder eventListener(EventListener eventListener) {
      this.eventListener = requireNonNull(eventListener, "eventListener");
      return this;
    }

    /**
     * Sets how {@link ServiceLookup#choose} picks an instance. Default
     * {@link LoadBalancer#roundRobin()}.
     *
     * @param loadBalancer the load balancer
     * @return this builder
     */
    public Builder loadBalancer(LoadBalancer loadBalancer) {
      this.loadBalancer = requireNonNull(loadBalancer, "loadBalancer");
      return this;
    }

    /**
     * Sets whether a JVM shutdown hook (on SIGTERM, or {@code System.exit}) closes a background
     * client and so deregisters its instances. Installed at the first registration. Default
     * {@code true}. An inline client installs none: AWS Lambda gives a container no reliable
     * end, and its leases end by themselves.
     *
     * @param shutdownHook whether to install the hook
     * @return this builder
     */
    public Builder shutdownHook(boolean shutdownHook) {
      this.shutdownHook = shutdownHook;
      return this;
    }

    /**
     * Sets the HTTP transport of an HTTP-based backend. Default, made at the first request:
     * one on OkHttp for a background client, one on the JDK's {@code HttpURLConnection} for an
     * inline client (nothing to load beyond {@code java.base}). The client never closes a
     * transport given here. Cannot be combined with {@link #okHttpClient} or
     * {@link #trustedCertificates(List)}: a transport of one's own sets up its own TLS. It
     * reads answers its own way: bound their size there ({@link #maxAnswerBytes} bounds the
     * default transports').
     *
     * @param transport the transport
     * @return this builder
     */
    public Builder transport(HttpTransport transport) {
      this.transport = requireNonNull(transport, "transport");
      return this;
    }

    /**
     * Sets an OkHttp client to share with a background client's default transport: the client
     * derives its own with {@link OkHttpClient#newBuilder()} (sharing the connection pool),
     * with its own dispatcher for long-polls (sized for many watches, on named daemon threads)
     * and per-call timeouts. The client never shuts the given one down. Default: a new OkHttp
     * client. {@link #buildInline()} refuses it.
     *
     * @param okHttpClient the client to share
     * @return this builder
     */
    public Builder okHttpClient(OkHttpClient okHttpClient) {
      this.okHttpClient = requireNonNull(okHttpClient, "okHttpClient");
      return this;
    }

    /**
     * Sets client-side ejection: an instance reported {@link ServiceLookup#reportFailure
     * failed} {@code consecutiveFailures} times in a row (no {@link
     * ServiceLookup#reportSuccess success} between) is skipped by {@code choose} for
     * {@code ejectionTime}; then it is chosen again, and needs as many failures to be skipped
     * again. Never more than half of a service's {@code UP} instances are skipped at once.
     * Default 3 failures, 30 s.
     *
     * @param consecutiveFailures at least 1
     * @param ejectionTime more than zero
     * @return this builder
     */
    public Builder ejection(int consecutiveFailures, Duration ejectionTime) {
      if (consecutiveFailures < 1) {
        throw new IllegalArgumentException("consecutiveFailures must be >= 1: " + consecutiveFailures);
      }
      this.ejectionTime = Names.checkPositive("ejectionTime", ejectionTime);
      this.ejectAfter = consecutiveFailures;
      return this;
    }

    /**
     * Trusts the given certificates (a private CA, or the registry's own self-signed
     * certificate) for {@code https} registry URLs, instead of the JVM's default trust store.
     * Host names are still verified against the certificate. For the default transports
     * (OkHttp's, and the JDK's of an inline client), whose {@code https} connections then get
     * an SSL context over these certificates; a transport given to {@link #transport} sets up
     * its own TLS, and the build methods refuse the combination. A backend that opens
     * connections of its own gets them too.
     *
     * @param certificates one or more X.509 certificates
     * @return this builder
     * @throws IllegalArgumentException if empty
     */
    public Builder trustedCertificates(List<X509Certificate> certificates) {
      requireNonNull(certificates, "certificates");
      if (certificates.isEmpty()) {
        throw new IllegalArgumentException("certificates must not be empty: " + certificates);
      }
      for (X509Certificate c : certificates) {
        requireNonNull(c, "certificate");
      }
      trustedCertificates.clear();
      trustedCertificates.addAll(certificates);
      return this;
    }

    /**
     * Like {@link #trustedCertificates(List)}, with the certificates of a PEM file (one or more
     * {@code -----BEGIN CERTIFICATE-----} blocks), read now.
     *
     * @param pemFile the file
     * @return this builder
     * @throws IllegalArgumentException if the file cannot be read or holds no certificate
     */
    public Builder trustedCertificates(Path pemFile) {
      return trustedCertificates(Names.readCertificates(pemFile));
    }

    /**
     * Keeps the last good views in {@code file}, for a cold start while the registry is down,
     * serving none that the registry last confirmed more than 24 hours ago. Like
     * {@link #snapshotFile(Path, Duration) snapshotFile(file,
     * Duration.ofHours(24))}: a day covers a registry outage through a night or a weekend
     * day's on-call response, while a file left from an older deployment (whose instances are
     * likely gone) is not served.
     *
     * @param file the snapshot file
     * @return this builder
     * @throws NullPointerException if {@code file} is null
     */
    public Builder snapshotFile(Path file) {
      return snapshotFile(file, DEFAULT_SNAPSHOT_MAX_AGE);
    }

    /**
     * Keeps the last good views in {@code file}, for a cold start while the registry is down.
     * Every change of a cached view rewrites the file (written to a temporary file beside it,
     * then moved over it atomically), and so does a confirmation of unchanged views by the
     * registry once the last write is a tenth of {@code maxAge} old; each view is saved with
     * the time the registry last confirmed it, on the {@link #clock(Clock) clock}.
     * When the first lookup of a service cannot reach the registry, its view is read from the
     * file and served marked {@link ServiceView#stale() stale} instead of throwing, unless it
     * was confirmed more than {@code maxAge} ago: then the lookup fails as it would without
     * the file (a {@link RegistryException}, with the reason as a suppressed exception and
     * a warning in the log). A view saved without its time is never served. The watch replaces
     * a served view once the registry answers. Off by default: a saved view may be hours old,
     * and its instances gone; with the registry up the file is never read. The directory must
     * exist; a file that cannot be written or read costs a warning in the log, never a failed
     * call.
     *
     * @param file the snapshot file
     * @param maxAge the oldest confirmation of a view that a cold start still serves; more
     *     than zero, at most 3650 days
     * @return this builder
     * @throws NullPointerException if {@code file} or {@code maxAge} is null
     * @throws IllegalArgumentException if {@code maxAge} is not positive or longer than 3650
     *     days
     */
    public Builder snapshotFile(Path file, Duration maxAge) {
      requireNonNull(file, "file");
      Names.checkPositive("snapshot maxAge", maxAge);
      if (maxAge.compareTo(LONGEST_SNAPSHOT_MAX_AGE) > 0) {
        throw new IllegalArgumentException("snapshot maxAge must be at most 3650 days: " + maxAge);
      }
      this.snapshotFile = file;
      this.snapshotMaxAge = maxAge;
      return this;
    }

    /**
     * Sets the registry's shared token: every request carries
     * {@code Authorization: Bearer <token>}. A registry started with a token refuses writes
     * without it (401, a {@link RegistryRejectedException} with code {@code unauthorized}).
     * Default: none. The token never appears in {@code toString()} or log lines.
     *
     * @param token 1 to 4096 printable ASCII characters without spaces
     * @return this builder
     * @throws IllegalArgumentException if empty, too long, or not printable ASCII
     */
    public Builder token(String token) {
      this.token = Names.checkToken(token);
      return this;
    }

    /**
     * Sets the most bytes of one answer of the registry the client reads (and of the snapshot
     * file). The default transports stop reading an answer past it and fail the call with a
     * {@link RegistryUnavailableException} naming the limit, so a broken or hostile registry
     * cannot fill the heap; the cached views stay as they were. A transport given to
     * {@link #transport} reads answers its own way and should bound them itself. Default 8 MiB:
     * the reference server's answer for a service at its instance limit (10,000) with about
     * 800 bytes of fields and metadata per instance. Reading an answer takes up to about 20 times
     * its size in heap while it is parsed; raise the limit with the heap.
     *
     * @param maxAnswerBytes at least 64 KiB (65536)
     * @return this builder
     * @throws IllegalArgumentException if smaller than 64 KiB
     */
    public Builder maxAnswerBytes(long maxAnswerBytes) {
      if (maxAnswerBytes < 65_536) {
        throw new IllegalArgumentException("maxAnswerBytes must be >= 65536: " + maxAnswerBytes);
      }
      this.maxAnswerBytes = maxAnswerBytes;
      return this;
    }

    /**
     * Sets the most instances one view may hold. A view the registry answers with more is
     * refused whole: a first lookup fails with a {@link RegistryUnavailableException} naming
     * the limit, and a view already cached stays as it was, marked stale. Default 20,000, twice
     * the reference server's own limit of instances per service.
     *
     * @param maxInstancesPerView at least 1
     * @return this builder
     * @throws IllegalArgumentException if less than 1
     */
    public Builder maxInstancesPerView(int maxInstancesPerView) {
      if (maxInstancesPerView < 1) {
        throw new IllegalArgumentException("maxInstancesPerView must be >= 1: " + maxInstancesPerView);
      }
      this.maxInstancesPerView = maxInstancesPerView;
      return this;
    }

    /**
     * Sets whether instances at link-local addresses ({@code 169.254.0.0/16}, {@code fe80::/10})
     * and cloud metadata addresses ({@code fd00:ec2::254}, the metadata host names), in any
     * notation, are kept in views. Off by default: such instances are left out of every view
     * (and logged once per service and address), because a call sent there is a server-side
     * request forgery, and the reference server refuses to register them; a registry that does
     * not (the seed's, an etcd cluster) may still hand them out. Turn it on only where services
     * really live at link-local addresses.
     *
     * @param allow whether to keep them
     * @return this builder
     */
    public Builder allowLinkLocalAddresses(boolean allow) {
      this.allowLinkLocalAddresses = allow;
      return this;
    }

    /**
     * Builds a background client: heartbeats on a scheduler thread, views kept fresh by the
     * registry's watch. Does no I/O and starts no thread.
     *
     * @return the client
     * @throws IllegalStateException if the options conflict (see {@link #buildInline()}, but a
     *     scheduler and an OkHttp client are fine here)
     */
    public RegistryClient build() {
      return new RegistryClient(settings());
    }

    /**
     * Builds an inline client, for AWS Lambda and other hosts that freeze the process between
     * requests: it starts no thread and holds no long-poll; due work runs on its callers'
     * threads ({@link InlineRegistryClient#runDueWork}). Its default transport is the JDK's.
     * Does no I/O. The long-poll wait and the shutdown hook do not apply to it.
     *
     * @return the client
     * @throws IllegalStateException if no registry URL was set, the heartbeat interval is not
     *     shorter than the lease TTL, the idle timeout is not longer than the refresh interval,
     *     a transport was set with an OkHttp client or trusted certificates, or a scheduler or
     *     an OkHttp client was set (an inline client uses neither)
     */
    public InlineRegistryClient buildInline() {
      if (scheduler != null || okHttpClient != null) {
        throw new IllegalStateException(
            "an inline client starts no thread and uses the JDK's transport: scheduler and"
                + " okHttpClient are for build()");
      }
      return new InlineRegistryClient(settings());
    }

    private Settings settings() {
      RegistryBackendProvider provider = backend;
      if (provider == null) {
        throw new IllegalStateException("registryUrls is required");
      }
      return new Settings(List.copyOf(registryUrls), provider, stage, leaseTtl,
          heartbeatInterval != null ? heartbeatInterval : leaseTtl.dividedBy(3), refreshInterval,
          idleTimeout, longPollWait, requestTimeout, deregisterTimeout, retryPolicy, clock,
          scheduler, eventListener, loadBalancer, shutdownHook, transport, okHttpClient, token,
          ejectAfter, ejectionTime, snapshotFile, snapshotMaxAge, List.copyOf(trustedCertificates), region,
          client, maxAnswerBytes, maxInstancesPerView, allowLinkLocalAddresses);
    }
  }
}
