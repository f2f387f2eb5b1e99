package dev.registry.server;

import dev.registry.address.AddressPolicy;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.channels.AsynchronousChannelGroup;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.CompletionHandler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.util.Promise;
import org.eclipse.jetty.util.SocketAddressResolver;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the {@link HealthCheck}s of the registry's instances ({@code --health-checks}): a TCP
 * connect or an HTTP GET per check, each instance on its own interval, and the instance's status
 * moved to {@code DOWN} after its failures and back to {@code UP} after its successes, as a
 * change like any other (saved, seen by watches).
 *
 * <p>Bounded, whatever the number of instances: the checks are non-blocking (an asynchronous
 * socket for TCP, Jetty's HTTP client for HTTP), at most {@value #MAX_IN_FLIGHT} run at once,
 * and they use a fixed set of threads (one timer, one for TCP completions, at most {@value
 * #MAX_POOL_THREADS} for the HTTP client and name resolution), none of the server's. A check
 * connects out on a client's word, so every address it resolves to passes the server's {@link
 * AddressPolicy} first: with the policy on, a name that resolves to a link-local or metadata
 * address is never connected to, whatever it resolved to at registration.
 *
 * <p>It learns of instances as the registry's {@link Journal} (told under the registry's lock:
 * it only updates its map and schedules), and of restored ones at {@link #start}.
 */
final class HealthChecker implements Journal, AutoCloseable {
  static final int MAX_IN_FLIGHT = 64;
  static final int MAX_POOL_THREADS = 8;
  private static final long BUSY_RETRY_MILLIS = 50;
  private static final Logger LOG = LoggerFactory.getLogger(HealthChecker.class);

  private record Key(String service, String stage, String id) {
    static Key of(Instance i) {
      return new Key(i.service, i.stage, i.id);
    }
  }

  /** One checked instance: the latest instance the registry told of, and its run of results. */
  private static final class Target {
    volatile Instance instance;
    volatile boolean removed;
    int failuresInARow;
    int successesInARow;
    @Nullable ScheduledFuture<?> next;

    Target(Instance instance) {
      this.instance = instance;
    }
  }

  private final Registry registry;
  private final boolean denyLinkLocal;
  private final ConcurrentHashMap<Key, Target> targets = new ConcurrentHashMap<>();
  private final Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);
  private final AtomicLong checksRun = new AtomicLong();
  private final ScheduledExecutorService timer;
  private final QueuedThreadPool pool;
  private final HttpClient http;
  private final AsynchronousChannelGroup tcp;
  private volatile boolean closed;

  private HealthChecker(Registry registry, boolean denyLinkLocal) {
    this.registry = registry;
    this.denyLinkLocal = denyLinkLocal;
    this.timer = Executors.newSingleThreadScheduledExecutor(named("registry-check-timer"));
    this.pool = new QueuedThreadPool(MAX_POOL_THREADS, 2);
    pool.setName("registry-check");
    pool.setDaemon(true);
    this.http = new HttpClient();
    http.setExecutor(pool);
    http.setFollowRedirects(false);
    http.setUserAgentField(new HttpField(HttpHeader.USER_AGENT, "registry-health-check"));
    http.setMaxConnectionsPerDestination(4);
    http.setSocketAddressResolver(this::resolve);
    try {
      this.tcp = AsynchronousChannelGroup.withFixedThreadPool(1, named("registry-check-tcp"));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("cannot open the health checks' socket group", e);
    }
  }

  private static java.util.concurrent.ThreadFactory named(String name) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, n.getAndIncrement() == 0 ? name : name + "-" + n.get());
      t.setDaemon(true);
      return t;
    };
  }

  /**
   * A running checker: its threads started, and every instance the registry holds with a check
   * scheduled. The caller makes it the registry's journal (beside any other) and closes it.
   *
   * @throws IllegalStateException when its HTTP client or sockets cannot start
   */
  static HealthChecker start(Registry registry, boolean denyLinkLocal) {
    HealthChecker checker = new HealthChecker(registry, denyLinkLocal);
    try {
      checker.http.start();
    } catch (Exception e) {
      checker.close();
      throw new IllegalStateException("cannot start the health checks' HTTP client: " + e, e);
    }
    for (ServiceView view : registry.allViews()) {
      for (Instance i : view.instances()) {
        checker.saved(i);
      }
    }
    return checker;
  }

  /** Checks run so far (each TCP connect or HTTP GET finished); for tests. */
  long checksRun() {
    return checksRun.get();
  }

  // ---------------------------------------------------------------- the registry's changes

  @Override
  public void saved(Instance instance) {
    if (closed) {
      return;
    }
    if (instance.check == null) {
      removed(instance);
      return;
    }
    Key key = Key.of(instance);
    Target existing = targets.get(key);
    if (existing != null) {
      if (!instance.check.equals(existing.instance.check) || !instance.address.equals(existing.instance.address)) {
        synchronized (existing) {
          existing.failuresInARow = 0;
          existing.successesInARow = 0;
        }
      }
      existing.instance = instance;
      return;
    }
    Target target = new Target(instance);
    targets.put(key, target);
    // The first check comes at a random point of the first interval, so that instances
    // registered together (a restart restores them all at once) are not checked in step.
    schedule(target, ThreadLocalRandom.current().nextLong(instance.check.interval().toMillis() + 1));
  }

  @Override
  public void removed(Instance instance) {
    Target target = targets.remove(Key.of(instance));
    if (target != null) {
      target.removed = true;
      synchronized (target) {
        if (target.next != null) {
          target.next.cancel(false);
        }
      }
    }
  }

  private void schedule(Target target, long delayMillis) {
    synchronized (target) {
      if (target.removed || closed) {
        return;
      }
      try {
        target.next = timer.schedule(() -> run(target), delayMillis, TimeUnit.MILLISECONDS);
      } catch (java.util.concurrent.RejectedExecutionException e) {
        // closing
      }
    }
  }

  // ---------------------------------------------------------------- one check

  private void run(Target target) {
    if (target.removed || closed) {
      return;
    }
    if (!inFlight.tryAcquire()) {
      schedule(target, BUSY_RETRY_MILLIS);
      return;
    }
    Instance instance = target.instance;
    HealthCheck check = instance.check;
    if (check == null) {
      inFlight.release();
      return;
    }
    CompletableFuture<Boolean> result;
    try {
      result = check.type().equals("http") ? http(instance, check) : tcp(instance, check.timeout());
    } catch (RuntimeException e) {
      result = CompletableFuture.failedFuture(e);
    }
    result.whenComplete((ok, failure) -> {
      inFlight.release();
      checksRun.incrementAndGet();
      try {
        record(target, Boolean.TRUE.equals(ok));
      } catch (RuntimeException e) {
        LOG.warn("Health check of {} could not change its status: {}", instance, e.toString());
      }
      schedule(target, check.interval().toMillis());
    });
  }

  /** Counts a result and moves the status when the run of results asks for it. */
  private void record(Target target, boolean ok) {
    Instance instance = target.instance;
    HealthCheck check = instance.check;
    if (check == null || target.removed) {
      return;
    }
    InstanceStatus to = null;
    synchronized (target) {
      if (ok) {
        target.successesInARow++;
        target.failuresInARow = 0;
        if (instance.status == InstanceStatus.DOWN && target.successesInARow >= check.successes()) {
          to = InstanceStatus.UP;
        }
      } else {
        target.failuresInARow++;
        target.successesInARow = 0;
        if (instance.status == InstanceStatus.UP && target.failuresInARow >= check.failures()) {
          to = InstanceStatus.DOWN;
        }
      }
    }
    if (to != null) {
      try {
        registry.setStatus(instance.service, instance.stage,
            new Registry.InstanceRef(instance.id, null, instance.secret), to);
        LOG.info("Health check: {} of {} is {} ({} {} in a row)", instance.address, instance.service, to,
            ok ? target.successesInARow : target.failuresInARow, ok ? "successes" : "failures");
      } catch (NotRegisteredException e) {
        // Removed meanwhile: the journal drops the target.
      }
    }
  }

  private CompletableFuture<Boolean> tcp(Instance instance, Duration timeout) {
    URI uri = URI.create(instance.address);
    CompletableFuture<Boolean> result = new CompletableFuture<>();
    resolve(uri.getHost(), port(uri), Map.of(), Promise.from(addresses -> connect(addresses.get(0), timeout, result),
        failure -> result.complete(false)));
    return result;
  }

  private void connect(InetSocketAddress address, Duration timeout, CompletableFuture<Boolean> result) {
    AsynchronousSocketChannel channel;
    try {
      channel = AsynchronousSocketChannel.open(tcp);
    } catch (IOException e) {
      result.complete(false);
      return;
    }
    ScheduledFuture<?> deadline = timer.schedule(() -> {
      result.complete(false);
      closeQuietly(channel);
    }, timeout.toMillis(), TimeUnit.MILLISECONDS);
    channel.connect(address, null, new CompletionHandler<Void, Void>() {
      @Override
      public void completed(Void v, Void attachment) {
        deadline.cancel(false);
        closeQuietly(channel);
        result.complete(true);
      }

      @Override
      public void failed(Throwable failure, Void attachment) {
        deadline.cancel(false);
        closeQuietly(channel);
        result.complete(false);
      }
    });
  }

  private CompletableFuture<Boolean> http(Instance instance, HealthCheck check) {
    URI base = URI.create(instance.address);
    URI target = URI.create(base.getScheme() + "://" + base.getRawAuthority() + check.path());
    CompletableFuture<Boolean> result = new CompletableFuture<>();
    http.newRequest(target)
        .method(HttpMethod.GET)
        .timeout(check.timeout().toMillis(), TimeUnit.MILLISECONDS)
        .send(r -> result.complete(r.getResponse() != null && r.getFailure() == null
            && r.getResponse().getStatus() / 100 == 2));
    return result;
  }

  /**
   * Resolves a host on the pool (a lookup blocks) and keeps only the addresses the server's
   * policy allows; none left fails the check. Also the HTTP client's resolver, so an HTTP check
   * connects only to what passed here.
   */
  private void resolve(String host, int port, Map<String, Object> context, Promise<List<InetSocketAddress>> promise) {
    try {
      pool.execute(() -> {
        try {
          List<InetSocketAddress> allowed = new ArrayList<>();
          for (InetAddress a : InetAddress.getAllByName(host)) {
            if (!denyLinkLocal || AddressPolicy.denied(a).isEmpty()) {
              allowed.add(new InetSocketAddress(a, port));
            }
          }
          if (allowed.isEmpty()) {
            promise.failed(new UnknownHostException(host + " resolves only to addresses the registry may not connect to"));
          } else {
            promise.succeeded(allowed);
          }
        } catch (UnknownHostException | RuntimeException e) {
          promise.failed(e);
        }
      });
    } catch (java.util.concurrent.RejectedExecutionException e) {
      promise.failed(e);
    }
  }

  private static int port(URI uri) {
    return uri.getPort() != -1 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
  }

  private static void closeQuietly(AsynchronousSocketChannel channel) {
    try {
      channel.close();
    } catch (IOException e) {
      // closing a connect attempt: nothing to do
    }
  }

  /** Stops every check and the checker's threads; idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    targets.clear();
    timer.shutdownNow();
    try {
      http.stop();
    } catch (Exception e) {
      LOG.debug("health checks' HTTP client did not stop cleanly: {}", e.toString());
    }
    try {
      tcp.shutdownNow();
    } catch (IOException e) {
      LOG.debug("health checks' socket group did not stop cleanly: {}", e.toString());
    }
    try {
      pool.stop();
    } catch (Exception e) {
      LOG.debug("health checks' pool did not stop cleanly: {}", e.toString());
    }
  }
}
