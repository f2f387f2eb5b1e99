package dev.registry.client;

import dev.registry.client.spi.HttpTransport;
import dev.registry.client.spi.TransportRequest;
import dev.registry.client.spi.TransportResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/** The default OkHttp transport, recording how long each call took against its own timeout. */
final class TimedTransport implements HttpTransport, AutoCloseable {
  /** One finished call. */
  record Call(TransportRequest request, Duration took, boolean failed) {
    boolean longPoll() {
      return request.uri().getQuery() != null && request.uri().getQuery().contains("index=");
    }
  }

  private final OkHttpTransport delegate = new OkHttpTransport(null, "timed-transport-watch", java.util.List.of(), 8L << 20);
  final List<Call> calls = new CopyOnWriteArrayList<>();

  @Override
  public TransportResponse send(TransportRequest request) throws IOException {
    long start = System.nanoTime();
    boolean failed = true;
    try {
      TransportResponse response = delegate.send(request);
      failed = false;
      return response;
    } finally {
      calls.add(new Call(request, Duration.ofNanos(System.nanoTime() - start), failed));
    }
  }

  @Override
  public CompletableFuture<TransportResponse> sendAsync(TransportRequest request) {
    long start = System.nanoTime();
    CompletableFuture<TransportResponse> future = delegate.sendAsync(request);
    future.whenComplete((r, e) -> calls.add(new Call(request, Duration.ofNanos(System.nanoTime() - start), e != null)));
    return future;
  }

  @Override
  public void close() {
    delegate.close();
  }
}
