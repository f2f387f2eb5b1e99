package dev.registry.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.registry.address.AddressPolicy;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The checks the registry runs itself ({@code --health-checks}), against real listeners on
 * loopback: an instance whose port closes goes DOWN after its failures and comes back when it
 * reopens; an HTTP check answered 500 fails; a thousand checked instances need a few threads.
 */
class HealthCheckTest {
  private RegistryServer server;
  private TestHttp http;
  private Listener listener;

  private void start() {
    server = RegistryServer.builder().port(0).healthChecks(true).build().start();
    http = new TestHttp(server.uri());
  }

  @AfterEach
  void stop() throws IOException {
    if (server != null) {
      server.close();
    }
    if (listener != null) {
      listener.close();
    }
  }

  @Test
  void aTcpCheckTakesAClosedPortDownAfterItsFailuresAndBringsItBackWhenItReopens() throws Exception {
    start();
    listener = new Listener(0);
    int port = listener.port();
    register("tcp-svc", "http://127.0.0.1:" + port, "{\"type\": \"tcp\", \"interval\": \"300ms\", \"timeout\": \"300ms\","
        + " \"failures\": 2, \"successes\": 2}");
    await().atMost(Duration.ofSeconds(10)).until(() -> server.healthChecker().checksRun() >= 3);
    assertThat(status("tcp-svc")).as("an open port stays UP").isEqualTo("UP");
    assertThat(listener.accepted.get()).as("each check connected").isGreaterThanOrEqualTo(3);

    listener.close();
    await().atMost(Duration.ofSeconds(10)).until(() -> status("tcp-svc").equals("DOWN"));

    listener = new Listener(port);
    await().atMost(Duration.ofSeconds(10)).until(() -> status("tcp-svc").equals("UP"));
  }

  @Test
  void anHttpCheckAnswered500IsAFailureAnd200ASuccess() throws Exception {
    start();
    AtomicInteger answer = new AtomicInteger(200);
    HttpServer app = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    AtomicInteger hits = new AtomicInteger();
    app.createContext("/health", exchange -> {
      hits.incrementAndGet();
      exchange.sendResponseHeaders(answer.get(), -1);
      exchange.close();
    });
    app.start();
    try {
      register("http-svc", "http://127.0.0.1:" + app.getAddress().getPort() + "/base",
          "{\"type\": \"http\", \"path\": \"/health\", \"interval\": \"300ms\", \"timeout\": \"300ms\", \"failures\": 1}");
      // UP once checks answered 200 have run (the first GET may time out on a busy machine:
      // a failure takes it DOWN, the next success back UP).
      await().atMost(Duration.ofSeconds(10)).until(() -> server.healthChecker().checksRun() >= 2
          && status("http-svc").equals("UP"));
      assertThat(hits.get()).as("the checks reached /health").isPositive();

      answer.set(500);
      await().atMost(Duration.ofSeconds(10)).until(() -> status("http-svc").equals("DOWN"));

      answer.set(204);
      await().atMost(Duration.ofSeconds(10)).until(() -> status("http-svc").equals("UP"));
    } finally {
      app.stop(0);
    }
  }

  @Test
  void theOwnersOutOfServiceIsLeftAlone() throws Exception {
    start();
    register("oos-svc", "http://127.0.0.1:1", "{\"type\": \"tcp\", \"interval\": \"100ms\", \"timeout\": \"100ms\","
        + " \"failures\": 1}");
    http.post("/status", "{\"service\": \"oos-svc\", \"address\": \"http://127.0.0.1:1\", \"status\": \"OUT_OF_SERVICE\"}");
    long before = server.healthChecker().checksRun();

    await().atMost(Duration.ofSeconds(10)).until(() -> server.healthChecker().checksRun() >= before + 3);
    assertThat(status("oos-svc")).isEqualTo("OUT_OF_SERVICE");
  }

  @Test
  void aThousandCheckedInstancesNeedAFewThreads() throws Exception {
    listener = new Listener(0);
    int threadsBefore = Thread.activeCount();
    start();
    int threadsStarted = Thread.activeCount();
    for (int i = 0; i < 1_000; i++) {
      register("many-" + (i % 10), "http://127.0.0.1:" + listener.port() + "/" + i,
          "{\"type\": \"tcp\", \"interval\": \"1s\", \"timeout\": \"1s\", \"failures\": 3}");
    }

    await().atMost(Duration.ofSeconds(60)).until(() -> server.healthChecker().checksRun() >= 2_000);
    int threadsChecking = Thread.activeCount();
    System.out.printf("1,000 checked instances: %d checks run; threads: %d before the server, %d started,"
        + " %d while checking (%d accepted connections)%n", server.healthChecker().checksRun(), threadsBefore,
        threadsStarted, threadsChecking, listener.accepted.get());
    // The server's own pool is bounded at 64, the checker's at MAX_POOL_THREADS + 2: nothing per instance.
    assertThat(threadsChecking - threadsBefore).isLessThan(64 + HealthChecker.MAX_POOL_THREADS + 2 + 10);
    assertThat(http.get("/discover/many-0").json().get("instances").findValuesAsText("status")).containsOnly("UP");
  }

  @Test
  void aNameThatResolvesToALinkLocalOrMetadataAddressIsNeverConnectedTo() throws Exception {
    assertThat(AddressPolicy.denied(InetAddress.getByName("169.254.169.254"))).isPresent();
    assertThat(AddressPolicy.denied(InetAddress.getByName("fe80::1"))).isPresent();
    assertThat(AddressPolicy.denied(InetAddress.getByName("fd00:ec2::254"))).isPresent();
    assertThat(AddressPolicy.denied(InetAddress.getByName("127.0.0.1"))).isEmpty();
    assertThat(AddressPolicy.denied(InetAddress.getByName("10.1.2.3"))).isEmpty();
  }

  @Test
  void withoutTheOptionNoCheckRuns() {
    try (RegistryServer plain = RegistryServer.builder().port(0).build().start()) {
      assertThat(plain.healthChecker()).isNull();
      TestHttp.Reply r = new TestHttp(plain.uri()).post("/register", "{\"service\": \"s\", \"address\":"
          + " \"http://127.0.0.1:1\", \"check\": {\"type\": \"tcp\"}}");
      assertThat(r.status()).as("the check is kept with the instance").isEqualTo(201);
      assertThat(plain.registry().view("s", "default").instances().get(0).check).isNotNull();
    }
  }

  @Test
  void badChecksAreRefusedNamingTheField() {
    start();
    assertThat(registerReply("b", "http://127.0.0.1:2", "{\"type\": \"icmp\"}").json().get("message").asText())
        .contains("check.type");
    assertThat(registerReply("b", "http://127.0.0.1:2", "{\"type\": \"tcp\", \"interval\": \"1ms\"}")
        .json().get("message").asText()).contains("check.interval");
    assertThat(registerReply("b", "http://127.0.0.1:2", "{\"type\": \"http\", \"path\": \"health\"}")
        .json().get("message").asText()).contains("check.path");
    assertThat(registerReply("b", "http://127.0.0.1:2", "{\"type\": \"tcp\", \"failures\": 0}")
        .json().get("message").asText()).contains("check.failures");
    assertThat(registerReply("b", "http://127.0.0.1:2", "[1]").json().get("error").asText()).isEqualTo("invalid_field");
  }

  private void register(String service, String address, String check) {
    assertThat(registerReply(service, address, check).status()).isEqualTo(201);
  }

  private TestHttp.Reply registerReply(String service, String address, String check) {
    return http.post("/register", "{\"service\": \"" + service + "\", \"address\": \"" + address + "\", \"check\": "
        + check + "}");
  }

  private String status(String service) {
    return server.registry().view(service, "default").instances().get(0).status.name();
  }

  /** A TCP listener on loopback that accepts and closes every connection. */
  private static final class Listener implements AutoCloseable {
    final ServerSocket socket;
    final AtomicInteger accepted = new AtomicInteger();

    Listener(int port) throws IOException {
      socket = new ServerSocket();
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1024);
      Thread t = new Thread(() -> {
        while (!socket.isClosed()) {
          try (Socket s = socket.accept()) {
            accepted.incrementAndGet();
          } catch (IOException e) {
            return;
          }
        }
      }, "test-listener");
      t.setDaemon(true);
      t.start();
    }

    int port() {
      return socket.getLocalPort();
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
