package dev.registry.client.etcd;

import dev.registry.client.spi.HttpTransport;
import dev.registry.client.spi.TransportRequest;
import dev.registry.client.spi.TransportResponse;
import java.net.ConnectException;
import java.util.concurrent.CompletableFuture;

/**
 * A real transport whose wire can be cut: once {@link #cut()}, every call fails as a dead
 * network would. A client on it stands for a process that crashed (it neither renews nor
 * deregisters).
 */
final class CuttableTransport implements HttpTransport {
  private final HttpTransport wire = new TestTransport();
  private volatile boolean cut;

  void cut() {
    cut = true;
  }

  @Override
  public CompletableFuture<TransportResponse> sendAsync(TransportRequest request) {
    return cut ? CompletableFuture.failedFuture(new ConnectException("cut: " + request.uri())) : wire.sendAsync(request);
  }
}
