package dev.registry.client.internal;

import dev.registry.client.ConfigKey;
import dev.registry.client.RegistryException;
import dev.registry.client.RegistryRejectedException;
import dev.registry.client.RegistryUnavailableException;
import dev.registry.client.ServiceInstance;
import dev.registry.client.Status;
import dev.registry.client.Watch;
import dev.registry.client.spi.BackendContext;
import dev.registry.client.spi.ConfigAnswer;
import dev.registry.client.spi.ConfigQuery;
import dev.registry.client.spi.ConfigWatchListener;
import dev.registry.client.spi.Registered;
import dev.registry.client.spi.RegistryBackend;
import dev.registry.client.spi.RequestIds;
import dev.registry.client.spi.StageViews;
import dev.registry.client.spi.TransportRequest;
import dev.registry.client.spi.TransportResponse;
import dev.registry.client.spi.WatchListener;
import dev.registry.client.spi.WatchRequest;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The reference server's wire (docs/api.md) over the client's HTTP transport: the backend of
 * {@code http} and {@code https} registry URLs. Requests go to the current URL; a failure
 * moves to the next one ({@link Endpoints}). Instance secrets are the registrations' handles.
 *
 * <p>It speaks as well to a registry that has only the plain seed API (docs/api.md, "Registries
 * the client speaks to"): instances are named by address as well as id; a registry without a
 * catalog route is asked service by service, and lists its services with {@code /services};
 * one whose views carry no index holds no long-poll, and is read every refresh interval.
 */
final class HttpRegistryBackend implements RegistryBackend {
  private final BackendContext context;
  private final Endpoints endpoints;
  /** The token, when there is one: sent with every request, beside its ID. */
  private final @Nullable String authorization;
  /** Stages whose registry answers no stage poll: their services are watched one by one. */
  private final Set<String> oneByOne = ConcurrentHashMap.newKeySet();
  /** The registry answered 404 to {@code /catalog} (the seed's has no such route): not asked again. */
  private volatile boolean noCatalog;
  /** The registry's views carry no index (the seed's): it holds no long-poll, so none is sent. */
  private volatile boolean noLongPoll;

  HttpRegistryBackend(BackendContext context) {
    this.context = context;
    this.endpoints = new Endpoints(context.registryUrls());
    this.authorization = context.token().map(t -> "Bearer " + t).orElse(null);
  }

  @Override
  public Registered register(ServiceInstance instance, @Nullable String handle, Duration timeout) {
    String stage = stageOf(instance);
    Exchange x = exchange("POST", "/register",
        JsonCodec.register(instance, stage, context.leaseTtl().toSeconds(), handle), timeout);
    if (x.response.code() != 200 && x.response.code() != 201) {
      throw refusal(x);
    }
    JsonCodec.Registered answer;
    try {
      answer = JsonCodec.registered(x.response.body());
    } catch (IOException e) {
      throw unreadable(x, e);
    }
    String id = answer.id();
    ServiceInstance registered = id == null || id.equals(instance.id())
        ? instance : instance.toBuilder().id(id).build();
    // A 200 without a secret: the registry kept the one presented (or gives none at all).
    return new Registered(registered, answer.secret() != null ? answer.secret() : handle);
  }

  @Override
  public boolean renew(Registered registration, Duration timeout) {
    ServiceInstance i = registration.instance();
    return instanceCall("/heartbeat", JsonCodec.instanceRef(i, stageOf(i), registration.handle()), timeout, true);
  }

  @Override
  public boolean renew(Registered registration, long configIndex, Duration timeout) {
    ServiceInstance i = registration.instance();
    return instanceCall("/heartbeat",
        JsonCodec.heartbeat(i, stageOf(i), registration.handle(), configIndex), timeout, true);
  }

  @Override
  public boolean status(Registered registration, Status status, Duration timeout) {
    ServiceInstance i = registration.instance();
    return instanceCall("/status", JsonCodec.status(i, stageOf(i), status, registration.handle()), timeout, true);
  }

  @Override
  public boolean deregister(Registered registration, Duration timeout) {
    ServiceInstance i = registration.instance();
    return instanceCall("/deregister", JsonCodec.instanceRef(i, stageOf(i), registration.handle()), timeout, false);
  }

  /**
   * @param forbiddenIsUnknown whether a 403 {@code forbidden} (our secret no longer works:
   *     another registration took our address) means "register again", like a 404
   */
  private boolean instanceCall(String path, String body, Duration timeout, boolean forbiddenIsUnknown) {
    Exchange x = exchange("POST", path, body, timeout);
    if (x.response.code() == 200) {
      return true;
    }
    if (x.response.code() == 404 && JsonCodec.unknown(x.response.body())) {
      return false;
    }
    if (x.response.code() == 404 && path.equals("/status")) {
      throw new UnsupportedOperationException(describe(x) + " answered 404: this registry has no /status route,"
          + " so its instances have no status but UP (docs/api.md, \"Registries the client speaks to\")");
    }
    if (forbiddenIsUnknown && x.response.code() == 403
        && JsonCodec.error(x.response.body()).error().equals("forbidden")) {
      return false;
    }
    throw refusal(x);
  }

  @Override
  public StageViews discover(String service, String stage, Duration timeout) {
    return view(exchange("GET", discoverPath(service, stage), null, timeout), service, stage).views();
  }

  @Override
  public Optional<StageViews> catalog(String stage, Duration timeout) {
    if (noCatalog) {
      return Optional.empty();
    }
    Exchange x = exchange("GET", "/catalog?stage=" + stage, null, timeout);
    if (x.response.code() == 404 && JsonCodec.noSuchRoute(x.response.body())) {
      noCatalog = true; // a registry without a catalog, such as the seed's
      return Optional.empty();
    }
    if (x.response.code() != 200) {
      throw refusal(x);
    }
    try {
      return Optional.of(JsonCodec.catalog(x.response.body(), stage, context.maxInstancesPerView()));
    } catch (IOException e) {
      throw unreadable(x, e);
    }
  }

  /** {@code GET /services}, the seed's list, asked only of a registry without a catalog. */
  @Override
  public Optional<List<String>> services(String stage, Duration timeout) {
    Exchange x = exchange("GET", "/services", null, timeout);
    if (x.response.code() == 404) {
      return Optional.empty();
    }
    if (x.response.code() != 200) {
      throw refusal(x);
    }
    try {
      return Optional.of(JsonCodec.serviceNames(x.response.body()));
    } catch (IOException e) {
      throw unreadable(x, e);
    }
  }

  /**
   * {@code GET /stages}, then {@code GET /discover/{service}?stage=} in each stage, within
   * {@code timeout} in all: the failure path of a lookup, so a read per stage is fine. A registry
   * without {@code /stages} (the seed's) cannot tell.
   */
  @Override
  public List<String> stagesOf(String service, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    Exchange x = exchange("GET", "/stages", null, timeout);
    if (x.response.code() == 404 && JsonCodec.noSuchRoute(x.response.body())) {
      return List.of();
    }
    if (x.response.code() != 200) {
      throw refusal(x);
    }
    List<String> stages;
    try {
      stages = JsonCodec.stages(x.response.body());
    } catch (IOException e) {
      throw unreadable(x, e);
    }
    List<String> holding = new ArrayList<>();
    for (String stage : stages) {
      long remaining = deadline - System.nanoTime();
      if (remaining <= 0) {
        break;
      }
      if (!discover(service, stage, Duration.ofNanos(remaining)).views().get(service).instances().isEmpty()) {
        holding.add(stage);
      }
    }
    holding.sort(null);
    return holding;
  }

  @Override
  public Watch watch(WatchRequest request, WatchListener listener) {
    return new HttpWatch(this, request, listener, context.longPollWait(),
        context.longPollWait().plus(context.requestTimeout())).start();
  }

  @Override
  public ConfigAnswer config(ConfigQuery query, Duration timeout) {
    Exchange x = exchange("GET", configPath(query), null, timeout);
    if (x.response.code() == 404) {
      throw new UnsupportedOperationException(describe(x) + " answered 404: this registry has no configuration"
          + " routes (docs/api.md, \"Configuration\")");
    }
    return configAnswer(x, query);
  }

  @Override
  public Watch watchConfig(ConfigQuery query, long since, @Nullable String epoch, ConfigWatchListener listener) {
    return new HttpConfigWatch(this, query, listener, context.longPollWait(),
        context.longPollWait().plus(context.requestTimeout())).start(since, epoch);
  }

  @Override
  public long declareConfig(String service, List<ConfigKey> keys, Duration timeout) {
    Exchange x = exchange("POST", "/config/" + service, JsonCodec.declare(keys), timeout);
    if (x.response.code() != 200) {
      throw refusal(x);
    }
    try {
      return JsonCodec.writtenIndex(x.response.body());
    } catch (IOException e) {
      throw unreadable(x, e);
    }
  }

  // ---- what HttpWatch and HttpConfigWatch use

  /** Whether the stage poll is known not to work in {@code stage}. */
  boolean oneByOne(String stage) {
    return noCatalog || oneByOne.contains(stage);
  }

  /** Whether the registry is known to hold no long-poll: views carry no index. */
  boolean noLongPoll() {
    return noLongPoll;
  }

  /** The stage poll does not work in {@code stage}: watch its services one by one from now on. */
  void watchOneByOne(String stage) {
    oneByOne.add(stage);
  }

  /**
   * {@code GET /catalog?stage=&services=&index=&wait=}: null when the registry cannot answer it
   * (it has no catalog route, as the seed's, or it ignored the list).
   */
  CompletableFuture<JsonCodec.@Nullable ServiceCatalog> pollStage(
      String stage, Iterable<String> services, long index, Duration wait, Duration timeout) {
    String path = "/catalog?stage=" + stage + "&services=" + String.join(",", services)
        + "&index=" + index + "&wait=" + wait.toMillis() + "ms";
    return sendAsync(path, timeout, x -> {
      int code = x.response.code();
      if (code == 404 && JsonCodec.noSuchRoute(x.response.body())) {
        noCatalog = true;
        return null;
      }
      checkTransient(x);
      if (code != 200) {
        throw refusal(x);
      }
      try {
        return JsonCodec.serviceCatalog(x.response.body(), stage, context.maxInstancesPerView());
      } catch (IOException e) {
        throw unreadable(x, e);
      }
    });
  }

  /**
   * {@code GET /discover/{service}?stage=&index=&wait=}: the view once it differs from {@code index};
   * a view without an index means a registry that holds no poll ({@link #noLongPoll()} from now on).
   */
  CompletableFuture<JsonCodec.Indexed> pollService(
      String service, String stage, long index, Duration wait, Duration timeout) {
    String path = discoverPath(service, stage) + "&index=" + index + "&wait=" + wait.toMillis() + "ms";
    return sendAsync(path, timeout, x -> {
      checkTransient(x);
      JsonCodec.Indexed answer = view(x, service, stage);
      if (!answer.indexed()) {
        noLongPoll = true;
      }
      return answer;
    });
  }

  /**
   * {@code GET /config/{service}?...&index=&epoch=&wait=}: the configuration once its index
   * differs from {@code index}, or the wait ended.
   */
  CompletableFuture<ConfigAnswer> pollConfig(ConfigQuery query, long index, @Nullable String epoch, Duration wait,
      Duration timeout) {
    String path = configPath(query) + "&index=" + index
        + (epoch == null ? "" : "&epoch=" + URLEncoder.encode(epoch, StandardCharsets.UTF_8))
        + "&wait=" + wait.toMillis() + "ms";
    return sendAsync(path, timeout, x -> {
      checkTransient(x);
      return configAnswer(x, query);
    });
  }

  private ConfigAnswer configAnswer(Exchange x, ConfigQuery query) {
    if (x.response.code() != 200) {
      throw refusal(x);
    }
    try {
      return JsonCodec.config(x.response.body(), query.service());
    } catch (IOException e) {
      throw unreadable(x, e);
    }
  }

  private static String configPath(ConfigQuery query) {
    return "/config/" + query.service() + "?stage=" + query.stage()
        + (query.region() == null ? "" : "&region=" + query.region())
        + (query.client() == null ? "" : "&client=" + query.client());
  }

  // ---- the wire

  /**
   * @param requestId the ID the registry echoed, or the one sent when it echoed none (or one
   *     that no server would keep: a hostile answer's header is never repeated)
   */
  private record Exchange(URI base, TransportRequest request, TransportResponse response, String requestId) {
    Exchange(URI base, TransportRequest request, TransportResponse response) {
      this(base, request, response, echoedId(request, response));
    }
  }

  /** One attempt at the current URL; transient failures throw and move to the next URL. */
  private Exchange exchange(String method, String path, @Nullable String body, Duration timeout) {
    URI base = endpoints.current();
    TransportRequest request = new TransportRequest(method, uri(base, path), body, timeout, headers());
    TransportResponse response;
    try {
      response = context.transport().send(request);
    } catch (IOException e) {
      throw failed(base, request, e);
    }
    Exchange x = new Exchange(base, request, response);
    checkTransient(x);
    return x;
  }

  /** A request's headers: its ID, and the token when there is one. */
  private Map<String, String> headers() {
    String id = context.requestId();
    return authorization == null
        ? Map.of(RequestIds.HEADER, id) : Map.of(RequestIds.HEADER, id, "Authorization", authorization);
  }

  private static String sentId(TransportRequest request) {
    return request.headers().get(RequestIds.HEADER);
  }

  private static String echoedId(TransportRequest request, TransportResponse response) {
    String echoed = response.header(RequestIds.HEADER).orElse(null);
    return RequestIds.isValid(echoed) ? echoed : sentId(request);
  }

  /** An asynchronous GET at the current URL; {@code read} turns the answer into the result. */
  private <T> CompletableFuture<T> sendAsync(String path, Duration timeout, Function<Exchange, T> read) {
    URI base = endpoints.current();
    TransportRequest request = new TransportRequest("GET", uri(base, path), null, timeout, headers());
    CompletableFuture<TransportResponse> call;
    try {
      call = context.transport().sendAsync(request);
    } catch (RuntimeException e) {
      call = CompletableFuture.failedFuture(e);
    }
    CompletableFuture<TransportResponse> theCall = call;
    CompletableFuture<T> result = call.handle((response, failure) -> {
      if (failure != null) {
        throw new CompletionException(failed(base, request, LongPolls.unwrap(failure)));
      }
      return read.apply(new Exchange(base, request, response));
    });
    result.whenComplete((value, failure) -> {
      if (result.isCancelled()) {
        theCall.cancel(true);
      }
    });
    return result;
  }

  /** A discover answer: a 200, or a 404 for a service the registry does not know, which lists no instance. */
  private JsonCodec.Indexed view(Exchange x, String service, String stage) {
    int code = x.response.code();
    if (code == 200 || (code == 404 && JsonCodec.unknownService(x.response.body(), service))) {
      try {
        return JsonCodec.view(x.response.body(), service, stage, context.maxInstancesPerView());
      } catch (IOException e) {
        throw unreadable(x, e);
      }
    }
    throw refusal(x);
  }

  private static String discoverPath(String service, String stage) {
    return "/discover/" + service + "?stage=" + stage;
  }

  private void checkTransient(Exchange x) {
    int code = x.response.code();
    if (code >= 500 || code == 429) {
      endpoints.failed(x.base);
      throw new RegistryUnavailableException(describe(x) + " answered " + code + ": "
          + JsonCodec.error(x.response.body()).message(), code, x.requestId, null);
    }
  }

  private RegistryUnavailableException failed(URI base, TransportRequest request, Throwable e) {
    endpoints.failed(base);
    if (e instanceof RegistryUnavailableException u) {
      return u;
    }
    return new RegistryUnavailableException(
        request.method() + " " + request.uri() + " failed: " + e, 0, sentId(request), e);
  }

  /**
   * An answer that is not the one asked for. A 404 for a route that does not exist says that the
   * URL is not a registry: a configuration error, which no retry or other URL mends, so it is
   * refused at once rather than retried as an outage. Other 4xx are refusals.
   */
  private RegistryException refusal(Exchange x) {
    int code = x.response.code();
    JsonCodec.Error error = JsonCodec.error(x.response.body());
    if (code == 404 && JsonCodec.noSuchRoute(x.response.body())) {
      return new RegistryRejectedException(x.base + " is not a registry: " + describe(x)
          + " answered 404 " + (error.error().isEmpty() ? "without a registry's error" : error.error()
          + ": " + error.message()) + "; check the registry URL", 404,
          error.error().isEmpty() ? "not_found" : error.error(), x.requestId);
    }
    if (code == 404 || code < 400 || code >= 500) {
      endpoints.failed(x.base);
      return new RegistryUnavailableException(
          describe(x) + " answered " + code + " " + error.error() + ": " + error.message(), code,
          x.requestId, null);
    }
    return new RegistryRejectedException(
        describe(x) + " was refused (" + code + " " + error.error() + "): " + error.message(),
        code, error.error(), x.requestId);
  }

  private static RegistryUnavailableException unreadable(Exchange x, IOException e) {
    return new RegistryUnavailableException(
        describe(x) + " answered an unreadable body: " + e.getMessage(), x.response.code(),
        x.requestId, e);
  }

  private static String describe(Exchange x) {
    return x.request.method() + " " + x.request.uri();
  }

  private static URI uri(URI base, String path) {
    String b = base.toString();
    return URI.create(b.endsWith("/") ? b.substring(0, b.length() - 1) + path : b + path);
  }

  private static String stageOf(ServiceInstance instance) {
    String stage = instance.stage();
    if (stage == null) {
      throw new IllegalStateException("stage not resolved: " + instance);
    }
    return stage;
  }

  @Override
  public String toString() {
    return "HttpRegistryBackend" + endpoints.all();
  }
}
