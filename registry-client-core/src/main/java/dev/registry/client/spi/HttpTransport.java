package dev.registry.client.spi;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Carries a client's HTTP requests to the registry: every byte an HTTP-based backend sends goes
 * through it ({@link BackendContext#transport()}). The core makes one on OkHttp for a
 * background client and one on the JDK's {@code HttpURLConnection} for an inline client (AWS
 * Lambda: nothing to load beyond {@code java.base}); another plugs in through
 * {@link dev.registry.client.RegistryClient.Builder#transport}.
 *
 * <p>One abstract method, {@link #sendAsync}; {@link #send} has a default on top of it.
 * Implementations must be thread-safe. A transport given to the builder belongs to the
 * caller: the client never closes it. The core's transports stop reading an answer past
 * {@link BackendContext#maxAnswerBytes()} and fail the call with an {@link IOException}
 * naming the limit; a transport of one's own should bound what it reads likewise.
 */
@FunctionalInterface
public interface HttpTransport {

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
