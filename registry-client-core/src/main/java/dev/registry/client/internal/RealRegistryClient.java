package dev.registry.client.internal;

import static dev.registry.client.internal.Logs.log;
import static java.util.Objects.requireNonNull;

import dev.registry.client.ClientStats;
import dev.registry.client.NoInstanceAvailableException;
import dev.registry.client.Registration;
import dev.registry.client.RegistryClient;
import dev.registry.client.RegistryException;
import dev.registry.client.RegistryRejectedException;
import dev.registry.client.RegistryUnavailableException;
import dev.registry.client.ServiceInstance;
import dev.registry.client.ServiceListener;
import dev.registry.client.ServiceView;
import dev.registry.client.Watch;
import dev.registry.client.spi.HttpTransport;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * The client. Nothing happens in the constructor; the transport (and with it OkHttp and
 * Jackson), the scheduler thread and the shutdown hook come with the first registration or
 * lookup.
 */
public final class RealRegistryClient implements RegistryClient {
  private static final AtomicInteger CLIENT_IDS = new AtomicInteger(1);
  /** A long-poll answered this fast with the same index means the server does not hold. */
  private static final long MIN_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
  /** How long a join waits before restarting its stage poll, so a burst of lookups makes one. */
  private static final long JOIN_DELAY_MILLIS = 50;

  final ClientConfig config;
  final Clock clock;
  final Counters counters = new Counters();
  final Events events;
  final Retrying retrying;
  private final int id = CLIENT_IDS.getAndIncrement();
  private final Endpoints endpoints;
  private final ServiceCache cache;
  private final Set<Lease> leases = ConcurrentHashMap.newKeySet();
  /** The long-polls of each stage (one per {@link StagePoll#MAX_NAME_CHARS} of names). */
  private final ConcurrentHashMap<String, List<StagePoll>> stagePolls = new ConcurrentHashMap<>();
  /** Stages whose registry answers no stage poll: each service there polls on its own. */
  private final Set<String> perServiceStages = ConcurrentHashMap.newKeySet();
  private final Object lifecycle = new Object();
  private final @Nullable SnapshotFile snapshotFile;

  private volatile @Nullable RegistryBackend backend;
  private @Nullable OkHttpTransport ownedTransport;
  private volatile @Nullable ScheduledExecutorService scheduler;
  private @Nullable ScheduledExecutorService ownedScheduler;
  private @Nullable ScheduledFuture<?> periodicRefresh;
  private @Nullable Thread shutdownHook;
  private volatile boolean closed;

  /**
   * Creates a client. Does no I/O, starts no thread, loads neither OkHttp nor Jackson.
   *
   * @param config the checked options
   */
  public RealRegistryClient(ClientConfig config) {
    this.config = requireNonNull(config, "config");
    this.clock = config.clock();
    this.events = new Events(config.eventListener());
    this.retrying = new Retrying(config.retryPolicy());
    this.endpoints = new Endpoints(config.registryUrls());
    this.cache = new ServiceCache(config.idleTimeout(), clock, events, !config.backgroundRefresh());
    this.snapshotFile = config.snapshotFile() == null ? null
        : new SnapshotFile(config.snapshotFile(), config.snapshotMaxAge());
  }

  // ---- lazily created resources

  RegistryBackend backend() {
    RegistryBackend b = backend;
    if (b != null) {
      return b;
    }
    synchronized (lifecycle) {
      if (backend == null) {
        HttpTransport transport = config.transport();
        if (transport instanceof UrlConnectionTransport light
            && !config.trustedCertificates().isEmpty()) {
          transport = light.trusting(config.trustedCertificates());
        } else if (transport == null) {
          ownedTransport = new OkHttpTransport(
              (okhttp3.OkHttpClient) config.okHttpClient(), "registry-client-watch-" + id,
              config.trustedCertificates());
          transport = ownedTransport;
        }
        backend = new HttpRegistryBackend(endpoints, transport, counters, config.token());
      }
      return backend;
    }
  }

  private ScheduledExecutorService scheduler() {
    ScheduledExecutorService s = scheduler;
    if (s != null) {
      return s;
    }
    synchronized (lifecycle) {
      ensureOpen();
      if (scheduler == null) {
        ScheduledExecutorService given = config.scheduler();
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
        long every = config.refreshInterval().toMillis();
        periodicRefresh = scheduler.scheduleWithFixedDelay(
            this::periodicRefresh, every, every, TimeUnit.MILLISECONDS);
      }
      return scheduler;
    }
  }

  private void installShutdownHook() {
    if (!config.shutdownHook()) {
      return;
    }
    synchronized (lifecycle) {
      if (shutdownHook == null && !closed) {
        Thread hook = new Thread(this::close, "registry-client-shutdown-" + id);
        Runtime.getRuntime().addShutdownHook(hook);
        shutdownHook = hook;
      }
    }
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("RegistryClient is closed");
    }
  }

  // ---- registration

  @Override
  public Registration register(ServiceInstance instance) {
    Lease lease = newLease(instance);
    ServiceInstance registered = lease.instance();
    log().debug("Registered {} {} at {}", registered.service(), registered.id(), registered.address());
    installShutdownHook();
    if (config.backgroundRefresh()) {
      try {
        lease.startHeartbeats(scheduler(), config.heartbeatInterval());
      } catch (IllegalStateException | RejectedExecutionException e) {
        lease.close();
        throw new IllegalStateException("RegistryClient is closed", e);
      }
    }
    if (closed) {
      lease.close();
      throw new IllegalStateException("RegistryClient is closed");
    }
    return lease;
  }

  /** Registers (with retries) and holds the lease; heartbeats are the caller's business. */
  private Lease newLease(ServiceInstance instance) {
    requireNonNull(instance, "instance");
    ensureOpen();
    ServiceInstance resolved = instance.stage() == null ? instance.withStage(config.stage()) : instance;
    RegistryBackend b = backend();
    RegistryBackend.Registered answer;
    try {
      answer = retrying.call(
          () -> b.register(resolved, null, config.leaseTtlSeconds(), config.requestTimeout()));
    } catch (RegistryException e) {
      events.registryFailed(e);
      throw e;
    }
    events.registryReachable();
    ServiceInstance registered = answer.instance();
    Lease lease = new Lease(this, registered, answer.secret(), clock.millis());
    leases.add(lease);
    events.fire(l -> l.registered(registered));
    return lease;
  }

  void forget(Lease lease) {
    leases.remove(lease);
  }

  @Override
  public Registration registerOnce(ServiceInstance instance) {
    Lease lease = newLease(instance);
    if (closed) {
      lease.close();
      throw new IllegalStateException("RegistryClient is closed");
    }
    return lease;
  }

  @Override
  public boolean deregister(ServiceInstance instance) {
    requireNonNull(instance, "instance");
    ensureOpen();
    ServiceInstance resolved = instance.stage() == null ? instance.withStage(config.stage()) : instance;
    String secret = null;
    for (Lease lease : leases) {
      ServiceInstance held = lease.instance();
      if (held.service().equals(resolved.service()) && held.id().equals(resolved.id())
          && resolved.stage().equals(held.stage())) {
        secret = lease.secret(); // the registry may ask for it (docs/api.md, "Security")
        if (lease.stop()) {
          forget(lease);
        }
      }
    }
    String ownSecret = secret;
    boolean known;
    try {
      known = retrying.call(
          () -> backend().deregister(resolved, ownSecret, config.requestTimeout()));
    } catch (RegistryException e) {
      events.registryFailed(e);
      throw e;
    }
    events.registryReachable();
    events.fire(l -> l.deregistered(resolved, true));
    return known;
  }

  // ---- lookups

  @Override
  public ServiceInstance choose(String service) {
    return choose(service, config.stage());
  }

  @Override
  public ServiceInstance choose(String service, String stage) {
    ServiceHolder holder = lookup(service, stage);
    ServiceHolder.Snapshot snapshot = holder.snapshot();
    List<ServiceInstance> up = snapshot.up();
    if (up.isEmpty()) {
      throw new NoInstanceAvailableException(service, stage);
    }
    if (holder.ejections == 0) {
      return config.loadBalancer().choose(up, holder.sequence.next());
    }
    // Some instance was ejected: skip ejected picks (at most half are, so one of a round is not).
    long now = clock.millis();
    for (int i = 0; i < up.size(); i++) {
      ServiceInstance pick = config.loadBalancer().choose(up, holder.sequence.next());
      if (!holder.ejected(pick.id(), now)) {
        return pick;
      }
    }
    return config.loadBalancer().choose(up, holder.sequence.next());
  }

  @Override
  public void reportFailure(ServiceInstance instance) {
    requireNonNull(instance, "instance");
    ServiceHolder holder = cache.get(instance.service(), stageOf(instance));
    if (holder != null && holder.reportFailure(instance.id(), clock.millis(), config.ejectAfter(),
        config.ejectionTime().toMillis())) {
      log().debug("Ejected {} {} for {}", instance.service(), instance.id(), config.ejectionTime());
    }
  }

  @Override
  public void reportSuccess(ServiceInstance instance) {
    requireNonNull(instance, "instance");
    ServiceHolder holder = cache.get(instance.service(), stageOf(instance));
    if (holder != null) {
      holder.reportSuccess(instance.id());
    }
  }

  @Override
  public boolean isEjected(ServiceInstance instance) {
    requireNonNull(instance, "instance");
    ServiceHolder holder = cache.get(instance.service(), stageOf(instance));
    return holder != null && holder.ejections != 0 && holder.ejected(instance.id(), clock.millis());
  }

  private String stageOf(ServiceInstance instance) {
    String stage = instance.stage();
    return stage != null ? stage : config.stage();
  }

  @Override
  public List<ServiceInstance> instances(String service) {
    return instances(service, config.stage());
  }

  @Override
  public List<ServiceInstance> instances(String service, String stage) {
    return lookup(service, stage).snapshot().view().instances();
  }

  @Override
  public ServiceView view(String service, String stage) {
    return lookup(service, stage).snapshot().view();
  }

  @Override
  public List<String> services(String stage) {
    Map<String, ServiceView> views = catalog(stage);
    List<String> names = new ArrayList<>(views.keySet());
    names.sort(null);
    return List.copyOf(names);
  }

  /** Every service of {@code stage} with its view, in one call with retries (the catalog route). */
  private Map<String, ServiceView> catalog(String stage) {
    ensureOpen();
    Checks.name("stage", stage);
    Map<String, ServiceView> views;
    try {
      views = retrying.call(() -> backend().catalog(stage, config.requestTimeout()));
    } catch (RegistryException e) {
      events.registryFailed(e);
      throw e;
    }
    events.registryReachable();
    return views;
  }

  @Override
  public int warmUp(String stage) {
    Map<String, ServiceView> views = catalog(stage);
    long now = clock.millis();
    for (Map.Entry<String, ServiceView> e : views.entrySet()) {
      ServiceHolder holder = cache.getOrCreate(e.getKey(), stage);
      holder.refreshLock.lock();
      try {
        holder.apply(e.getValue(), now);
      } finally {
        holder.refreshLock.unlock();
      }
      counters.refreshes.increment();
      startWatching(holder);
    }
    return views.size();
  }

  /** Returns a loaded holder. The fast path reads the cache and nothing else. */
  @SuppressWarnings("NullAway")
  private ServiceHolder lookup(String service, String stage) {
    if (closed) {
      throw new IllegalStateException("RegistryClient is closed");
    }
    counters.lookups.increment();
    ServiceHolder holder = cache.get(service, stage);
    if (holder != null && holder.snapshot() != null) {
      if (!config.backgroundRefresh()
          && clock.millis() - holder.checkedAtMillis >= config.refreshInterval().toMillis()) {
        refreshInline(holder);
      } else {
        counters.cacheHits.increment();
      }
      return holder;
    }
    Checks.name("service", service);
    Checks.name("stage", stage);
    holder = cache.getOrCreate(service, stage);
    load(holder);
    return holder;
  }

  /** The first fetch of a service, on the caller's thread, with retries. */
  private void load(ServiceHolder holder) {
    holder.refreshLock.lock();
    try {
      if (holder.snapshot() == null) {
        ServiceView view;
        try {
          view = retrying.call(() -> backend().discover(
              holder.service, holder.stage, config.requestTimeout()));
        } catch (RegistryException e) {
          events.registryFailed(e);
          SnapshotFile.Saved saved = snapshotFile == null ? null : snapshotFile.find(holder.service, holder.stage);
          if (saved == null) {
            throw e;
          }
          long now = clock.millis();
          if (snapshotFile.tooOld(saved, now)) {
            e.addSuppressed(new IllegalStateException(snapshotFile.whyTooOld(holder, saved, now)));
            throw e;
          }
          // Cold start while the registry is down: the last good view from disk, marked stale.
          // Index 0, so that the watch's first answer from the registry replaces it at once.
          // It keeps its saved time, so that a rewrite of the file does not make it younger.
          log().info("Registry unreachable; serving {} from the snapshot {} (saved {} ago)", holder,
              snapshotFile, Duration.ofMillis(now - saved.savedAtMillis()));
          view = null;
          ServiceView old = saved.view();
          holder.apply(new ServiceView(old.service(), old.stage(), 0, old.instances(), true), now,
              saved.savedAtMillis());
        }
        if (view != null) {
          events.registryReachable();
          counters.refreshes.increment();
          applied(holder, view);
        }
      } else {
        counters.cacheHits.increment();
      }
    } finally {
      holder.refreshLock.unlock();
    }
    startWatching(holder);
  }

  /**
   * Takes a view the registry answered. A change is written to the snapshot file, if any; so
   * is an unchanged view when the file was last written a tenth of its maximum age ago, so
   * that the saved times of views that rarely change keep up with their confirmations.
   */
  private void applied(ServiceHolder holder, ServiceView view) {
    long now = clock.millis();
    if (holder.apply(view, now) && snapshotFile != null) {
      saveSnapshot(now);
    } else {
      snapshotIfDue(now);
    }
  }

  /** Rewrites the snapshot file if the last write is older than a tenth of its maximum age. */
  private void snapshotIfDue(long now) {
    if (snapshotFile != null && snapshotFile.resaveDue(now)) {
      saveSnapshot(now);
    }
  }

  private void saveSnapshot(long now) {
    SnapshotFile file = snapshotFile;
    if (file == null) {
      return;
    }
    List<SnapshotFile.Saved> views = new ArrayList<>();
    for (ServiceHolder h : cache.holders()) {
      synchronized (h) {  // the view and its confirmation time together (apply holds it)
        ServiceHolder.Snapshot s = h.snapshot();
        if (s != null) {
          views.add(new SnapshotFile.Saved(s.view(), h.confirmedAtMillis));
        }
      }
    }
    file.save(views, now);
  }

  /** Without background refresh: one bounded attempt; on failure the stale view serves. */
  private void refreshInline(ServiceHolder holder) {
    if (!holder.refreshLock.tryLock()) {
      return;
    }
    try {
      if (clock.millis() - holder.checkedAtMillis < config.refreshInterval().toMillis()) {
        return;
      }
      refreshOnce(holder);
    } finally {
      holder.refreshLock.unlock();
    }
  }

  private void refreshOnce(ServiceHolder holder) {
    refreshOnce(holder, config.requestTimeout());
  }

  private void refreshOnce(ServiceHolder holder, Duration timeout) {
    try {
      ServiceView view = backend().discover(holder.service, holder.stage, timeout);
      events.registryReachable();
      counters.refreshes.increment();
      applied(holder, view);
    } catch (RegistryException e) {
      events.registryFailed(e);
      holder.markStale(clock.millis());
    }
  }

  // ---- watching

  @Override
  public Watch watch(String service, ServiceListener listener) {
    return watch(service, config.stage(), listener);
  }

  @Override
  public Watch watch(String service, String stage, ServiceListener listener) {
    requireNonNull(listener, "listener");
    ensureOpen();
    Checks.name("service", service);
    Checks.name("stage", stage);
    ServiceHolder holder = cache.getOrCreate(service, stage);
    try {
      load(holder);
    } catch (RegistryException e) {
      log().debug("Watch of {} waits for the registry: {}", holder, e.toString());
      startWatching(holder);
    }
    holder.subscribe(listener);
    return () -> holder.listeners.remove(listener);
  }

  /**
   * Starts watching a service: it joins a long-poll of its stage (restarted shortly to name it),
   * or, where the registry cannot answer those, gets a long-poll of its own.
   */
  private void startWatching(ServiceHolder holder) {
    if (!config.backgroundRefresh() || !holder.watching.compareAndSet(false, true)) {
      return;
    }
    List<StagePoll> polls = stagePolls.computeIfAbsent(holder.stage, s -> new ArrayList<>());
    StagePoll joined = null;
    synchronized (polls) {
      if (!perServiceStages.contains(holder.stage)) {
        for (StagePoll poll : polls) {
          if (poll.fits(holder.service)) {
            joined = poll;
            break;
          }
        }
        if (joined == null) {
          joined = new StagePoll(holder.stage);
          polls.add(joined);
        }
        joined.join(holder);
      }
    }
    if (joined == null) {
      pollOnce(holder);
    } else if (joined.restartWanted() && joined.restartQueued.compareAndSet(false, true)) {
      StagePoll poll = joined;
      try {
        scheduler().schedule(() -> {
          poll.restartQueued.set(false);
          runStep(poll, () -> pollStage(poll));
        }, JOIN_DELAY_MILLIS, TimeUnit.MILLISECONDS);
      } catch (RejectedExecutionException | IllegalStateException e) {
        poll.restartQueued.set(false);
        log().debug("{} not started: client closing", poll);
      }
    }
  }

  /**
   * One step of a stage's long-poll loop: {@code GET /catalog?stage=&services=&index=&wait=}
   * naming the services that joined it; the next step starts from its answer.
   */
  private void pollStage(StagePoll poll) {
    if (closed) {
      return;
    }
    StagePoll.Request request = poll.next();
    if (request == null) {
      return;
    }
    long started = System.nanoTime();
    Duration wait = config.longPollWait();
    CompletableFuture<RegistryBackend.@Nullable ServiceCatalog> call;
    try {
      call = backend().watchServices(poll.stage, request.names(), request.index(), wait,
          wait.plus(config.requestTimeout()));
    } catch (RuntimeException e) {
      call = CompletableFuture.failedFuture(e);
    }
    if (!poll.started(request.generation(), call)) {
      call.cancel(true);
      return;
    }
    call.whenComplete((answer, failure) -> {
      if (closed || !poll.current(request)) {
        return;
      }
      if (failure != null) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
            ? failure.getCause() : failure;
        if (cause instanceof RegistryRejectedException) {
          perService(poll.stage);  // a registry that refuses the list
        } else if (!(cause instanceof CancellationException)) {
          stagePollFailed(poll, request, cause);
        }
      } else if (answer == null) {
        perService(poll.stage);
      } else {
        stagePollAnswered(poll, request, answer, started);
      }
    });
  }

  private void stagePollAnswered(StagePoll poll, StagePoll.Request request,
      RegistryBackend.ServiceCatalog answer, long started) {
    if (!poll.answered(request, answer.index(), answer.delta(), answer.epoch())) {
      return;
    }
    events.registryReachable();
    long now = clock.millis();
    for (ServiceHolder holder : request.holders()) {
      if (holder.closed) {
        continue;
      }
      ServiceView view = answer.views().get(holder.service);
      if (view == null && !answer.delta()) {
        view = new ServiceView(holder.service, holder.stage, answer.index(), List.of(), false);
      }
      if (view != null) {
        counters.refreshes.increment();
        applied(holder, view);
      } else {
        holder.checkedAtMillis = now;  // unchanged: confirmed for the safety net
        holder.confirmedAtMillis = now;  // and for the snapshot file
      }
    }
    snapshotIfDue(now);
    if (answer.views().isEmpty() && System.nanoTime() - started < MIN_POLL_NANOS) {
      scheduleStage(poll, 1000);  // a registry that does not hold the poll
    } else {
      pollStage(poll);
    }
  }

  private void stagePollFailed(StagePoll poll, StagePoll.Request request, Throwable cause) {
    if (!poll.failed(request)) {
      return;
    }
    RegistryException e = cause instanceof RegistryException re
        ? re
        : new RegistryUnavailableException(poll + " failed: " + cause, 0, cause);
    events.registryFailed(e);
    long now = clock.millis();
    for (ServiceHolder holder : request.holders()) {
      holder.markStale(now);
    }
    log().debug("{} failed", poll, e);
    scheduleStage(poll, retrying.backoffMillis(poll.failures()));
  }

  private void scheduleStage(StagePoll poll, long delayMillis) {
    if (closed) {
      return;
    }
    synchronized (poll) {
      try {
        poll.waiting(scheduler().schedule(() -> runStep(poll, () -> pollStage(poll)),
            delayMillis, TimeUnit.MILLISECONDS));
      } catch (RejectedExecutionException | IllegalStateException e) {
        log().debug("{} stopped: client closing", poll);
      }
    }
  }

  private static void runStep(StagePoll poll, Runnable step) {
    try {
      step.run();
    } catch (RuntimeException e) {
      log().warn("{} failed unexpectedly", poll, e);
    }
  }

  /**
   * The registry cannot answer a stage poll (the seed's has no catalog route; an older one
   * ignores {@code services}): every service of the stage polls on its own from now on.
   */
  private void perService(String stage) {
    List<StagePoll> polls = stagePolls.get(stage);
    if (polls == null) {
      return;
    }
    List<ServiceHolder> holders = new ArrayList<>();
    synchronized (polls) {
      if (!perServiceStages.add(stage)) {
        return;
      }
      for (StagePoll poll : polls) {
        holders.addAll(poll.holders());
        poll.stop();
      }
      polls.clear();
    }
    log().debug("The registry answers no stage poll; each service of stage {} polls on its own", stage);
    for (ServiceHolder holder : holders) {
      pollOnce(holder);
    }
  }

  /** One step of the long-poll loop of a service; the next step starts from its answer. */
  private void pollOnce(ServiceHolder holder) {
    if (closed || holder.closed) {
      return;
    }
    ServiceHolder.Snapshot snapshot = holder.snapshot();
    if (snapshot == null) {
      // Never fetched (a watch while the registry was away): fetch on the scheduler.
      schedule(holder, () -> {
        refreshOnce(holder);
        if (holder.snapshot() != null) {
          holder.pollFailures = 0;
          pollOnce(holder);
        } else {
          pollFailed(holder, null);
        }
      }, retrying.backoffMillis(Math.max(1, holder.pollFailures)));
      return;
    }
    long index = snapshot.view().index();
    long started = System.nanoTime();
    Duration wait = config.longPollWait();
    CompletableFuture<ServiceView> poll;
    try {
      poll = backend().watch(holder.service, holder.stage, index, wait,
          wait.plus(config.requestTimeout()));
    } catch (RuntimeException e) {
      poll = CompletableFuture.failedFuture(e);
    }
    holder.inFlight = poll;
    if (holder.closed) {
      poll.cancel(true);
      return;
    }
    poll.whenComplete((view, failure) -> {
      if (closed || holder.closed) {
        return;
      }
      if (failure != null) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
            ? failure.getCause() : failure;
        if (!(cause instanceof CancellationException)) {
          pollFailed(holder, cause);
        }
        return;
      }
      holder.pollFailures = 0;
      events.registryReachable();
      counters.refreshes.increment();
      applied(holder, view);
      if (view.index() == index && System.nanoTime() - started < MIN_POLL_NANOS) {
        schedule(holder, () -> pollOnce(holder), 1000);
      } else {
        pollOnce(holder);
      }
    });
  }

  private void pollFailed(ServiceHolder holder, @Nullable Throwable cause) {
    if (cause != null) {
      RegistryException e = cause instanceof RegistryException re
          ? re
          : new RegistryUnavailableException("long-poll of " + holder + " failed: " + cause, 0, cause);
      events.registryFailed(e);
      holder.markStale(clock.millis());
      log().debug("Long-poll of {} failed", holder, e);
    }
    int attempt = ++holder.pollFailures;
    schedule(holder, () -> pollOnce(holder), retrying.backoffMillis(attempt));
  }

  private void schedule(ServiceHolder holder, Runnable step, long delayMillis) {
    if (closed || holder.closed) {
      return;
    }
    try {
      holder.inFlight = scheduler().schedule(() -> {
        try {
          step.run();
        } catch (RuntimeException e) {
          log().warn("Watch of {} failed unexpectedly", holder, e);
        }
      }, delayMillis, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException | IllegalStateException e) {
      log().debug("Watch of {} stopped: client closing", holder);
    }
  }

  /** The safety net: views that nothing confirmed for a while are fetched again. */
  private void periodicRefresh() {
    try {
      cache.cleanUp();
      long now = clock.millis();
      long maxAge = config.refreshInterval().plus(config.longPollWait()).toMillis();
      for (ServiceHolder holder : cache.holders()) {
        if (closed) {
          return;
        }
        if (!holder.listeners.isEmpty()) {
          cache.touch(holder);
        }
        if (holder.snapshot() != null && now - holder.checkedAtMillis >= maxAge
            && holder.refreshLock.tryLock()) {
          try {
            refreshOnce(holder);
          } finally {
            holder.refreshLock.unlock();
          }
        }
      }
    } catch (RuntimeException e) {
      log().warn("Periodic refresh failed unexpectedly", e);
    }
  }

  // ---- inline work (no background thread)

  @Override
  public void runDueWork() {
    ensureOpen();
    long now = clock.millis();
    for (Lease lease : leases) {
      if (lease.due(now)) {
        lease.renew();
      }
    }
    cache.cleanUp();
    for (ServiceHolder holder : cache.holders()) {
      if (!holder.listeners.isEmpty()) {
        cache.touch(holder);
      }
      if (now - holder.checkedAtMillis >= config.refreshInterval().toMillis()
          && holder.refreshLock.tryLock()) {
        try {
          refreshOnce(holder);
        } finally {
          holder.refreshLock.unlock();
        }
      }
    }
  }

  @Override
  public void runDueWork(Duration budget) {
    Checks.positive("budget", budget);
    ensureOpen();
    long deadline = System.nanoTime() + budget.toNanos();
    long now = clock.millis();
    for (Lease lease : leases) {
      if (deadline - System.nanoTime() <= 0) {
        return;
      }
      if (lease.due(now)) {
        lease.renewBefore(deadline);
      }
    }
    cache.cleanUp();
    for (ServiceHolder holder : cache.holders()) {
      if (!holder.listeners.isEmpty()) {
        cache.touch(holder);
      }
      long remaining = deadline - System.nanoTime();
      if (remaining <= 0) {
        return;
      }
      if (now - holder.checkedAtMillis >= config.refreshInterval().toMillis()
          && holder.refreshLock.tryLock()) {
        try {
          refreshOnce(holder, boundedTimeout(remaining));
        } finally {
          holder.refreshLock.unlock();
        }
      }
    }
  }

  /** The request timeout, or less when less than it remains; at least a millisecond. */
  Duration boundedTimeout(long remainingNanos) {
    return Retrying.min(config.requestTimeout(),
        Duration.ofNanos(Math.max(1_000_000, remainingNanos)));
  }

  // ---- the rest

  @Override
  public ClientStats stats() {
    return counters.snapshot();
  }

  @Override
  public String stage() {
    return config.stage();
  }

  @Override
  public void close() {
    synchronized (lifecycle) {
      if (closed) {
        return;
      }
      closed = true;
      if (periodicRefresh != null) {
        periodicRefresh.cancel(false);
      }
    }
    List<Lease> all = new ArrayList<>(leases);
    for (Lease lease : all) {
      lease.stop();
    }
    cache.invalidateAll();
    for (List<StagePoll> polls : stagePolls.values()) {
      synchronized (polls) {
        polls.forEach(StagePoll::stop);
      }
    }
    long deadline = System.nanoTime() + config.deregisterTimeout().toNanos();
    for (Lease lease : all) {
      lease.deregister(deadline);
      leases.remove(lease);
    }
    synchronized (lifecycle) {
      if (ownedScheduler != null) {
        ownedScheduler.shutdownNow();
      }
      if (ownedTransport != null) {
        ownedTransport.close();
      }
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

  @Override
  public String toString() {
    return "RegistryClient{" + endpoints.all() + ", stage=" + config.stage() + "}";
  }
}
