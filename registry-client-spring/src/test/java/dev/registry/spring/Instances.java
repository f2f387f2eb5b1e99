package dev.registry.spring;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Small HTTP servers on ephemeral loopback ports standing in for instances of a service: one
 * that says who it is, one that answers a status to everything, one that never answers.
 */
final class Instances implements AutoCloseable {
  private final List<HttpServer> servers = new ArrayList<>();
  private final CountDownLatch closed = new CountDownLatch(1);
  private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "instance");
    t.setDaemon(true);
    return t;
  });

  /** An instance answering 200 "hello from {id}"; returns its address. */
  String answering(String id) {
    return start(200, "hello from " + id, false);
  }

  /** An instance answering {@code status} to everything. */
  String failing(int status) {
    return start(status, "failing", false);
  }

  /** An instance that accepts requests and never answers them. */
  String silent() {
    return start(200, "late", true);
  }

  private String start(int status, String body, boolean silent) {
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
      server.createContext("/", exchange -> {
        if (silent) {
          try {
            closed.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(bytes);
        }
      });
      server.setExecutor(threads);
      server.start();
      servers.add(server);
      return "http://127.0.0.1:" + server.getAddress().getPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    closed.countDown();
    servers.forEach(s -> s.stop(0));
    threads.shutdownNow();
  }
}
