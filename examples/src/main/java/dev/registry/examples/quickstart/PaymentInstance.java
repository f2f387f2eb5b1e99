package dev.registry.examples.quickstart;

import com.sun.net.httpserver.HttpServer;
import dev.registry.client.ConfigKey;
import dev.registry.client.ConfigListener;
import dev.registry.client.Registration;
import dev.registry.client.RegistryClient;
import dev.registry.client.ServiceInstance;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.jspecify.annotations.Nullable;

/**
 * One small "payment-service" process: a JDK HTTP server that answers its own name, and a
 * registry client that registers it, declares its configuration key with a default, and follows
 * its configuration. Its client runs on a scheduler of its own, so that {@link #kill()} can stop
 * its heartbeats the way a crash would, without deregistering.
 */
final class PaymentInstance implements AutoCloseable {
  final String name;
  private final HttpServer http;
  private final ScheduledExecutorService heartbeatThread;
  private final RegistryClient client;
  private final Registration registration;
  private boolean stopped;

  /** The key this service declares: its default is written where no operator set one. */
  static final ConfigKey FEE = ConfigKey.ofString("payment.fee-percent", "1.5", "fee charged per payment, in percent");

  /**
   * @param onConfig told of the service's configuration as this instance takes it, or null
   *     when the registry keeps no configuration (an etcd cluster)
   */
  PaymentInstance(String name, String registry, Duration leaseTtl, Duration heartbeatInterval,
      @Nullable ConfigListener onConfig) {
    this.name = name;
    try {
      http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    http.createContext("/", exchange -> {
      byte[] body = name.getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    http.start();
    heartbeatThread = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, name + "-heartbeat");
      t.setDaemon(true);
      return t;
    });
    client = RegistryClient.builder()
        .registryUrls(registry.split(","))
        .leaseTtl(leaseTtl)
        .heartbeatInterval(heartbeatInterval)
        .scheduler(heartbeatThread)
        .shutdownHook(false)
        .build();
    registration = client.register(ServiceInstance.builder("payment-service")
        .id(name)
        .address(URI.create("http://127.0.0.1:" + http.getAddress().getPort()))
        .metadata("version", "1.4.2")
        .build());
    if (onConfig != null) {
      client.declareConfig("payment-service", List.of(FEE));
      client.watchConfig("payment-service", onConfig);
    }
  }

  URI address() {
    return registration.instance().address();
  }

  /** A crash: stops serving and heartbeating, deregisters nothing. */
  void kill() {
    heartbeatThread.shutdownNow();
    stopServing();
  }

  private synchronized void stopServing() {
    if (!stopped) {
      stopped = true;
      http.stop(0);
    }
  }

  /** A graceful stop: deregisters, then stops serving. */
  @Override
  public void close() {
    registration.close();
    client.close();
    heartbeatThread.shutdownNow();
    stopServing();
  }
}
