package dev.registry.client.etcd;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.jspecify.annotations.Nullable;

/**
 * The HTTP client of a backend's watch streams: the JDK's {@link HttpClient} on HTTP/1.1 (the
 * gateway's streams are plain chunked answers), on daemon threads of its own
 * ({@code registry-etcd-watch-N}), trusting the client's certificates when it has some. Made at
 * a backend's first watch, so that a client that never watches (an AWS Lambda one) loads none
 * of it.
 */
final class Streams implements AutoCloseable {
  private static final AtomicInteger THREADS = new AtomicInteger(1);

  private final ExecutorService executor;
  private final HttpClient client;
  private final long maxLineBytes;

  /**
   * @param trusted the certificates TLS connections must chain to, empty for the JVM's trust
   *     store
   * @param maxLineBytes the longest line of a stream held (the client's maxAnswerBytes)
   * @throws IllegalStateException if the JDK cannot set up TLS over them
   */
  Streams(List<X509Certificate> trusted, Duration connectTimeout, long maxLineBytes) {
    this.maxLineBytes = maxLineBytes;
    this.executor = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "registry-etcd-watch-" + THREADS.getAndIncrement());
      t.setDaemon(true);
      return t;
    });
    HttpClient.Builder builder = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(connectTimeout).executor(executor);
    if (!trusted.isEmpty()) {
      builder.sslContext(trusting(trusted));
    }
    this.client = builder.build();
  }

  HttpClient client() {
    return client;
  }

  /** A body subscriber handing {@code lines} the stream's lines, each bounded ({@link Lines}). */
  HttpResponse.BodySubscriber<Void> lines(Flow.Subscriber<? super String> lines) {
    return HttpResponse.BodySubscribers.fromSubscriber(new Lines(lines, maxLineBytes));
  }

  /** A body subscriber of an error answer (one JSON line): its first line, bounded likewise. */
  HttpResponse.BodySubscriber<String> firstLine() {
    FirstLine first = new FirstLine();
    return HttpResponse.BodySubscribers.fromSubscriber(new Lines(first, maxLineBytes), l -> first.text());
  }

  /** Keeps the first line it hears. */
  private static final class FirstLine implements Flow.Subscriber<String> {
    private @Nullable String first;

    @Override
    public void onSubscribe(Flow.Subscription s) {
      s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(String line) {
      if (first == null) {
        first = line;
      }
    }

    @Override
    public void onError(Throwable failure) {}

    @Override
    public void onComplete() {}

    String text() {
      return first == null ? "" : first;
    }
  }

  ExecutorService executor() {
    return executor;
  }

  /**
   * An SSL context that trusts exactly {@code certificates} (host names are still verified). The
   * core makes the same for its own transport; the SPI hands backends the certificates, not it.
   */
  static SSLContext trusting(List<X509Certificate> certificates) {
    try {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      for (int i = 0; i < certificates.size(); i++) {
        store.setCertificateEntry("trusted-" + i, certificates.get(i));
      }
      TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(store);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, factory.getTrustManagers(), null);
      return context;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot set up TLS over the trusted certificates: " + e, e);
    }
  }

  /** Stops the threads; streams still open fail. */
  @Override
  public void close() {
    executor.shutdownNow();
  }
}
