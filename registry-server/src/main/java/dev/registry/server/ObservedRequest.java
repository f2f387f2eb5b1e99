package dev.registry.server;

import org.eclipse.jetty.server.Request;
import org.jspecify.annotations.Nullable;

/**
 * A request as {@link RequestObserver} sees it: its ID, route, method and start, and what the
 * handler tells about it on the way (parked as a long-poll, refused with an error code). The
 * handler reaches it through the static methods, which do nothing for a request that was not
 * observed.
 */
final class ObservedRequest extends Request.Wrapper {
  final String id;
  final Route route;
  /** An index in {@link ServerMetrics#METHODS}. */
  final int method;
  final long startNanos;
  private final @Nullable ServerMetrics metrics;
  private volatile boolean longPoll;
  private volatile @Nullable String error;

  ObservedRequest(Request request, String id, @Nullable ServerMetrics metrics) {
    super(request);
    this.id = id;
    this.metrics = metrics;
    this.route = Route.of(Request.getPathInContext(request));
    this.method = ServerMetrics.method(request.getMethod());
    this.startNanos = System.nanoTime();
  }

  static @Nullable ObservedRequest of(Request request) {
    return Request.as(request, ObservedRequest.class);
  }

  /** The ID of an observed request, null for one that was not observed. */
  static @Nullable String idOf(Request request) {
    ObservedRequest observed = of(request);
    return observed == null ? null : observed.id;
  }

  /**
   * Tells that the request is (true) or is not after all (false) parked as a long-poll. Called
   * before the watch is set, and again if it was not: so the answer, which ends the hold,
   * cannot come before it began.
   */
  static void parked(Request request, boolean parked) {
    ObservedRequest observed = of(request);
    if (observed != null && observed.longPoll != parked) {
      observed.longPoll = parked;
      if (observed.metrics != null) {
        observed.metrics.longPollHeld(parked ? 1 : -1);
      }
    }
  }

  /** Tells the error code the request was refused with. */
  static void refused(Request request, String code) {
    ObservedRequest observed = of(request);
    if (observed != null) {
      observed.error = code;
    }
  }

  boolean longPoll() {
    return longPoll;
  }

  @Nullable String error() {
    return error;
  }

  /** Ends a long-poll's hold when its answer is done; once. */
  void answered() {
    if (longPoll && metrics != null) {
      metrics.longPollHeld(-1);
    }
  }
}
