package dev.registry.client;

import static dev.registry.client.Logs.log;
import static java.util.Objects.requireNonNull;

import dev.registry.client.spi.BackendContext;
import dev.registry.client.spi.HttpTransport;
import dev.registry.client.spi.RegistryBackend;
import dev.registry.client.spi.RequestIds;
import java.net.URI;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * What every room of a client shares, handed down to each: the settings, the clock, the
 * counters, the events, and, made at their first use, the backend, the HTTP transport and the
 * scheduler thread. "Call the registry with retries, then report it failed or reachable" is
 * written here, once. It is also the backend's {@link BackendContext}.
 *
 * <p>Nothing here does I/O or starts a thread before it is first needed; {@link #close()}
 * releases what was made, never what the user gave.
 */
final class ClientContext implements BackendContext {
  /** A deadline that is none: the retry policy and the request timeout bound the call. */
  static final long NO_DEADLINE = Long.MIN_VALUE;
  private static final AtomicInteger CLIENT_IDS = new AtomicInteger(1);

  final Settings settings;
  final Clock clock;
  final Counters counters = new Counters();
  final Events events;
  final int id = CLIENT_IDS.getAndIncrement();
  private final boolean inline;
  private final Retrying retrying;
  /** A background client's periodic work, scheduled with the scheduler's first use. */
  private final @Nullable Runnable periodic;
  private final Object lifecycle = new Object();

  private volatile @Nullable RegistryBackend backend;
  private volatile @Nullable HttpTransport transport;
  private @Nullable OkHttpTransport ownedTransport;
  private volatile @Nullable ScheduledExecutorService scheduler;
  private @Nullable ScheduledExecutorService ownedScheduler;
  private @Nullable ScheduledFuture<?> periodicWork;
  private volatile boolean closed;
  private volatile boolean cannotReportConfig;

  /**
   * @param periodic the background work to run every refresh interval, or null for an inline
   *     client, which starts no thread at all
   */
  ClientContext(Settings settings, @Nullable Runnable periodic) {
    this.settings = settings;
    this.clock = settings.clock();
    this.events = new Events(settings.eventListener(), settings.registryUrls());
    this.retrying = new Retrying(settings.retryPolicy());
    this.periodic = periodic;
    this.inline = periodic == null;
  }

  boolean inline() {
    return inline;
  }

  /** The registry, made by the provider of the URLs' scheme at the first call to it. */
  RegistryBackend backend() {
    RegistryBackend b = backend;
    if (b != null) {
      return b;
    }
    synchronized (lifecycle) {
      if (backend == null) {
        backend = requireNonNull(settings.backend().create(this), "backend");
      }
      return backend;
    }
  }

  /**
   * The scheduler of heartbeats, watches and the periodic work: the one given to the builder,
   * else one named daemon thread, made now. Background clients only.
   *
   * @throws IllegalStateException if the client is closed, or inline
   */
  ScheduledExecutorService scheduler() {
    ScheduledExecutorService s = scheduler;
    if (s != null) {
      return s;
    }
    synchronized (lifecycle) {
      if (closed || periodic == null) {
        throw new IllegalStateException(closed ? "RegistryClient is closed" : "an inline client starts no thread");
      }
      if (scheduler == null) {
        ScheduledExecutorService given = settings.scheduler();
        if (given != null) {
          scheduler = given;
        } else {
          ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(
              1, new DaemonThreads("registry-client-" + id, true));
          executor.setRemoveOnCancelPolicy(true);
          executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
          ownedScheduler = executor;
          scheduler = executor;
        }
        long every = settings.refreshInterval().toMillis();
        periodicWork = scheduler.scheduleWithFixedDelay(periodic, every, every, TimeUnit.MILLISECONDS);
      }
      return scheduler;
    }
  }

  /**
   * Calls the registry with the retry policy's attempts, each bounded by the request timeout,
   * or, with a deadline ({@link System#nanoTime()}), by what remains of it, starting no retry
   * past it. Counts every failed attempt, and tells the events whether the registry answered.
   *
   * @param call what the call does, for the listener
   * @param deadlineNanos the deadline, or {@link #NO_DEADLINE}
   * @param attempt one attempt, given its timeout
   * @throws RegistryException what the last attempt threw
   */
  <T> T call(RegistryCall call, long deadlineNanos, Function<Duration, T> attempt) {
    return reported(call, () -> deadlineNanos == NO_DEADLINE
        ? retrying.call(() -> counted(attempt, settings.requestTimeout()))
        : retrying.callBefore(deadlineNanos,
            () -> counted(attempt, boundedTimeout(deadlineNanos - System.nanoTime()))));
  }

  /** One attempt, bounded by {@code timeout}, counted and reported like {@link #call}'s. */
  <T> T callOnce(RegistryCall call, Duration timeout, Function<Duration, T> attempt) {
    return reported(call, () -> counted(attempt, timeout));
  }

  /**
   * Runs a call between the listener's start and end (on this thread, whatever it throws), then
   * tells the events whether the registry answered.
   */
  private <T> T reported(RegistryCall call, Supplier<T> attempts) {
    EventListener.CallListener heard = events.callStarted(call);
    RuntimeException failure = null;
    T result;
    try {
      result = attempts.get();
    } catch (RuntimeException e) {
      failure = e;
      throw e;
    } finally {
      events.callEnded(heard, failure);
      if (failure instanceof RegistryException e) {
        events.registryFailed(e);
      }
    }
    events.registryReachable();
    return result;
  }

  private <T> T counted(Function<Duration, T> attempt, Duration timeout) {
    try {
      return attempt.apply(timeout);
    } catch (RegistryException e) {
      counters.registryFailures.increment();
      throw e;
    }
  }

  /** Whether the backend showed that it cannot take a configuration index with a renewal. */
  boolean cannotReportConfig() {
    return cannotReportConfig;
  }

  /** The backend cannot take a configuration index with a renewal: renew without it from now on. */
  void cannotReportConfig(UnsupportedOperationException e) {
    if (!cannotReportConfig) {
      cannotReportConfig = true;
      Logs.log().warn("The registry at {} cannot be told which configuration an instance applied; renewing"
          + " without it: {}", settings.registryUrls(), e.getMessage());
    }
  }

  /** The request timeout, or less when less than it remains; at least a millisecond. */
  Duration boundedTimeout(long remainingNanos) {
    return Retrying.min(settings.requestTimeout(),
        Duration.ofNanos(Math.max(1_000_000, remainingNanos)));
  }

  /** A backoff for {@code failures} failures in a row: random in [0, the policy's bound]. */
  long backoffMillis(int failures) {
    return retrying.backoffMillis(failures);
  }

  boolean isClosed() {
    return closed;
  }

  /**
   * Marks the client closed, so that it takes no new work and makes no thread, and stops its
   * periodic work. Calls to the registry still go through, for the deregistrations.
   *
   * @return whether this call closed it (false: it was closed before)
   */
  boolean beginClose() {
    synchronized (lifecycle) {
      if (closed) {
        return false;
      }
      closed = true;
      if (periodicWork != null) {
        periodicWork.cancel(false);
      }
      return true;
    }
  }

  /** The last step of closing: stops the thread, closes the backend and transport made here. */
  void release() {
    RegistryBackend b;
    synchronized (lifecycle) {
      b = backend;
    }
    if (ownedScheduler != null) {
      ownedScheduler.shutdownNow();
    }
    if (b != null) {
      b.close();
    }
    if (ownedTransport != null) {
      ownedTransport.close();
    }
  }

  // ---- BackendContext

  @Override
  public List<URI> registryUrls() {
    return settings.registryUrls();
  }

  @Override
  public Duration leaseTtl() {
    return settings.leaseTtl();
  }

  @Override
  public Duration longPollWait() {
    return settings.longPollWait();
  }

  @Override
  public Duration requestTimeout() {
    return settings.requestTimeout();
  }

  @Override
  public Optional<String> token() {
    return Optional.ofNullable(settings.token());
  }

  @Override
  public List<X509Certificate> trustedCertificates() {
    return settings.trustedCertificates();
  }

  @Override
  public Clock clock() {
    return clock;
  }

  /** The request ID source's, when it gives a valid one (it may throw: a WARN), else a new one. */
  @Override
  public String requestId() {
    Supplier<@Nullable String> source = settings.requestIdSource();
    if (source != null) {
      try {
        String id = source.get();
        if (RequestIds.isValid(id)) {
          return id;
        }
      } catch (RuntimeException e) {
        log().warn("requestIdSource {} threw; a new request ID is used instead", source, e);
      }
    }
    return RequestIds.generate();
  }

  @Override
  public long maxAnswerBytes() {
    return settings.maxAnswerBytes();
  }

  @Override
  public int maxInstancesPerView() {
    return settings.maxInstancesPerView();
  }

  /**
   * The user's transport, else one made now: the JDK's for an inline client (no OkHttp on the
   * Lambda path), OkHttp's for a background one, either trusting the builder's certificates.
   */
  @Override
  public HttpTransport transport() {
    HttpTransport t = transport;
    if (t != null) {
      return t;
    }
    synchronized (lifecycle) {
      if (transport == null) {
        List<X509Certificate> trusted = settings.trustedCertificates();
        if (settings.transport() != null) {
          transport = settings.transport();
        } else if (inline) {
          long limit = settings.maxAnswerBytes();
          transport = trusted.isEmpty()
              ? new UrlConnectionTransport(limit) : UrlConnectionTransport.trusting(trusted, limit);
        } else {
          ownedTransport = new OkHttpTransport((okhttp3.OkHttpClient) settings.okHttpClient(),
              "registry-client-watch-" + id, trusted, settings.maxAnswerBytes());
          transport = ownedTransport;
        }
      }
      return transport;
    }
  }

  @Override
  public String toString() {
    return "RegistryClient{" + settings.registryUrls() + ", stage=" + settings.stage() + "}";
  }
}
