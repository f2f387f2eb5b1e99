package dev.registry.client.etcd;

import dev.registry.client.spi.HttpTransport;
import dev.registry.client.spi.TransportRequest;
import dev.registry.client.spi.TransportResponse;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * A real HTTP transport on the JDK's {@link HttpClient}, for tests of the gateway's calls on their
 * own (a client hands the backend its own transport).
 */
final class TestTransport implements HttpTransport {
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @Override
  public CompletableFuture<TransportResponse> sendAsync(TransportRequest request) {
    HttpRequest.Builder b = HttpRequest.newBuilder(request.uri()).timeout(request.timeout())
        .method(request.method(), request.body() == null
            ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(request.body()));
    request.headers().forEach(b::header);
    return http.sendAsync(b.build(), HttpResponse.BodyHandlers.ofString())
        .thenApply(r -> new TransportResponse(r.statusCode(), r.body()));
  }
}
