package dev.registry.client;

import static java.util.Objects.requireNonNull;

import dev.registry.client.internal.ClientConfig;
import dev.registry.client.internal.RealRegistryClient;
import dev.registry.client.spi.HttpTransport;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import okhttp3.OkHttpClient;
import org.jspecify.annotations.Nullable;

/**
 * A client of a service registry: registers instances and keeps their leases alive, and
 * looks services up from a local cache that the registry's long-poll watch keeps fresh.
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
 * }
 * }</pre>
 *
 * <p><b>Threads.</b> Building a client does no I/O and starts no thread. The first
 * registration or lookup starts one named daemon scheduler thread (unless a scheduler was
 * given to the builder), which sends heartbeats and runs the periodic refresh; long-polls run
 * on the HTTP transport's asynchronous machinery, one per stage for all the cached services of
 * that stage (not one per service: each held request costs the transport a thread and a
 * connection). With
 * {@link Builder#backgroundRefresh(boolean) backgroundRefresh(false)} no thread is started at
 * all and due work runs inline (see {@link #runDueWork()}).
 *
 * <p><b>Failures.</b> Registry failures throw {@link RegistryException} (unchecked) and its
 * subclasses; misuse throws {@link IllegalArgumentException} or {@link IllegalStateException}.
 * Lookups keep answering from the last good view while the registry is unreachable.
 *
 * <p>All methods are thread-safe. {@link #close()} deregisters everything the client
 * registered.
 */
public interface RegistryClient extends AutoCloseable {

  /**
   * Starts a builder.
   *
   * @return a new builder with every default
   */
  static Builder builder() {
    return new Builder();
  }

  /**
   * Registers an instance and keeps it registered until the returned handle, or this client,
   * is closed: heartbeats renew its lease every heartbeat interval, and a heartbeat answered
   * 404 (the registry restarted or expired it) registers it again at once. Blocks until the
   * registry has accepted the instance, retrying per the retry policy.
   *
   * @param instance the instance; a null stage means this client's stage
   * @return the handle of the registration
   * @throws RegistryException if the registry could not be reached or refused the instance
   * @throws IllegalStateException if this client is closed
   */
  Registration register(ServiceInstance instance);

  /**
   * Returns one {@link Status#UP} instance of {@code service} in this client's stage, picked by
   * the load balancer. Answered from the cache; only the first lookup of a service calls the
   * registry. Lock-free and allocation-free once the service is cached.
   *
   * @param service the service name
   * @return an UP instance
   * @throws NoInstanceAvailableException if the service has no UP instance
   * @throws RegistryException if the service was never fetched and the registry cannot be
   *     reached
   */
  ServiceInstance choose(String service);

  /**
   * Like {@link #choose(String)}, in another stage.
   *
   * @param service the service name
   * @param stage the stage
   * @return an UP instance
   * @throws NoInstanceAvailableException if the service has no UP instance in the stage
   * @throws RegistryException if the service was never fetched and the registry cannot be
   *     reached
   */
  ServiceInstance choose(String service, String stage);

  /**
   * Returns every live instance of {@code service} in this client's stage, of every status,
   * from the cache.
   *
   * @param service the service name
   * @return the instances, possibly empty (immutable)
   * @throws RegistryException if the service was never fetched and the registry cannot be
   *     reached
   */
  List<ServiceInstance> instances(String service);

  /**
   * Like {@link #instances(String)}, in another stage.
   *
   * @param service the service name
   * @param stage the stage
   * @return the instances, possibly empty (immutable)
   * @throws RegistryException if the service was never fetched and the registry cannot be
   *     reached
   */
  List<ServiceInstance> instances(String service, String stage);

  /**
   * Returns the whole cached view of {@code service} in {@code stage}: instances, index, and
   * whether it is stale.
   *
   * @param service the service name
   * @param stage the stage
   * @return the view
   * @throws RegistryException if the service was never fetched and the registry cannot be
   *     reached
   */
  ServiceView view(String service, String stage);

  /**
   * Tells {@code listener} of every change of {@code service}'s view in this client's stage,
   * starting with the current view as soon as it is known. The service stays cached and
   * watched while a listener is subscribed. Does not throw when the registry is unreachable:
   * the listener hears of the service once it can be fetched.
   *
   * @param service the service name
   * @param listener the listener
   * @return the subscription; close it to stop
   */
  Watch watch(String service, ServiceListener listener);

  /**
   * Like {@link #watch(String, ServiceListener)}, in another stage.
   *
   * @param service the service name
   * @param stage the stage
   * @param listener the listener
   * @return the subscription; close it to stop
   */
  Watch watch(String service, String stage, ServiceListener listener);

  /**
   * Returns the names of the services that have at least one live instance in this client's
   * stage, sorted. Asks the registry each time (one request, with retries): the list is not
   * cached, so it suits management views (the Spring adapter's
   * {@code DiscoveryClient.getServices()}), not a hot path.
   *
   * @return the service names (immutable, possibly empty)
   * @throws RegistryException if the registry could not be reached
   * @throws UnsupportedOperationException if this implementation cannot list services (the
   *     default of this method, for implementations written before it existed)
   */
  default List<String> services() {
    return services(stage());
  }

  /**
   * Like {@link #services()}, in another stage.
   *
   * @param stage the stage
   * @return the service names (immutable, possibly empty), sorted
   * @throws RegistryException if the registry could not be reached
   * @throws UnsupportedOperationException if this implementation cannot list services (the
   *     default)
   */
  default List<String> services(String stage) {
    throw new UnsupportedOperationException(getClass().getName() + " cannot list services");
  }

  /**
   * Tells the client that a call to {@code instance} failed (a refused connection, a timeout).
   * An instance that failed {@link Builder#ejection(int, Duration) N times in a row} is
   * skipped by {@link #choose} for the ejection time, as long as no more than half of its
   * service's {@code UP} instances are skipped at once. Cheap; never throws for an instance
   * the client does not hold. The default does nothing (for hand-written fakes).
   *
   * @param instance an instance {@link #choose} or {@link #instances} returned
   */
  default void reportFailure(ServiceInstance instance) {}

  /**
   * Tells the client that a call to {@code instance} worked: its run of failures starts again
   * from zero, and an ejection ends. The default does nothing.
   *
   * @param instance an instance {@link #choose} or {@link #instances} returned
   */
  default void reportSuccess(ServiceInstance instance) {}

  /**
   * Whether {@code instance} is ejected now: {@link #choose} skips it, and so should a load
   * balancer of another framework that picks from {@link #instances} (the Spring adapter's
   * {@code DiscoveryClient} leaves ejected instances out). Lock-free and allocation-free; false
   * for an instance the client does not hold. The default answers false.
   *
   * @param instance an instance {@link #choose} or {@link #instances} returned
   * @return whether it is ejected
   */
  default boolean isEjected(ServiceInstance instance) {
    return false;
  }

  /**
   * Runs now the work that is due: renews the leases whose heartbeat interval has passed
   * (registering again those the registry forgot), and refreshes cached views older than the
   * refresh interval. Each call to the registry is bounded by the request timeout. This is how
   * a client built with {@code backgroundRefresh(false)} (for AWS Lambda, whose container is
   * frozen between invocations) keeps its leases; call it at the start or end of each
   * invocation. Harmless with background refresh on.
   */
  void runDueWork();

  /**
   * Runs the work that is due, like {@link #runDueWork()}, but within {@code budget}: each call
   * to the registry is bounded by what remains of it (and by the request timeout), retries
   * never start past it, and work left when it is spent waits for the next call. Never throws
   * because the registry is slow, down or refusing: failures are counted, reported to the
   * {@link EventListener}, and the stale views keep serving. This is what the AWS Lambda adapter
   * calls on each invocation.
   *
   * <p>The default runs {@link #runDueWork()} and ignores the budget; the client made by
   * {@link #builder()} honours it.
   *
   * @param budget the most time to spend, positive
   * @throws IllegalArgumentException if the budget is not positive
   * @throws IllegalStateException if this client is closed
   */
  default void runDueWork(Duration budget) {
    Names.checkPositive("budget", budget);
    runDueWork();
  }

  /**
   * Fills the cache with every service of {@code stage} in one call to the registry (the
   * catalog route, {@code GET /catalog?stage=}), so that the lookups that follow make no call
   * at all. Views already cached are replaced by the registry's answer. A service absent from
   * the catalog is fetched at its first lookup, as usual. Warms an AWS Lambda container in one
   * round trip. With background refresh, every service of the catalog is then watched until it
   * goes idle.
   *
   * <p>The default throws {@link UnsupportedOperationException}; the client made by
   * {@link #builder()} implements it.
   *
   * @param stage the stage to fetch
   * @return how many services were cached
   * @throws RegistryException if the registry could not be reached (after the retry policy's
   *     attempts) or refused the request; the cache is unchanged then
   * @throws IllegalArgumentException if the stage is not a valid name
   * @throws IllegalStateException if this client is closed
   */
  default int warmUp(String stage) {
    throw new UnsupportedOperationException("warmUp is not supported by " + this);
  }

  /**
   * Registers an instance, with the retry policy's attempts, and sends it no heartbeat: for
   * serverless functions, whose container is frozen between invocations. Its lease is renewed by {@link #runDueWork()} (or
   * {@link #runDueWork(Duration)}) once the heartbeat interval has passed, and registered again
   * when the registry has forgotten it. Closing the returned handle, or the client, deregisters
   * it. Installs no shutdown hook.
   *
   * <p>The default throws {@link UnsupportedOperationException}; the client made by
   * {@link #builder()} implements it.
   *
   * @param instance the instance; a null stage means this client's stage
   * @return the handle of the registration
   * @throws RegistryException if the registry could not be reached or refused the instance
   * @throws IllegalStateException if this client is closed
   */
  default Registration registerOnce(ServiceInstance instance) {
    throw new UnsupportedOperationException("registerOnce is not supported by " + this);
  }

  /**
   * Removes an instance from the registry, identified by its service, stage and id, whether
   * this client registered it or not (for example a CloudFormation stack deleting the endpoint
   * that an earlier deploy registered). A registration of this client for the same instance
   * stops being renewed. One attempt per the retry policy, bounded by the request timeout.
   *
   * <p>The default throws {@link UnsupportedOperationException}; the client made by
   * {@link #builder()} implements it.
   *
   * @param instance the instance; a null stage means this client's stage
   * @return true if the registry removed it, false if it did not know it
   * @throws RegistryException if the registry could not be reached or refused the request
   * @throws IllegalStateException if this client is closed
   */
  default boolean deregister(ServiceInstance instance) {
    throw new UnsupportedOperationException("deregister is not supported by " + this);
  }

  /**
   * Returns a snapshot of this client's counters.
   *
   * @return the counters
   */
  ClientStats stats();

  /**
   * Returns this client's default stage.
   *
   * @return the stage
   */
  String stage();

  /**
   * Cancels heartbeats and watches, deregisters every instance this client registered
   * (bounded by the deregistration timeout), and releases the threads and connections the
   * client created (never a scheduler, OkHttp client or transport given to the builder).
   * Idempotent.
   */
  @Override
  void close();

  /**
   * Builds a {@link RegistryClient}. Each setter checks its argument at once and names the bad
   * value; {@link #build()} checks the options against each other. Not thread-safe; reusable.
   */
  final class Builder {
    /** The maximum age of {@link #snapshotFile(java.nio.file.Path)}: 24 hours. */
    static final Duration DEFAULT_SNAPSHOT_MAX_AGE = Duration.ofHours(24);
    /** The longest maximum age of the snapshot file: 3650 days. */
    static final Duration LONGEST_SNAPSHOT_MAX_AGE = Duration.ofDays(3650);

    private final List<URI> registryUrls = new ArrayList<>();
    private String stage = "default";
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
    private boolean backgroundRefresh = true;
    private @Nullable HttpTransport transport;
    // Typed Object so that loading the builder never loads OkHttp (cold start).
    private @Nullable Object okHttpClient;
    private @Nullable String token;
    private int ejectAfter = 3;
    private Duration ejectionTime = Duration.ofSeconds(30);
    private java.nio.file.@Nullable Path snapshotFile;
    private Duration snapshotMaxAge = DEFAULT_SNAPSHOT_MAX_AGE;
    private final List<java.security.cert.X509Certificate> trustedCertificates = new ArrayList<>();

    Builder() {}

    /**
     * Sets the registry URLs, replacing any set before. Required. Requests go to the first
     * one that works; after a failure the client moves to the next and stays there while it
     * works.
     *
     * @param urls one or more absolute http(s) URLs, such as {@code "http://127.0.0.1:5001"}
     * @return this builder
     */
    public Builder registryUrls(String... urls) {
      requireNonNull(urls, "urls");
      List<URI> parsed = new ArrayList<>();
      for (String url : urls) {
        parsed.add(Names.parseHttpUri("registry URL", url));
      }
      return registryUris(parsed);
    }

    /**
     * Sets the registry URLs, replacing any set before. Required.
     *
     * @param urls one or more absolute http(s) URIs
     * @return this builder
     */
    public Builder registryUris(List<URI> urls) {
      requireNonNull(urls, "urls");
      if (urls.isEmpty()) {
        throw new IllegalArgumentException("registry URLs must not be empty: " + urls);
      }
      List<URI> checked = new ArrayList<>();
      for (URI url : urls) {
        checked.add(Names.checkHttpUri("registry URL", url));
      }
      registryUrls.clear();
      registryUrls.addAll(checked);
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
     * Sets the safety-net refresh: a cached view that neither the long-poll nor anything else
     * confirmed for longer than the long-poll wait plus this is fetched again. Without
     * background refresh, the age past which a lookup refreshes its view inline. Default 30 s.
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
     * From 1 s to 300 s. Default 30 s.
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
     * Sets the scheduler that runs heartbeats, the periodic refresh and long-poll retries.
     * The client never shuts it down. Default: one named daemon thread per client
     * ({@code registry-client-N}), started at the first registration or lookup and stopped
     * by {@link RegistryClient#close()}.
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
     * Sets how {@link RegistryClient#choose} picks an instance. Default
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
     * Sets whether a JVM shutdown hook (on SIGTERM, or {@code System.exit}) closes the client
     * and so deregisters its instances. Installed at the first registration. Default
     * {@code true}.
     *
     * @param shutdownHook whether to install the hook
     * @return this builder
     */
    public Builder shutdownHook(boolean shutdownHook) {
      this.shutdownHook = shutdownHook;
      return this;
    }

    /**
     * Sets whether the client works in the background. Default {@code true}: a scheduler
     * thread sends heartbeats and long-polls keep views fresh. With {@code false} (for AWS
     * Lambda, which freezes the container between invocations) no thread is started and no
     * long-poll held: a lookup whose view is older than the refresh interval refreshes it
     * inline (one attempt bounded by the request timeout; on failure the stale view serves),
     * and {@link RegistryClient#runDueWork()} renews leases that are due.
     *
     * @param backgroundRefresh whether to work in the background
     * @return this builder
     */
    public Builder backgroundRefresh(boolean backgroundRefresh) {
      this.backgroundRefresh = backgroundRefresh;
      return this;
    }

    /**
     * Sets the HTTP transport. Default: one on OkHttp, created at the first request. The
     * client never closes a transport given here. Cannot be combined with
     * {@link #okHttpClient}.
     *
     * @param transport the transport
     * @return this builder
     */
    public Builder transport(HttpTransport transport) {
      this.transport = requireNonNull(transport, "transport");
      return this;
    }

    /**
     * Sets an OkHttp client to share with the default transport: the client derives its own
     * with {@link OkHttpClient#newBuilder()} (sharing the connection pool), with its own
     * dispatcher for long-polls (sized for many watches, on named daemon threads) and
     * per-call timeouts. The client never shuts the given one down. Default: a new OkHttp
     * client.
     *
     * @param okHttpClient the client to share
     * @return this builder
     */
    public Builder okHttpClient(OkHttpClient okHttpClient) {
      this.okHttpClient = requireNonNull(okHttpClient, "okHttpClient");
      return this;
    }

    /**
     * Sets client-side ejection: an instance reported {@link RegistryClient#reportFailure
     * failed} {@code consecutiveFailures} times in a row (no {@link
     * RegistryClient#reportSuccess success} between) is skipped by {@code choose} for
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
     * Host names are still verified against the certificate. For the default (OkHttp)
     * transport and for {@link HttpTransport#urlConnection()} given to {@link #transport}
     * (the Lambda path), whose {@code https} connections then each get an SSL context over
     * these certificates; any other transport given to {@link #transport} sets up its own TLS,
     * and {@link #build()} refuses the combination.
     *
     * @param certificates one or more X.509 certificates
     * @return this builder
     * @throws IllegalArgumentException if empty
     */
    public Builder trustedCertificates(List<java.security.cert.X509Certificate> certificates) {
      requireNonNull(certificates, "certificates");
      if (certificates.isEmpty()) {
        throw new IllegalArgumentException("certificates must not be empty: " + certificates);
      }
      for (java.security.cert.X509Certificate c : certificates) {
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
    public Builder trustedCertificates(java.nio.file.Path pemFile) {
      requireNonNull(pemFile, "pemFile");
      List<java.security.cert.X509Certificate> certificates = new ArrayList<>();
      try (java.io.InputStream in = java.nio.file.Files.newInputStream(pemFile)) {
        for (java.security.cert.Certificate c
            : java.security.cert.CertificateFactory.getInstance("X.509").generateCertificates(in)) {
          certificates.add((java.security.cert.X509Certificate) c);
        }
      } catch (java.io.IOException | java.security.cert.CertificateException e) {
        throw new IllegalArgumentException("cannot read certificates from " + pemFile + ": " + e.getMessage(), e);
      }
      if (certificates.isEmpty()) {
        throw new IllegalArgumentException("no certificate in " + pemFile);
      }
      return trustedCertificates(certificates);
    }

    /**
     * Keeps the last good views in {@code file}, for a cold start while the registry is down,
     * serving none that the registry last confirmed more than 24 hours ago. Like
     * {@link #snapshotFile(java.nio.file.Path, Duration) snapshotFile(file,
     * Duration.ofHours(24))}: a day covers a registry outage through a night or a weekend
     * day's on-call response, while a file left from an older deployment (whose instances are
     * likely gone) is not served.
     *
     * @param file the snapshot file
     * @return this builder
     * @throws NullPointerException if {@code file} is null
     */
    public Builder snapshotFile(java.nio.file.Path file) {
      return snapshotFile(file, DEFAULT_SNAPSHOT_MAX_AGE);
    }

    /**
     * Keeps the last good views in {@code file}, for a cold start while the registry is down.
     * Every change of a cached view rewrites the file (written to a temporary file beside it,
     * then moved over it atomically), and so does a confirmation of unchanged views by the
     * registry once the last write is a tenth of {@code maxAge} old; each view is saved with
     * the time the registry last confirmed it, on the {@link #clock(java.time.Clock) clock}.
     * When the first lookup of a service cannot reach the registry, its view is read from the
     * file and served marked {@link ServiceView#stale() stale} instead of throwing, unless it
     * was confirmed more than {@code maxAge} ago: then the lookup fails as it would without
     * the file (a {@link RegistryException}, with the reason as a suppressed exception and
     * a warning in the log). A view in a file written by an earlier version of the client,
     * which dated only the whole file, counts as of the file's saved time. The watch replaces
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
    public Builder snapshotFile(java.nio.file.Path file, Duration maxAge) {
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
      requireNonNull(token, "token");
      if (token.isEmpty() || token.length() > 4096) {
        throw new IllegalArgumentException("token must be 1 to 4096 characters: " + token.length());
      }
      for (int i = 0; i < token.length(); i++) {
        char c = token.charAt(i);
        if (c <= ' ' || c >= 0x7f) {
          throw new IllegalArgumentException(
              "token must be printable ASCII without spaces: character " + i + " is " + (int) c);
        }
      }
      this.token = token;
      return this;
    }

    /**
     * Builds the client. Does no I/O and starts no thread.
     *
     * @return the client
     * @throws IllegalStateException if no registry URL was set, the heartbeat interval is not
     *     shorter than the lease TTL, the idle timeout is not longer than the refresh interval,
     *     both a transport and an OkHttp client were set, or trusted certificates were set with
     *     a transport other than {@link HttpTransport#urlConnection()}
     */
    public RegistryClient build() {
      if (registryUrls.isEmpty()) {
        throw new IllegalStateException("registryUrls is required");
      }
      Duration interval = heartbeatInterval != null ? heartbeatInterval : leaseTtl.dividedBy(3);
      if (interval.compareTo(leaseTtl) >= 0) {
        throw new IllegalStateException("heartbeatInterval (" + interval
            + ") must be shorter than leaseTtl (" + leaseTtl + ")");
      }
      if (idleTimeout.compareTo(refreshInterval) <= 0) {
        throw new IllegalStateException("idleTimeout (" + idleTimeout
            + ") must be longer than refreshInterval (" + refreshInterval + ")");
      }
      if (transport != null && !trustedCertificates.isEmpty()
          && !(transport instanceof dev.registry.client.internal.UrlConnectionTransport)) {
        throw new IllegalStateException(
            "transport and trustedCertificates cannot both be set: trustedCertificates configures"
                + " the default transport or HttpTransport.urlConnection(), not " + transport);
      }
      if (transport != null && okHttpClient != null) {
        throw new IllegalStateException(
            "transport and okHttpClient cannot both be set: okHttpClient configures the default"
                + " transport");
      }
      long ttlSeconds = (leaseTtl.toMillis() + 999) / 1000;
      ClientConfig config = new ClientConfig(
          List.copyOf(registryUrls), stage, ttlSeconds, interval, refreshInterval, idleTimeout,
          longPollWait, requestTimeout, deregisterTimeout, retryPolicy, clock, scheduler,
          eventListener, loadBalancer, shutdownHook, backgroundRefresh, transport, okHttpClient,
          token, ejectAfter, ejectionTime, snapshotFile, snapshotMaxAge,
          List.copyOf(trustedCertificates));
      return new RealRegistryClient(config);
    }
  }
}
