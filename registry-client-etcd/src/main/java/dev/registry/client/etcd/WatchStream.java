package dev.registry.client.etcd;

import dev.registry.client.RegistryException;
import dev.registry.client.RegistryRejectedException;
import dev.registry.client.RegistryUnavailableException;
import dev.registry.client.spi.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * One etcd watch of a key prefix, from a revision, on one member: a {@code POST /v3/watch} whose
 * answer is a stream of newline-delimited JSON objects. The client's {@code HttpTransport}
 * answers whole bodies only, so the stream goes through the JDK's {@link HttpClient}
 * ({@link Streams}), which hands lines over as they come and drops the connection at once when
 * the stream is closed.
 *
 * <p>The stream asks for progress notifications and sends {@code Grpc-Metadata-hasleader}, so a
 * member that loses its cluster cancels the watch instead of going quiet (etcd-io/etcd#10819).
 * It ends in exactly one way, told to the {@link Listener} once: etcd compacted the revision it
 * started from ({@link Listener#compacted}); nothing came for {@code idle} ({@link Listener#idle},
 * so that a member that silently went away is noticed: the owner opens a new stream, which
 * connects to a live member or fails); or anything else ({@link Listener#failed}).
 * {@link #close()} ends it without telling. With credentials, a watch that etcd cancels for an
 * expired token authenticates again and reconnects once, from where it was.
 *
 * <p>The listener is called one call at a time, on the HTTP client's threads, never while this
 * stream holds its lock.
 */
final class WatchStream implements AutoCloseable {

  /** What the stream tells its owner. */
  interface Listener {
    /**
     * etcd made the watch; events from the start revision on follow.
     *
     * @param clusterId the cluster's id
     * @param revision the store's revision now
     */
    void created(String clusterId, long revision);

    /** Keys changed, in revision order; nothing at or below {@code revision} is missed. */
    void changed(List<Change> changes, long revision);

    /** A progress notification: nothing at or below {@code revision} is missed. */
    void progress(long revision);

    /** etcd compacted past the start revision: read afresh, then watch from that read. */
    void compacted(long compactRevision);

    /** Nothing came for the idle time: the stream ended, nothing is wrong that is known. */
    void idle();

    /** The stream failed or ended; {@code cause} says how. */
    void failed(RegistryException cause);
  }

  /**
   * One event.
   *
   * @param deleted whether the key was deleted (else put)
   * @param kv the key as it is after the event; its value is empty when deleted
   */
  record Change(boolean deleted, KeyValue kv) {}

  private final Gateway gateway;
  private final Streams streams;
  private final String prefix;
  private final Duration connectTimeout;
  private final Duration idle;
  private final Listener listener;
  /** Where a connection starts: past every revision heard of. */
  private long next;
  private boolean retriedToken;
  /** The connection now, null once ended. */
  private @Nullable Connection connection;
  private boolean ended;
  /** Held while a step and what it tells run, so that listener calls come one at a time, in order. */
  private final ReentrantLock deliver = new ReentrantLock();

  private WatchStream(Gateway gateway, Streams streams, String prefix, long fromRevision,
      Duration connectTimeout, Duration idle, Listener listener) {
    this.gateway = gateway;
    this.streams = streams;
    this.prefix = prefix;
    this.next = fromRevision;
    this.connectTimeout = connectTimeout;
    this.idle = idle;
    this.listener = listener;
  }

  /**
   * Starts watching every key under {@code prefix} from {@code fromRevision}, on the gateway's
   * current member. Returns at once; the listener hears the rest.
   */
  static WatchStream open(Gateway gateway, Streams streams, String prefix, long fromRevision,
      Duration connectTimeout, Duration idle, Listener listener) {
    WatchStream stream = new WatchStream(gateway, streams, prefix, fromRevision, connectTimeout, idle, listener);
    streams.executor().execute(stream::connect);
    return stream;
  }

  private void connect() {
    deliver.lock();
    try {
      URI member;
      synchronized (this) {
        if (ended) {
          return;
        }
        member = gateway.members().current();
      }
      Map<String, String> headers;
      try {
        headers = gateway.headers(member, connectTimeout);
      } catch (RegistryException e) { // authenticating failed
        Runnable tell;
        synchronized (this) {
          tell = end(null, e);
        }
        run(tell);
        return;
      }
      Connection c;
      synchronized (this) {
        if (ended) {
          return;
        }
        c = new Connection(member, headers);
        connection = c;
      }
      c.start();
    } finally {
      deliver.unlock();
    }
  }

  /**
   * Takes one step under this stream's lock, then tells the listener what the step returned,
   * outside the lock: the owner's {@code close()} (which the core calls under its own lock) never
   * waits for a listener call. Steps and what they tell run one at a time, in order.
   */
  private void act(Supplier<@Nullable Runnable> step) {
    deliver.lock();
    try {
      Runnable tell;
      synchronized (this) {
        tell = step.get();
      }
      run(tell);
    } finally {
      deliver.unlock();
    }
  }

  private static void run(@Nullable Runnable tell) {
    if (tell != null) {
      tell.run();
    }
  }

  /** Ends the stream (under the lock): what to tell the listener, or null. */
  private @Nullable Runnable end(@Nullable Connection from, @Nullable RegistryException failure) {
    if (ended || (from != null && from != connection)) {
      return null;
    }
    Connection c = connection;
    connection = null;
    if (c != null) {
      c.cancel();
    }
    if (failure instanceof RegistryRejectedException r && r.errorCode().equals("unauthenticated")
        && gateway.hasCredentials() && !retriedToken && from != null) {
      retriedToken = true;
      gateway.tokenExpired(from.headers);
      streams.executor().execute(this::connect);
      return null;
    }
    ended = true;
    if (failure instanceof RegistryUnavailableException && from != null) {
      gateway.members().failed(from.member);
    }
    return failure == null ? null : () -> listener.failed(failure);
  }

  /** Takes one line of {@code from}'s stream (under the lock): what to tell, or null. */
  private @Nullable Runnable take(Connection from, String line) {
    if (ended || from != connection || line.isBlank()) {
      return null;
    }
    Map<?, ?> message = map(line);
    if (!(message.get("result") instanceof Map<?, ?> result)) {
      RegistryException e = Gateway.error(from.uri, 200, message);
      return end(from, e != null ? e : new RegistryUnavailableException(
          "etcd watch at " + from.uri + " sent an unreadable line: " + line, 200, null));
    }
    if (Boolean.TRUE.equals(result.get("canceled"))) {
      long compact = result.get("compact_revision") == null
          ? 0 : Gateway.number(result, "compact_revision", "/v3/watch");
      if (compact > 0) {
        end(from, null);
        return () -> listener.compacted(compact);
      }
      String reason = result.get("cancel_reason") instanceof String r ? r : "no reason given";
      String why = "etcd cancelled the watch at " + from.uri + ": " + reason;
      return end(from, reason.contains("Unauthenticated")
          ? new RegistryRejectedException(why, 401, "unauthenticated")
          : new RegistryUnavailableException(why, 200, null));
    }
    if (Boolean.TRUE.equals(result.get("created"))) {
      String cluster = Gateway.clusterId(result);
      long now = Gateway.revision(result, "/v3/watch");
      return () -> listener.created(cluster, now);
    }
    List<Change> changes = new ArrayList<>();
    if (result.get("events") instanceof List<?> events) {
      for (Object event : events) {
        if (event instanceof Map<?, ?> e) {
          changes.add(new Change("DELETE".equals(e.get("type")), Gateway.keyValue(e.get("kv"), "/v3/watch")));
        }
      }
    }
    if (changes.isEmpty()) {
      long revision = Gateway.revision(result, "/v3/watch");
      next = Math.max(next, revision + 1);
      return () -> listener.progress(revision);
    }
    long last = changes.get(changes.size() - 1).kv().modRevision();
    next = Math.max(next, last + 1);
    return () -> listener.changed(changes, last);
  }

  /** Under the lock: ends {@code from} when it was quiet for the idle time. */
  private @Nullable Runnable idleCheck(Connection from) {
    if (ended || from != connection) {
      return null;
    }
    long quiet = System.nanoTime() - from.lastHeardNanos;
    if (quiet >= idle.toNanos()) {
      end(from, null);
      return listener::idle;
    }
    from.scheduleIdleCheck(idle.toNanos() - quiet);
    return null;
  }

  /** One HTTP connection of the stream. */
  private final class Connection implements Flow.Subscriber<String> {
    final URI member;
    final URI uri;
    final Map<String, String> headers;
    volatile long lastHeardNanos = System.nanoTime();
    private volatile Flow.@Nullable Subscription subscription;
    private volatile @Nullable CompletableFuture<?> call;
    private volatile boolean cancelled;

    Connection(URI member, Map<String, String> headers) {
      this.member = member;
      this.uri = URI.create(member + "/v3/watch");
      this.headers = headers;
    }

    void start() {
      String body = "{\"create_request\":" + Gateway.prefixBody(prefix)
          .field("start_revision", Long.toString(next)).rawField("progress_notify", "true") + "}";
      HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(connectTimeout)
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(body));
      headers.forEach(request::header);
      call = streams.client().sendAsync(request.build(), info -> info.statusCode() == 200
              ? streams.lines(this)
              : HttpResponse.BodySubscribers.mapping(streams.firstLine(),
                  error -> refused(info.statusCode(), error)))
          .whenComplete((response, failure) -> {
            if (failure != null && !cancelled) {
              act(() -> end(this, new RegistryUnavailableException("etcd watch at " + uri + " failed: "
                  + (failure.getCause() != null ? failure.getCause() : failure), 0, failure)));
            }
          });
      scheduleIdleCheck(idle.toNanos());
    }

    private @Nullable Void refused(int code, String error) {
      if (!cancelled) {
        RegistryException e = Gateway.error(uri, code, map(error));
        act(() -> end(this, e != null ? e
            : new RegistryUnavailableException("etcd watch at " + uri + " answered " + code, code, null)));
      }
      return null;
    }

    void scheduleIdleCheck(long delayNanos) {
      if (!cancelled) {
        CompletableFuture.delayedExecutor(delayNanos, TimeUnit.NANOSECONDS, streams.executor())
            .execute(() -> {
              if (!cancelled) {
                act(() -> idleCheck(this));
              }
            });
      }
    }

    void cancel() {
      cancelled = true;
      Flow.Subscription s = subscription;
      if (s != null) {
        s.cancel();
      }
      CompletableFuture<?> c = call;
      if (c != null) {
        c.cancel(true);
      }
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      if (cancelled) {
        s.cancel();
      } else {
        s.request(Long.MAX_VALUE);
      }
    }

    @Override
    public void onNext(String line) {
      lastHeardNanos = System.nanoTime();
      if (!cancelled) {
        act(() -> take(this, line));
      }
    }

    // Callbacks of a cancelled connection return at once, taking no lock: the cancel may come
    // from a close() on a thread that holds the core's lock.
    @Override
    public void onError(Throwable failure) {
      if (!cancelled) {
        act(() -> end(this, new RegistryUnavailableException("etcd watch at " + uri + " failed: " + failure, 0, failure)));
      }
    }

    @Override
    public void onComplete() {
      if (!cancelled) {
        act(() -> end(this, new RegistryUnavailableException("etcd watch at " + uri + " ended", 0, null)));
      }
    }
  }

  private static Map<?, ?> map(String json) {
    try {
      return Json.parse(json) instanceof Map<?, ?> m ? m : Map.of();
    } catch (IOException e) {
      return Map.of();
    }
  }

  /**
   * Ends the stream without telling the listener. Idempotent; returns at once, never waiting for
   * a listener call in progress.
   */
  @Override
  public void close() {
    Connection c;
    synchronized (this) {
      if (ended) {
        return;
      }
      ended = true;
      c = connection;
      connection = null;
    }
    if (c != null) {
      c.cancel();
    }
  }

  @Override
  public synchronized String toString() {
    return "WatchStream[" + prefix + " from " + next + " at " + gateway.members() + "]";
  }
}
