package dev.registry.client.s3;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.registry.client.spi.HttpTransport;
import dev.registry.client.spi.TransportRequest;
import dev.registry.client.spi.TransportResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.util.concurrent.CompletableFuture;

/**
 * A transport for tests that drive the backend without a client: the JDK's
 * {@code HttpURLConnection}, one blocking call per request, as the core's inline transport.
 */
final class JdkTransport implements HttpTransport {
  @Override
  public TransportResponse send(TransportRequest request) throws IOException {
    HttpURLConnection c = (HttpURLConnection) request.uri().toURL().openConnection();
    c.setRequestMethod(request.method());
    int millis = (int) request.timeout().toMillis();
    c.setConnectTimeout(millis);
    c.setReadTimeout(millis);
    request.headers().forEach(c::setRequestProperty);
    if (request.body() != null) {
      byte[] bytes = request.body().getBytes(UTF_8);
      c.setDoOutput(true);
      c.setFixedLengthStreamingMode(bytes.length);
      c.setRequestProperty("Content-Type", "application/json; charset=utf-8");
      try (OutputStream out = c.getOutputStream()) {
        out.write(bytes);
      }
    }
    int code = c.getResponseCode();
    InputStream in = code >= 400 ? c.getErrorStream() : c.getInputStream();
    return new TransportResponse(code, in == null ? "" : new String(in.readAllBytes(), UTF_8));
  }

  @Override
  public CompletableFuture<TransportResponse> sendAsync(TransportRequest request) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        return send(request);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
  }
}
