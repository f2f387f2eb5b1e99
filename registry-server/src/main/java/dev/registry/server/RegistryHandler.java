package dev.registry.server;

import dev.registry.address.AddressPolicy;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.util.thread.Scheduler;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP layer: routes, request validation, JSON answers and long-polls, as a non-blocking
 * Jetty core handler. A long-poll parks a {@link Watch} on the registry and returns from {@link
 * #handle}; the request is completed later, on a pool thread, by the change, its timeout, or
 * the registry closing. No thread waits for it.
 */
final class RegistryHandler extends Handler.Abstract.NonBlocking {
  static final Duration DEFAULT_WAIT = Duration.ofSeconds(30);
  static final Duration MAX_WAIT = Duration.ofSeconds(300);
  static final String INDEX_HEADER = "X-Registry-Index";
  static final String SECRET_HEADER = "X-Instance-Secret";
  /** The most service names one {@code GET /catalog?services=} may name. */
  static final int MAX_CATALOG_SERVICES = 1000;
  /** Bodies declared up to this size are read and dropped before the 413; larger ones close. */
  static final long MAX_DRAINED_BYTES = 1024 * 1024;

  private static final Logger LOG = LoggerFactory.getLogger(RegistryHandler.class);
  private static final String JSON = "application/json";
  private static final String XML = "text/xml; charset=utf-8";
  /** Idle time granted to a parked long-poll's connection beyond its wait. */
  private static final long IDLE_MARGIN_MILLIS = 30_000;

  private final Registry registry;
  private final Clock clock;
  private final long defaultTtlMillis;
  private final long startedAtMillis;
  private final Scheduler scheduler;
  private final Executor executor;
  private final Limits limits;
  private final WriteAccess access;
  private final boolean denyLinkLocal;
  private final WriteBarrier saved;
  private final MicroRegApi microReg;
  private final ConfigRoutes config;

  RegistryHandler(Registry registry, Configurations configurations, Clock clock, Duration defaultTtl,
      Scheduler scheduler, Executor executor, Limits limits, WriteAccess access, boolean denyLinkLocal,
      WriteBarrier saved) {
    this.registry = registry;
    this.saved = saved;
    this.microReg = new MicroRegApi(registry, denyLinkLocal);
    this.config = new ConfigRoutes(configurations, registry, limits);
    this.denyLinkLocal = denyLinkLocal;
    this.limits = limits;
    this.access = access;
    this.clock = clock;
    this.defaultTtlMillis = defaultTtl.toMillis();
    this.startedAtMillis = clock.millis();
    this.scheduler = scheduler;
    this.executor = executor;
  }

  private interface BodyRoute {
    void handle(RequestBody body, Caller caller, @Nullable String secretHeader, Response response, Callback callback);
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    guard(request, response, callback, () -> route(request, response, callback));
    return true;
  }

  private void route(Request request, Response response, Callback callback) {
    String path = Request.getPathInContext(request);
    switch (path) {
      case "/register" -> post(request, response, callback, this::register);
      case "/heartbeat" -> post(request, response, callback, this::heartbeat);
      case "/deregister" -> post(request, response, callback, this::deregister);
      case "/status" -> post(request, response, callback, this::status);
      case "/RPC2" -> xmlRpc(request, response, callback);
      case "/services" -> {
        requireGet(request);
        services(response, callback);
      }
      case "/health" -> {
        requireGet(request);
        health(response, callback);
      }
      case "/catalog" -> {
        requireGet(request);
        catalog(request, response, callback);
      }
      case "/stages" -> {
        requireGet(request);
        stages(request, response, callback);
      }
      default -> {
        if (path.startsWith("/discover/")) {
          requireGet(request);
          discover(request, response, callback, path.substring("/discover/".length()));
        } else if (path.startsWith(ConfigRoutes.PREFIX)) {
          ConfigRoutes.Target target = ConfigRoutes.target(path);
          if (target.isWrite(request.getMethod())) {
            post(request, response, callback, (body, caller, secret, res, cb) ->
                config.write(target, body, caller, res, cb, this::sendSaved));
          } else {
            config.read(request, response, callback, target, this::park);
          }
        } else {
          throw new ApiException(404, "not_found", "no such route: " + RequestBody.quote(path));
        }
      }
    }
  }

  // ---------------------------------------------------------------- POST routes

  private void register(RequestBody body, Caller caller, @Nullable String secretHeader, Response response,
      Callback callback) {
    String service = body.service();
    String address = body.address();
    if (denyLinkLocal) {
      AddressPolicy.denied(URI.create(address)).ifPresent(denied -> {
        throw new ApiException(400, "address_denied",
            "address must not be " + denied + " (see --allow-link-local): " + RequestBody.quote(address));
      });
    }
    String secret = body.instanceSecret(secretHeader);
    Registry.Registration registration = new Registry.Registration(
        service,
        body.stage(),
        body.id(),
        address,
        orDefault(body.status(), InstanceStatus.UP),
        body.metadata(limits),
        body.ttlMillis(defaultTtlMillis),
        secret,
        body.check());
    Long configIndex = body.configIndex();
    Registry.Registered r = registry.register(registration);
    Instance i = r.instance();
    if (configIndex != null) {
      i.appliedConfig.set(configIndex);
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("status", r.created() ? "registered" : "updated");
    m.put("message", "Service " + service + (r.created() ? " registered at " : " updated at ") + address);
    m.put("service", service);
    m.put("address", i.address);
    m.put("id", i.id);
    m.put("stage", i.stage);
    m.put("ttl_seconds", i.ttlSeconds());
    m.put("index", r.index());
    if (r.created() || secret != null) {
      // Only to whoever created the instance or already knows the secret.
      m.put("instance_secret", i.secret);
    }
    sendSaved(response, callback, r.created() ? 201 : 200, m);
  }

  private void heartbeat(RequestBody body, Caller caller, @Nullable String secretHeader, Response response,
      Callback callback) {
    String service = body.service();
    String stage = body.stage();
    Long configIndex = body.configIndex();
    Instance i = registry.heartbeat(service, stage, body.instanceRef(secretHeader, caller));
    if (configIndex != null) {
      i.appliedConfig.set(configIndex);
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("status", "ok");
    m.put("message", "Heartbeat received for " + service + " at " + i.address);
    m.put("service", service);
    m.put("address", i.address);
    m.put("id", i.id);
    m.put("stage", i.stage);
    m.put("ttl_seconds", i.ttlSeconds());
    send(response, callback, 200, m, null);
  }

  private void deregister(RequestBody body, Caller caller, @Nullable String secretHeader, Response response,
      Callback callback) {
    String service = body.service();
    Registry.Changed c = registry.deregister(service, body.stage(), body.instanceRef(secretHeader, caller));
    Instance i = c.instance();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("status", "deregistered");
    m.put("message", "Service " + service + " deregistered from " + i.address);
    m.put("service", service);
    m.put("address", i.address);
    m.put("id", i.id);
    m.put("stage", i.stage);
    m.put("index", c.index());
    sendSaved(response, callback, 200, m);
  }

  private void status(RequestBody body, Caller caller, @Nullable String secretHeader, Response response,
      Callback callback) {
    String service = body.service();
    String stage = body.stage();
    Registry.InstanceRef ref = body.instanceRef(secretHeader, caller);
    InstanceStatus status = body.requiredStatus();
    Registry.Changed c = registry.setStatus(service, stage, ref, status);
    Instance i = c.instance();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("status", "ok");
    m.put("service", service);
    m.put("address", i.address);
    m.put("id", i.id);
    m.put("stage", i.stage);
    m.put("instance_status", i.status.name());
    m.put("index", c.index());
    sendSaved(response, callback, 200, m);
  }

  // ---------------------------------------------------------------- GET routes

  private void discover(Request request, Response response, Callback callback, String rawService) {
    String service = RequestBody.name("service", rawService);
    Fields query = Request.extractQueryParameters(request);
    String stage = queryStage(query);
    Long index = queryIndex(query);
    Duration wait = queryWait(query);
    Runnable answer = () -> {
      ServiceView view = registry.view(service, stage);
      send(response, callback, view.isEmpty() ? 404 : 200, discoverBody(view), view.index());
    };
    if (index != null
        && park(request, response, callback, wait, answer,
            w -> registry.watchService(service, stage, index, w),
            w -> registry.unwatch(w, stage, service))) {
      return;
    }
    answer.run();
  }

  /** The last discover answer written: a view, the millisecond it was written at, its bytes. */
  private record Written(ServiceView view, long millis, byte[] body) {}

  private volatile @Nullable Written lastDiscover;

  /**
   * The body of a discover answer, written once per view and millisecond. A change that wakes
   * thousands of long-polls on one service answers them all with the same view within a few
   * milliseconds, and each answer would otherwise be built and serialised anew. Reusing the
   * bytes within the same millisecond changes nothing a client can see: {@code uptime_seconds}
   * and {@code lease_remaining_seconds} have millisecond precision (a renewal within that
   * millisecond shows in the next answer).
   */
  private byte[] discoverBody(ServiceView view) {
    long now = clock.millis();
    Written last = lastDiscover;
    if (last != null && last.view == view && last.millis == now) {
      return last.body;
    }
    byte[] body = Json.write(Json.discover(view, now));
    lastDiscover = new Written(view, now, body);
    return body;
  }

  private void catalog(Request request, Response response, Callback callback) {
    Fields query = Request.extractQueryParameters(request);
    String stage = queryStage(query);
    Long index = queryIndex(query);
    Duration wait = queryWait(query);
    Set<String> names = queryServices(query);
    if (names != null) {
      serviceCatalog(request, response, callback, stage, names, index, wait);
      return;
    }
    Runnable answer = () -> {
      CatalogView catalog = registry.catalog(stage);
      send(response, callback, 200, Json.catalog(catalog, clock.millis()), catalog.index());
    };
    if (index != null
        && park(request, response, callback, wait, answer,
            w -> registry.watchCatalog(stage, index, w),
            w -> registry.unwatch(w, stage, null))) {
      return;
    }
    answer.run();
  }

  /**
   * The catalog of the named services only. Without an index, with index 0, or with an index
   * above every one this registry handed out (it restarted), the answer is full: every named
   * service, an empty one with {@code count} 0. Otherwise it is a delta: only the named services
   * whose view changed past the index, held until one does. Its index is the highest of the named
   * views, so that nothing about them past it is missed by the next poll.
   */
  private void serviceCatalog(Request request, Response response, Callback callback, String stage,
      Set<String> names, @Nullable Long index, Duration wait) {
    boolean full = index == null || index == 0 || index > registry.revision();
    Runnable answer = () -> {
      Map<String, ServiceView> views = new TreeMap<>();
      long highest = 0;
      for (String name : names) {
        ServiceView view = registry.view(name, stage);
        highest = Math.max(highest, view.index());
        if (full || view.index() > index) {
          views.put(name, view);
        }
      }
      CatalogView catalog = new CatalogView(stage, highest, Collections.unmodifiableMap(views));
      Map<String, Object> body = Json.catalog(catalog, clock.millis());
      body.put("delta", !full);  // also tells a client that this server knows the parameter
      body.put("epoch", registry.epoch);
      send(response, callback, 200, body, highest);
    };
    if (!full
        && park(request, response, callback, wait, answer,
            w -> registry.watchServices(stage, names, index, w),
            w -> registry.unwatchServices(w, stage, names), true)) {
      return;
    }
    answer.run();
  }

  /** Every stage with its catalog index; long-polls on any change of any stage. */
  private void stages(Request request, Response response, Callback callback) {
    Fields query = Request.extractQueryParameters(request);
    Long index = queryIndex(query);
    Duration wait = queryWait(query);
    Runnable answer = () -> {
      long revision = registry.revision();
      send(response, callback, 200, Json.stages(revision, registry.epoch, registry.stages()), revision);
    };
    if (index != null
        && park(request, response, callback, wait, answer,
            w -> registry.watchRevision(index, w), registry::unwatchRevision)) {
      return;
    }
    answer.run();
  }

  private void services(Response response, Callback callback) {
    Map<String, Object> services = new LinkedHashMap<>();
    registry.services().forEach((name, c) -> {
      Map<String, Object> s = new LinkedHashMap<>();
      s.put("total_instances", c.total());
      s.put("active_instances", c.active());
      services.put(name, s);
    });
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("services", services);
    m.put("total_services", services.size());
    send(response, callback, 200, m, null);
  }

  private void health(Response response, Callback callback) {
    var services = registry.services();
    int instances = services.values().stream().mapToInt(Registry.ServiceCounts::active).sum();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("status", "healthy");
    m.put("services", services.size());
    m.put("instances", instances);
    m.put("index", registry.revision());
    m.put("uptime_seconds", Json.seconds(clock.millis() - startedAtMillis));
    send(response, callback, 200, m, null);
  }

  // ---------------------------------------------------------------- long-poll

  /**
   * Parks the request until the watch fires, the wait ends or the client goes away. Returns false
   * (parking nothing) when the view already differs from the index asked for: answer at once.
   */
  private boolean park(Request request, Response response, Callback callback, Duration wait, Runnable answer,
      Predicate<Watch> watch, Consumer<Watch> unwatch) {
    return park(request, response, callback, wait, answer, watch, unwatch, false);
  }

  /**
   * @param unwatchOnChange whether a fired watch must still be forgotten: it was parked in
   *     several places (one per named service) and the change cleared only one of them
   */
  private boolean park(Request request, Response response, Callback callback, Duration wait, Runnable answer,
      Predicate<Watch> watch, Consumer<Watch> unwatch, boolean unwatchOnChange) {
    if (wait.isZero()) {
      return false;
    }
    LongPoll poll = new LongPoll(request, response, callback, answer, unwatch, unwatchOnChange);
    request.addFailureListener(poll::failed);
    EndPoint endPoint = request.getConnectionMetaData().getConnection().getEndPoint();
    long idle = wait.toMillis() + IDLE_MARGIN_MILLIS;
    if (endPoint.getIdleTimeout() > 0 && endPoint.getIdleTimeout() < idle) {
      endPoint.setIdleTimeout(idle);
    }
    ObservedRequest.parked(request, true);
    if (!watch.test(poll)) {
      ObservedRequest.parked(request, false);
      poll.done.set(true);
      return false;
    }
    poll.timeout = scheduler.schedule(poll::timedOut, wait.toMillis(), TimeUnit.MILLISECONDS);
    if (poll.done.get()) {
      poll.timeout.cancel();
    }
    return true;
  }

  /** Watches told per task of a large wake-up. */
  static final int WAKE_CHUNK = 64;

  /**
   * Tells the watches of one change (the registry's waker). A few are told on the changing
   * thread, and each hands its answer to the pool. A larger wake-up goes to the pool in chunks
   * of {@link #WAKE_CHUNK}, and each chunk's answers are written on that pool thread. So the
   * request that made the change is answered at once, however many long-polls it wakes, and
   * the answers are spread over the pool instead of queued one task each.
   */
  void wake(java.util.List<Watch> watches) {
    int size = watches.size();
    if (size <= WAKE_CHUNK) {
      for (Watch w : watches) {
        w.changed();
      }
      return;
    }
    for (int from = 0; from < size; from += WAKE_CHUNK) {
      java.util.List<Watch> chunk = watches.subList(from, Math.min(size, from + WAKE_CHUNK));
      Runnable task = () -> {
        for (Watch w : chunk) {
          if (w instanceof LongPoll poll) {
            poll.answerNow();
          } else {
            w.changed();
          }
        }
      };
      try {
        executor.execute(task);
      } catch (java.util.concurrent.RejectedExecutionException e) {
        task.run();  // the pool is stopping: answer here
      }
    }
  }

  private final class LongPoll implements Watch {
    final AtomicBoolean done = new AtomicBoolean();
    final Request request;
    final Response response;
    final Callback callback;
    final Runnable answer;
    final Consumer<Watch> unwatch;
    final boolean unwatchOnChange;
    volatile Scheduler.@Nullable Task timeout;

    LongPoll(Request request, Response response, Callback callback, Runnable answer, Consumer<Watch> unwatch,
        boolean unwatchOnChange) {
      this.unwatchOnChange = unwatchOnChange;
      this.request = request;
      this.response = response;
      this.callback = callback;
      this.answer = answer;
      this.unwatch = unwatch;
    }

    @Override
    public void changed() {
      if (finishByChange()) {
        executor.execute(this::answerChange);
      }
    }

    /** Like {@link #changed}, on the calling thread: it is a pool thread with other answers to write. */
    void answerNow() {
      if (finishByChange()) {
        answerChange();
      }
    }

    /** Marks the poll done, if nothing else did, and cancels its timeout. */
    private boolean finishByChange() {
      if (!done.compareAndSet(false, true)) {
        return false;
      }
      cancelTimeout();
      return true;
    }

    private void answerChange() {
      if (unwatchOnChange) {
        unwatch.accept(this);
      }
      guard(request, response, callback, answer);
    }

    private void cancelTimeout() {
      Scheduler.Task task = timeout;
      if (task != null) {
        task.cancel();
      }
    }

    void timedOut() {
      if (done.compareAndSet(false, true)) {
        unwatch.accept(this);
        executor.execute(() -> guard(request, response, callback, answer));
      }
    }

    void failed(Throwable failure) {
      if (done.compareAndSet(false, true)) {
        cancelTimeout();
        unwatch.accept(this);
        callback.failed(failure);
      }
    }
  }

  // ---------------------------------------------------------------- plumbing

  private void post(Request request, Response response, Callback callback, BodyRoute route) {
    if (!"POST".equals(request.getMethod())) {
      throw new ApiException(405, "method_not_allowed",
          request.getMethod() + " is not allowed on " + Request.getPathInContext(request) + "; use POST", "POST");
    }
    Caller caller = access.check(request.getHeaders().get(HttpHeader.AUTHORIZATION));
    String contentType = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
    if (contentType != null && !isJsonish(contentType)) {
      throw new ApiException(415, "unsupported_media_type",
          "the body must be JSON (Content-Type: application/json), not " + RequestBody.quote(contentType));
    }
    readBody(request, response, callback, bytes ->
        route.handle(RequestBody.parse(bytes), caller, request.getHeaders().get(SECRET_HEADER), response, callback));
  }

  /**
   * {@code POST /RPC2}: MicroReg's XML-RPC methods ({@link MicroRegApi}). Every answer to a
   * readable request is a {@code methodResponse}, a fault for anything wrong in it (never a
   * 5xx); a write is answered once saved. The method and the body size are checked as on the
   * JSON routes (405, 413).
   */
  private void xmlRpc(Request request, Response response, Callback callback) {
    if (!"POST".equals(request.getMethod())) {
      throw new ApiException(405, "method_not_allowed",
          request.getMethod() + " is not allowed on /RPC2; use POST", "POST");
    }
    boolean mayWrite = access.permits(request.getHeaders().get(HttpHeader.AUTHORIZATION));
    readBody(request, response, callback, bytes -> {
      XmlRpc.Call call = null;
      byte[] answer;
      try {
        call = XmlRpc.parse(bytes);
        answer = XmlRpc.response(microReg.invoke(call, mayWrite));
      } catch (XmlRpc.Fault f) {
        answer = XmlRpc.fault(f.code, f.getMessage());
      } catch (RuntimeException e) {
        XmlRpc.Fault f = MicroRegApi.internal(call == null ? "?" : call.method(), e);
        answer = XmlRpc.fault(f.code, f.getMessage());
      }
      byte[] body = answer;
      if (call != null && MicroRegApi.WRITES.contains(call.method())) {
        saved.afterSaved(() -> write(response, callback, 200, XML, body, null),
            failure -> write(response, callback, 200, XML, XmlRpc.fault(XmlRpc.APPLICATION_ERROR,
                "the change was made but could not be saved to the data directory (" + failure.getMessage()
                    + "); send it again"), null));
      } else {
        write(response, callback, 200, XML, body, null);
      }
    });
  }

  /** Reads the body (at most {@code --max-body-bytes}, else 413) and hands it on, guarded. */
  private void readBody(Request request, Response response, Callback callback, Consumer<byte[]> then) {
    long length = request.getLength();
    int maxBody = limits.maxBodyBytes();
    if (length > maxBody) {
      if (length > MAX_DRAINED_BYTES) {
        throw tooLarge(length);
      }
      // Read and drop a moderately large body before answering: a client still sending it
      // would otherwise see the connection reset instead of the 413.
      Content.Source.consumeAll(request, Callback.from(
          () -> guard(request, response, callback, () -> {
            throw tooLarge(length);
          }),
          callback::failed));
      return;
    }
    Content.Source.asByteArrayAsync(request, maxBody).whenComplete((bytes, failure) ->
        guard(request, response, callback, () -> {
          if (failure != null) {
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
            // Jetty's size cap fails the read with an IllegalStateException; anything else is the
            // connection failing, and there is nobody left to answer.
            if (cause instanceof IllegalStateException || cause instanceof IllegalArgumentException) {
              throw tooLarge(-1);
            }
            callback.failed(cause);
            return;
          }
          then.accept(bytes);
        }));
  }

  private ApiException tooLarge(long length) {
    return new ApiException(413, "body_too_large", "the body is larger than " + limits.maxBodyBytes() + " bytes"
        + (length >= 0 ? " (" + length + ")" : ""));
  }

  /**
   * JSON, or the form type that {@code curl -d} sends when no type is given: the body must
   * still parse as JSON.
   */
  private static boolean isJsonish(String contentType) {
    int semicolon = contentType.indexOf(';');
    String type = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
    return type.isEmpty()
        || type.equals(JSON)
        || (type.startsWith("application/") && type.endsWith("+json"))
        || type.equals("application/x-www-form-urlencoded");
  }

  private static void requireGet(Request request) {
    if (!"GET".equals(request.getMethod())) {
      throw new ApiException(405, "method_not_allowed",
          request.getMethod() + " is not allowed on " + Request.getPathInContext(request) + "; use GET", "GET");
    }
  }

  static String queryStage(Fields query) {
    String stage = query.getValue("stage");
    if (stage == null) {
      return Registry.DEFAULT_STAGE;
    }
    try {
      return RequestBody.name("stage", stage);
    } catch (ApiException e) {
      throw ApiException.invalidQuery(e.getMessage());
    }
  }

  /**
   * The {@code services} parameter: comma-separated names, duplicates dropped, at most {@link
   * #MAX_CATALOG_SERVICES}; null when absent.
   */
  private static @Nullable Set<String> queryServices(Fields query) {
    String services = query.getValue("services");
    if (services == null) {
      return null;
    }
    Set<String> names = new LinkedHashSet<>();
    int start = 0;
    while (true) {
      int comma = services.indexOf(',', start);
      String name = comma < 0 ? services.substring(start) : services.substring(start, comma);
      try {
        names.add(RequestBody.name("services", name));
      } catch (ApiException e) {
        throw ApiException.invalidQuery(e.getMessage());
      }
      if (names.size() > MAX_CATALOG_SERVICES) {
        throw ApiException.invalidQuery("services may name at most " + MAX_CATALOG_SERVICES + " services");
      }
      if (comma < 0) {
        return names;
      }
      start = comma + 1;
    }
  }

  static @Nullable Long queryIndex(Fields query) {
    String index = query.getValue("index");
    if (index == null) {
      return null;
    }
    try {
      long value = Long.parseLong(index);
      if (value >= 0) {
        return value;
      }
    } catch (NumberFormatException e) {
      // fall through to the error
    }
    throw ApiException.invalidQuery("index must be a non-negative integer: " + RequestBody.quote(index));
  }

  static Duration queryWait(Fields query) {
    String wait = query.getValue("wait");
    if (wait == null) {
      return DEFAULT_WAIT;
    }
    try {
      Duration d = DurationText.parse(wait);
      return d.compareTo(MAX_WAIT) > 0 ? MAX_WAIT : d;
    } catch (IllegalArgumentException e) {
      throw ApiException.invalidQuery("wait must be a duration like 30s, 500ms or 10: " + RequestBody.quote(wait));
    }
  }

  /** Runs {@code action} with the request's ID in the log context, answering what it throws. */
  private void guard(Request request, Response response, Callback callback, Runnable action) {
    try (RequestId.Scope logged = RequestId.inLog(ObservedRequest.idOf(request))) {
      answerFailures(request, response, callback, action);
    }
  }

  private void answerFailures(Request request, Response response, Callback callback, Runnable action) {
    try {
      action.run();
    } catch (ApiException e) {
      sendError(request, response, callback, e);
    } catch (NotRegisteredException e) {
      sendError(request, response, callback,
          new ApiException(404, e.serviceKnown ? "unknown_instance" : "unknown_service", e.getMessage()));
    } catch (LimitExceededException e) {
      sendError(request, response, callback, new ApiException(409, e.code, e.getMessage()));
    } catch (ForbiddenException e) {
      sendError(request, response, callback, new ApiException(403, "forbidden", e.getMessage()));
    } catch (RuntimeException e) {
      LOG.error("Unexpected failure answering {} {}", request.getMethod(), request.getHttpURI(), e);
      if (response.isCommitted()) {
        callback.failed(e);
      } else {
        sendError(request, response, callback, new ApiException(500, "internal_error",
            "the server failed to answer this request; see its log"));
      }
    }
  }

  /**
   * Answers a write once it is saved (at once without a data directory): an acknowledged write
   * survives a crash. A write made in memory but not saved is answered 503, so that its client
   * tries again; the registry keeps trying to save it.
   */
  private void sendSaved(Response response, Callback callback, int status, Map<String, Object> body) {
    saved.afterSaved(() -> send(response, callback, status, body, null),
        failure -> sendError(response, callback, new ApiException(503, "not_saved",
            "the change was made but could not be saved to the data directory (" + failure.getMessage()
                + "); send it again")));
  }

  /** Answers a refusal, and tells the observer its error code (for the log). */
  private static void sendError(Request request, Response response, Callback callback, ApiException e) {
    ObservedRequest.refused(request, e.code);
    sendError(response, callback, e);
  }

  private static void sendError(Response response, Callback callback, ApiException e) {
    if (e.allow != null) {
      response.getHeaders().put(HttpHeader.ALLOW, e.allow);
    }
    if (e.status == 401) {
      response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Bearer realm=\"registry\"");
    }
    send(response, callback, e.status, Json.error(e.code, e.getMessage()), null);
  }

  /** Sends {@code body}: a map or list to write as JSON, or bytes already written. */
  static void send(Response response, Callback callback, int status, Object body, @Nullable Long index) {
    write(response, callback, status, JSON, body instanceof byte[] written ? written : Json.write(body), index);
  }

  private static void write(Response response, Callback callback, int status, String contentType, byte[] bytes,
      @Nullable Long index) {
    response.setStatus(status);
    HttpFields.Mutable headers = response.getHeaders();
    headers.put(HttpHeader.CONTENT_TYPE, contentType);
    headers.put(HttpHeader.CONTENT_LENGTH, bytes.length);
    headers.put(HttpHeader.CACHE_CONTROL, "no-store");
    if (index != null) {
      headers.put(INDEX_HEADER, Long.toString(index));
    }
    response.write(true, ByteBuffer.wrap(bytes), callback);
  }

  private static <T> T orDefault(@Nullable T value, T fallback) {
    return value != null ? value : fallback;
  }
}
