package dev.registry.client;

import dev.registry.client.spi.HttpTransport;
import dev.registry.client.spi.TransportRequest;
import dev.registry.client.spi.TransportResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * A light {@link HttpTransport} on the JDK's {@link HttpURLConnection}: nothing to load beyond
 * {@code java.base}, no connection pool or dispatcher to build, no TLS set-up unless an
 * {@code https} URL is actually called (the JDK creates its SSL context on the first https
 * connection only). Made for the AWS Lambda cold start, where the client works inline and
 * sends a handful of short blocking requests; keep-alive is the JDK's own.
 *
 * <p>The request's timeout bounds the connect, then every read by what remains of it: the
 * whole call is bounded by about twice the timeout at worst (a server trickling bytes). An
 * answer's body is bounded by the client's {@code maxAnswerBytes} while it is read
 * ({@link BoundedBody}).
 * {@link #sendAsync} runs the call on a new daemon thread ({@code registry-client-http-N}); the
 * inline client never calls it. Stateless and thread-safe.
 *
 * <p>The inline client's transport. With {@code Builder.trustedCertificates} it is made
 * {@link #trusting} them, so that its {@code https} connections trust those certificates only
 * (host names still verified); without, no TLS class of ours is loaded and {@code https} URLs
 * trust the JVM's default store.
 */
final class UrlConnectionTransport implements HttpTransport {
  private static final AtomicInteger THREADS = new AtomicInteger(1);

  /** The certificates https connections trust, or null for the JVM's default store. */
  private final @Nullable TrustedTls tls;
  private final long maxAnswerBytes;

  /**
   * Creates the transport. No I/O.
   *
   * @param maxAnswerBytes the largest body of an answer read
   */
  UrlConnectionTransport(long maxAnswerBytes) {
    this(null, maxAnswerBytes);
  }

  private UrlConnectionTransport(@Nullable TrustedTls tls, long maxAnswerBytes) {
    this.tls = tls;
    this.maxAnswerBytes = maxAnswerBytes;
  }

  /**
   * A transport like this one whose {@code https} connections trust {@code certificates} and
   * nothing else (host names still verified). Sets up the SSL context now.
   *
   * @param certificates one or more certificates
   * @param maxAnswerBytes the largest body of an answer read
   * @return a new transport
   * @throws IllegalStateException if the JDK cannot set up TLS over them
   */
  static UrlConnectionTransport trusting(List<X509Certificate> certificates, long maxAnswerBytes) {
    return new UrlConnectionTransport(new TrustedTls(certificates), maxAnswerBytes);
  }

  @Override
  public TransportResponse send(TransportRequest request) throws IOException {
    long deadline = System.nanoTime() + request.timeout().toNanos();
    HttpURLConnection connection = (HttpURLConnection) request.uri().toURL().openConnection();
    try {
      if (tls != null) {
        tls.apply(connection);
      }
      connection.setRequestMethod(request.method());
      connection.setUseCaches(false);
      connection.setInstanceFollowRedirects(false);
      connection.setConnectTimeout(remainingMillis(deadline, request));
      connection.setReadTimeout(remainingMillis(deadline, request));
      connection.setRequestProperty("Accept", "application/json");
      request.headers().forEach(connection::setRequestProperty); // the token, among others
      String body = request.body();
      if (body != null) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        connection.setDoOutput(true);
        connection.setFixedLengthStreamingMode(bytes.length);
        connection.setRequestProperty("Content-Type", "application/json; charset=utf-8");
        try (OutputStream out = connection.getOutputStream()) {
          out.write(bytes);
        }
      }
      connection.setReadTimeout(remainingMillis(deadline, request));
      int code = connection.getResponseCode();
      InputStream in = code >= 400 ? connection.getErrorStream() : connection.getInputStream();
      return new TransportResponse(code, in == null ? "" : BoundedBody.read(in,
          connection.getContentLengthLong(), maxAnswerBytes,
          "the answer to " + request.method() + " " + request.uri()));
    } catch (SocketTimeoutException e) {
      connection.disconnect();
      throw e;
    }
  }

  @Override
  public CompletableFuture<TransportResponse> sendAsync(TransportRequest request) {
    CompletableFuture<TransportResponse> future = new CompletableFuture<>();
    Thread thread = new Thread(() -> {
      try {
        future.complete(send(request));
      } catch (IOException | RuntimeException e) {
        future.completeExceptionally(e);
      }
    }, "registry-client-http-" + THREADS.getAndIncrement());
    thread.setDaemon(true);
    future.whenComplete((response, failure) -> {
      if (future.isCancelled()) {
        thread.interrupt();
      }
    });
    thread.start();
    return future;
  }

  private static int remainingMillis(long deadlineNanos, TransportRequest request)
      throws SocketTimeoutException {
    long millis = (deadlineNanos - System.nanoTime()) / 1_000_000;
    if (millis <= 0) {
      throw new SocketTimeoutException(
          "timeout " + request.timeout() + ": " + request.method() + " " + request.uri());
    }
    return (int) Math.min(Integer.MAX_VALUE, millis);
  }

  @Override
  public String toString() {
    return tls == null ? "UrlConnectionTransport" : "UrlConnectionTransport(trusted certificates)";
  }
}
