package dev.registry.client.internal;

import dev.registry.client.RegistryException;
import dev.registry.client.RegistryRejectedException;
import dev.registry.client.RegistryUnavailableException;
import dev.registry.client.ServiceInstance;
import dev.registry.client.ServiceView;
import dev.registry.client.Status;
import dev.registry.client.spi.HttpTransport;
import dev.registry.client.spi.TransportRequest;
import dev.registry.client.spi.TransportResponse;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/** The reference server's wire (docs/api.md) over an {@link HttpTransport}. */
final class HttpRegistryBackend implements RegistryBackend {
  private final Endpoints endpoints;
  private final HttpTransport transport;
  private final Counters counters;
  /** Sent with every request: the token, when there is one. */
  private final Map<String, String> headers;

  HttpRegistryBackend(Endpoints endpoints, HttpTransport transport, Counters counters) {
    this(endpoints, transport, counters, null);
  }

  HttpRegistryBackend(Endpoints endpoints, HttpTransport transport, Counters counters, @Nullable String token) {
    this.endpoints = endpoints;
    this.transport = transport;
    this.counters = counters;
    this.headers = token == null ? Map.of() : Map.of("Authorization", "Bearer " + token);
  }

  @Override
  public Registered register(ServiceInstance instance, @Nullable String secret, long ttlSeconds, Duration timeout) {
    String stage = stageOf(instance);
    Exchange x = exchange("POST", "/register",
        JsonCodec.register(instance, stage, ttlSeconds, secret), timeout);
    if (x.response.code() == 200 || x.response.code() == 201) {
      JsonCodec.Registered answer;
      try {
        answer = JsonCodec.registered(x.response.body());
      } catch (IOException e) {
        throw unreadable(x, e);
      }
      ServiceInstance registered = instance.stage() == null ? instance.withStage(stage) : instance;
      String id = answer.id();
      registered = id == null || id.equals(instance.id())
          ? registered
          : registered.toBuilder().id(id).build();
      // A 200 without a secret: the registry kept the one presented (or gives none at all).
      return new Registered(registered, answer.secret() != null ? answer.secret() : secret);
    }
    throw refusal(x);
  }

  @Override
  public boolean renew(ServiceInstance instance, @Nullable String secret, Duration timeout) {
    return instanceCall("/heartbeat",
        JsonCodec.instanceRef(instance.service(), instance.id(), stageOf(instance), secret), timeout, true);
  }

  @Override
  public boolean deregister(ServiceInstance instance, @Nullable String secret, Duration timeout) {
    return instanceCall("/deregister",
        JsonCodec.instanceRef(instance.service(), instance.id(), stageOf(instance), secret), timeout, false);
  }

  @Override
  public boolean status(ServiceInstance instance, @Nullable String secret, Status status, Duration timeout) {
    return instanceCall("/status",
        JsonCodec.status(instance.service(), instance.id(), stageOf(instance), status, secret), timeout, true);
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
    if (x.response.code() == 404 && isUnknown(x.response)) {
      return false;
    }
    if (forbiddenIsUnknown && x.response.code() == 403
        && JsonCodec.error(x.response.body()).error().equals("forbidden")) {
      return false;
    }
    throw refusal(x);
  }

  @Override
  public ServiceView discover(String service, String stage, Duration timeout) {
    return view(exchange("GET", discoverPath(service, stage), null, timeout), service, stage);
  }

  @Override
  public Map<String, ServiceView> catalog(String stage, Duration timeout) {
    Exchange x = exchange("GET", "/catalog?stage=" + stage, null, timeout);
    if (x.response.code() == 200) {
      try {
        return JsonCodec.catalog(x.response.body(), stage);
      } catch (IOException e) {
        throw unreadable(x, e);
      }
    }
    throw refusal(x);
  }

  @Override
  public CompletableFuture<ServiceView> watch(
      String service, String stage, long index, Duration wait, Duration timeout) {
    String path = discoverPath(service, stage) + "&index=" + index + "&wait=" + wait.toMillis() + "ms";
    return sendAsync(path, timeout, x -> {
      checkTransient(x);
      return view(x, service, stage);
    });
  }

  @Override
  public CompletableFuture<@Nullable ServiceCatalog> watchServices(
      String stage, Collection<String> services, long index, Duration wait, Duration timeout) {
    String path = "/catalog?stage=" + stage + "&services=" + String.join(",", services)
        + "&index=" + index + "&wait=" + wait.toMillis() + "ms";
    return sendAsync(path, timeout, x -> {
      int code = x.response.code();
      if (code == 404 && JsonCodec.error(x.response.body()).error().equals("not_found")) {
        return null;  // a registry without the catalog route (the seed's)
      }
      checkTransient(x);
      if (code != 200) {
        throw refusal(x);
      }
      try {
        return JsonCodec.serviceCatalog(x.response.body(), stage);
      } catch (IOException e) {
        throw unreadable(x, e);
      }
    });
  }

  /** An asynchronous GET at the current URL; {@code read} turns the answer into the result. */
  private <T> CompletableFuture<T> sendAsync(String path, Duration timeout, Function<Exchange, T> read) {
    URI base = endpoints.current();
    TransportRequest request = new TransportRequest("GET", uri(base, path), null, timeout, headers);
    CompletableFuture<TransportResponse> call;
    try {
      call = transport.sendAsync(request);
    } catch (RuntimeException e) {
      call = CompletableFuture.failedFuture(e);
    }
    CompletableFuture<TransportResponse> theCall = call;
    CompletableFuture<T> result = call.handle((response, failure) -> {
      if (failure != null) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
            ? failure.getCause() : failure;
        throw new CompletionException(failed(base, request, cause));
      }
      try {
        return read.apply(new Exchange(base, request, response));
      } catch (RegistryException e) {
        throw new CompletionException(e);
      }
    });
    result.whenComplete((view, failure) -> {
      if (result.isCancelled()) {
        theCall.cancel(true);
      }
    });
    return result;
  }

  private ServiceView view(Exchange x, String service, String stage) {
    int code = x.response.code();
    if (code == 200 || (code == 404 && isUnknown(x.response))) {
      try {
        return JsonCodec.view(x.response.body(), service, stage);
      } catch (IOException e) {
        throw unreadable(x, e);
      }
    }
    throw refusal(x);
  }

  private static String discoverPath(String service, String stage) {
    return "/discover/" + service + "?stage=" + stage;
  }

  private record Exchange(URI base, TransportRequest request, TransportResponse response) {}

  /** One attempt at the current URL; transient failures throw and move to the next URL. */
  private Exchange exchange(String method, String path, @Nullable String body, Duration timeout) {
    URI base = endpoints.current();
    TransportRequest request = new TransportRequest(method, uri(base, path), body, timeout, headers);
    TransportResponse response;
    try {
      response = transport.send(request);
    } catch (IOException e) {
      throw failed(base, request, e);
    }
    Exchange x = new Exchange(base, request, response);
    checkTransient(x);
    return x;
  }

  private void checkTransient(Exchange x) {
    int code = x.response.code();
    if (code >= 500 || code == 429) {
      counters.registryFailures.increment();
      endpoints.failed(x.base);
      throw new RegistryUnavailableException(describe(x) + " answered " + code + ": "
          + JsonCodec.error(x.response.body()).message(), code, null);
    }
  }

  private RegistryUnavailableException failed(URI base, TransportRequest request, Throwable e) {
    counters.registryFailures.increment();
    endpoints.failed(base);
    if (e instanceof RegistryUnavailableException u) {
      return u;
    }
    return new RegistryUnavailableException(
        request.method() + " " + request.uri() + " failed: " + e, 0, e);
  }

  /** A 4xx answer: a 404 for a route is transient (maybe another URL serves it), else refused. */
  private RegistryException refusal(Exchange x) {
    int code = x.response.code();
    JsonCodec.Error error = JsonCodec.error(x.response.body());
    counters.registryFailures.increment();
    if (code == 404 || code < 400 || code >= 500) {
      endpoints.failed(x.base);
      return new RegistryUnavailableException(
          describe(x) + " answered " + code + " " + error.error() + ": " + error.message(), code,
          null);
    }
    return new RegistryRejectedException(
        describe(x) + " was refused (" + code + " " + error.error() + "): " + error.message(),
        code, error.error());
  }

  private RegistryUnavailableException unreadable(Exchange x, IOException e) {
    counters.registryFailures.increment();
    return new RegistryUnavailableException(
        describe(x) + " answered an unreadable body: " + e.getMessage(), x.response.code(), e);
  }

  private static boolean isUnknown(TransportResponse response) {
    String error = JsonCodec.error(response.body()).error();
    return error.equals("unknown_service") || error.equals("unknown_instance");
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
}
