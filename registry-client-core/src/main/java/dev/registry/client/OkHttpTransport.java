package dev.registry.client;

import dev.registry.client.spi.HttpTransport;
import dev.registry.client.spi.TransportRequest;
import dev.registry.client.spi.TransportResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.Dispatcher;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.jspecify.annotations.Nullable;

/**
 * The default {@link HttpTransport}, on OkHttp. Blocking calls run on the caller's thread
 * ({@code Call.execute()}); asynchronous ones (long-polls) on a dispatcher of our own, whose
 * named daemon threads are sized for one long-poll per watched service: OkHttp's default
 * dispatcher allows 5 calls per host, so a sixth watch would starve. Read and write timeouts
 * are off; each call is bounded by its own call timeout (longer than a long-poll's wait), and
 * each answer by the client's {@code maxAnswerBytes}, while it is read ({@link BoundedBody}).
 */
final class OkHttpTransport implements HttpTransport, AutoCloseable {
  private static final MediaType JSON = MediaType.get("application/json; charset=utf-8");

  private final OkHttpClient blocking;
  private final OkHttpClient async;
  private final ExecutorService asyncExecutor;
  private final boolean ownsPool;
  private final long maxAnswerBytes;

  /**
   * @param shared a client to derive ours from (sharing its connection pool), or null
   * @param threadPrefix the name prefix of the long-poll threads
   * @param trusted the certificates https URLs must chain to; empty for the JVM's defaults
   * @param maxAnswerBytes the largest body of an answer read
   */
  OkHttpTransport(@Nullable OkHttpClient shared, String threadPrefix,
      java.util.List<java.security.cert.X509Certificate> trusted, long maxAnswerBytes) {
    this.maxAnswerBytes = maxAnswerBytes;
    OkHttpClient.Builder base = shared != null ? shared.newBuilder() : new OkHttpClient.Builder();
    if (!trusted.isEmpty()) {
      TrustedTls tls = new TrustedTls(trusted);
      base.sslSocketFactory(tls.socketFactory, tls.trustManager);
    }
    this.ownsPool = shared == null;
    this.blocking = base
        .connectTimeout(Duration.ofSeconds(5))
        .readTimeout(Duration.ZERO)
        .writeTimeout(Duration.ZERO)
        .callTimeout(Duration.ZERO)
        .retryOnConnectionFailure(true)
        .build();
    this.asyncExecutor = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS,
        new SynchronousQueue<>(), new DaemonThreads(threadPrefix));
    Dispatcher dispatcher = new Dispatcher(asyncExecutor);
    dispatcher.setMaxRequests(4096);
    dispatcher.setMaxRequestsPerHost(4096);
    this.async = blocking.newBuilder().dispatcher(dispatcher).build();
  }

  @Override
  public TransportResponse send(TransportRequest request) throws IOException {
    Call call = blocking.newCall(toOkHttp(request));
    call.timeout().timeout(request.timeout().toMillis(), TimeUnit.MILLISECONDS);
    try (Response response = call.execute()) {
      return toResponse(response);
    }
  }

  @Override
  public CompletableFuture<TransportResponse> sendAsync(TransportRequest request) {
    Call call = async.newCall(toOkHttp(request));
    call.timeout().timeout(request.timeout().toMillis(), TimeUnit.MILLISECONDS);
    CompletableFuture<TransportResponse> future = new CompletableFuture<>();
    future.whenComplete((response, failure) -> {
      if (future.isCancelled()) {
        call.cancel();
      }
    });
    call.enqueue(new Callback() {
      @Override
      public void onFailure(Call c, IOException e) {
        future.completeExceptionally(e);
      }

      @Override
      public void onResponse(Call c, Response response) {
        try (response) {
          future.complete(toResponse(response));
        } catch (IOException e) {
          future.completeExceptionally(e);
        }
      }
    });
    return future;
  }

  private static Request toOkHttp(TransportRequest request) {
    String body = request.body();
    RequestBody requestBody = body == null ? null : RequestBody.create(body, JSON);
    Request.Builder builder = new Request.Builder()
        .url(request.uri().toString())
        .method(request.method(), requestBody)
        .header("Accept", "application/json");
    request.headers().forEach(builder::header);
    return builder.build();
  }

  private TransportResponse toResponse(Response response) throws IOException {
    ResponseBody body = response.body();
    Request request = response.request();
    return new TransportResponse(response.code(), BoundedBody.read(body.byteStream(),
        body.contentLength(), maxAnswerBytes, "the answer to " + request.method() + " " + request.url()));
  }

  /** Stops our long-poll threads; closes idle connections only when the pool is ours. */
  @Override
  public void close() {
    async.dispatcher().cancelAll();
    asyncExecutor.shutdownNow();
    if (ownsPool) {
      blocking.connectionPool().evictAll();
    }
  }
}
