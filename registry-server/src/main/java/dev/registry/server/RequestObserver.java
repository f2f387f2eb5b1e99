package dev.registry.server;

import java.time.Duration;
import java.util.Locale;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * The outermost handler: gives every request its ID ({@link RequestId}) and echoes it in the
 * answer, then, when the answer is done, records the request in the metrics and logs it if it
 * is worth a line: a write refused (4xx), a failure (5xx, or no answer), or an answer slower
 * than the threshold. Long-polls are slow by design and are never logged as slow. Everything
 * else is left out of the log, so that it stays quiet under load.
 */
final class RequestObserver extends Handler.Wrapper {
  private static final Logger LOG = LoggerFactory.getLogger(RequestObserver.class);
  private static final int POST = ServerMetrics.METHODS.indexOf("POST");

  private final @Nullable ServerMetrics metrics;
  private final long slowNanos;

  /**
   * @param metrics where requests are recorded; null when the server has metrics off
   * @param slowRequestThreshold an answer that takes longer is logged (long-polls excepted)
   */
  RequestObserver(Handler handler, @Nullable ServerMetrics metrics, Duration slowRequestThreshold) {
    super(handler);
    this.metrics = metrics;
    this.slowNanos = slowRequestThreshold.toNanos();
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    String id = RequestId.accept(request.getHeaders().get(RequestId.HEADER));
    response.getHeaders().put(RequestId.HEADER, id);
    ObservedRequest observed = new ObservedRequest(request, id, metrics);
    return super.handle(observed, response, new Completion(observed, response, callback));
  }

  private void answered(ObservedRequest request, int status, @Nullable Throwable failure) {
    long nanos = System.nanoTime() - request.startNanos;
    boolean longPoll = request.longPoll();
    request.answered();
    if (metrics != null) {
      metrics.request(request.route, request.method, status, longPoll, nanos);
    }
    if (status == 0) {
      // A long-poll whose client went away is routine: only at DEBUG.
      if (!longPoll || LOG.isDebugEnabled()) {
        String cause = failure == null ? "closed" : failure.getClass().getSimpleName();
        log(longPoll ? LOG.atDebug() : LOG.atInfo(), "request_failed", request, status, nanos,
            "got no answer (" + cause + ")");
      }
    } else if (status >= 500) {
      log(LOG.atWarn(), "request_failed", request, status, nanos, "failed");
    } else if (status >= 400 && request.method == POST) {
      log(LOG.atInfo(), "write_refused", request, status, nanos, "refused");
    } else if (nanos > slowNanos && !longPoll) {
      log(LOG.atInfo(), "request_slow", request, status, nanos, "was slow");
    }
  }

  /**
   * One line about a request, in the request's log context: {@code POST /register refused: 403
   * forbidden after 0.4 ms}, with the same facts as fields. Only validated or bounded values go
   * in (the method's label, the route's template, the status, the error code): never the raw
   * path or a header.
   */
  private static void log(LoggingEventBuilder event, String name, ObservedRequest request, int status, long nanos,
      String outcome) {
    String method = ServerMetrics.METHODS.get(request.method);
    String error = request.error();
    String millis = String.format(Locale.ROOT, "%.1f", nanos / 1e6);
    event.addKeyValue("event", name)
        .addKeyValue("method", method)
        .addKeyValue("route", request.route.template)
        .addKeyValue("status", status == 0 ? "none" : Integer.toString(status))
        .addKeyValue("duration_ms", millis)
        .addKeyValue("remote_address", Request.getRemoteAddr(request));
    if (error != null) {
      event.addKeyValue("error", error);
    }
    String result = status == 0 ? outcome : outcome + ": " + status + (error == null ? "" : " " + error);
    try (RequestId.Scope scope = RequestId.inLog(request.id)) {
      event.log("{} {} {} after {} ms", method, request.route.template, result, millis);
    }
  }

  /** Tells the observer when the answer is done (or could not be), then the request's own callback. */
  private final class Completion extends Callback.Nested {
    private final ObservedRequest request;
    private final Response response;

    Completion(ObservedRequest request, Response response, Callback callback) {
      super(callback);
      this.request = request;
      this.response = response;
    }

    @Override
    public void succeeded() {
      answered(request, response.getStatus(), null);
      super.succeeded();
    }

    @Override
    public void failed(Throwable failure) {
      answered(request, 0, failure);
      super.failed(failure);
    }
  }
}
