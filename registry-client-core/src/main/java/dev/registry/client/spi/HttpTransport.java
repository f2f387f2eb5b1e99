package dev.registry.client.spi;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Carries the client's HTTP requests to the registry. Every byte the client sends goes
 * through this seam. The default is built on OkHttp and is created lazily, on the first
 * request; a lighter transport (for example one on {@code java.net.http}, for a Lambda cold
 * start) plugs in through {@link dev.registry.client.RegistryClient.Builder#transport}.
 *
 * <p>One abstract method, {@link #sendAsync}; {@link #send} has a default on top of it.
 * Implementations must be thread-safe. A transport given to the builder belongs to the
 * caller: the client never closes it.
 */
@FunctionalInterface
public interface HttpTransport {

  /**
   * Returns a light transport on the JDK's {@link java.net.HttpURLConnection}: it loads
   * nothing beyond {@code java.base} and sets up no TLS for an {@code http://} registry, so it
   * suits a cold start (AWS Lambda) where the client works inline and sends a few short
   * requests. Each call is bounded by its request's timeout (the connect, then each read by
   * what remains). {@link #sendAsync} runs on a new daemon thread per call, which suits the
   * inline mode (no long-polls) but not many watches: keep the default OkHttp transport for
   * long-running services. Stateless; there is nothing to close. {@code https} URLs trust the
   * JVM's default store, or, given to a builder with
   * {@link dev.registry.client.RegistryClient.Builder#trustedCertificates(java.util.List)
   * trustedCertificates}, those certificates only (host names still verified).
   *
   * @return a new transport
   */
  static HttpTransport urlConnection() {
    return new dev.registry.client.internal.UrlConnectionTransport();
  }

  /**
   * Sends a request without blocking. The client uses it for long-polls, which stay open up
   * to the long-poll wait.
   *
   * <p>The future completes with the answer, whatever its status code; it completes
   * exceptionally with an {@link IOException} on a connection failure or when
   * {@link TransportRequest#timeout()} passes. Cancelling the future cancels the call.
   *
   * @param request the request
   * @return the answer to come
   */
  CompletableFuture<TransportResponse> sendAsync(TransportRequest request);

  /**
   * Sends a request and blocks for the answer, at most {@link TransportRequest#timeout()}.
   *
   * <p>The default waits on {@link #sendAsync}; implementations may do better (the OkHttp
   * transport runs the call on the calling thread).
   *
   * @param request the request
   * @return the answer, whatever its status code
   * @throws IOException on a connection failure or a timeout
   */
  default TransportResponse send(TransportRequest request) throws IOException {
    CompletableFuture<TransportResponse> future = sendAsync(request);
    try {
      return future.get();
    } catch (InterruptedException e) {
      future.cancel(true);
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted: " + request.method() + " " + request.uri());
    } catch (CancellationException e) {
      throw new IOException("cancelled: " + request.method() + " " + request.uri(), e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IOException io) {
        throw io;
      }
      throw new IOException(request.method() + " " + request.uri() + " failed: " + cause, cause);
    }
  }
}
