package dev.registry.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One connection's bytes never reach another: while other clients send requests that Jetty
 * refuses itself and closes on with bytes still unread (headers over the limit, an ambiguous
 * path with a body), every answer on a fresh connection is the answer to its own request.
 *
 * <p>Jetty 12.1.14 with its default pooled request buffers breaks this about once in a few
 * thousand such closes: the closing connection still fills a request buffer that it has given
 * back to the pool, and the next connection to take that buffer parses the stranger's bytes
 * (seen as a {@code 400 No URI} for a well-formed request, a request answered twice, or a fresh
 * connection closed without an answer). The server therefore reads requests into buffers that
 * are never pooled ({@code RegistryServer}, "request buffers"); this test fails without that.
 */
class ConnectionIsolationTest {
  private static final int EXCHANGES = 3_000;
  private RegistryServer server;

  @BeforeEach
  void start() {
    server = RegistryServer.builder().port(0).build().start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void everyAnswerOnAFreshConnectionIsToItsOwnRequestWhileOthersAreRefusedAndClosed() throws Exception {
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong refused = new AtomicLong();
    byte[] headersTooLarge = ("GET /health HTTP/1.1\r\nHost: x\r\nX: " + "b".repeat(20_000) + "\r\n\r\n")
        .getBytes(StandardCharsets.ISO_8859_1);
    byte[] ambiguousWithBody = RawHttp.request("OPTIONS", "/%2e%2e/register", "application/json",
        "{\"service\": \"svc-a\", \"address\": \"http://h:1\"}".getBytes(StandardCharsets.UTF_8));
    Thread stranger = new Thread(() -> {
      try (RawHttp http = new RawHttp("127.0.0.1", server.port())) {
        for (long n = 0; !stop.get(); n++) {
          RawHttp.Answer a = http.exchange(n % 2 == 0 ? headersTooLarge : ambiguousWithBody);
          if (a != null && a.status() >= 400) {
            refused.incrementAndGet();
          }
          http.close();
        }
      } catch (Exception e) {
        // the server closing mid-request is what this thread provokes
      }
    }, "stranger");
    stranger.setDaemon(true);
    stranger.start();

    List<String> wrong = new ArrayList<>();
    try (RawHttp http = new RawHttp("127.0.0.1", server.port())) {
      for (int i = 0; i < EXCHANGES && wrong.size() < 5; i++) {
        for (String name : List.of("svc-" + i, "svc-" + i + "-again")) {
          String got;
          try {
            RawHttp.Answer answer = http.exchange(RawHttp.request("GET", "/discover/" + name, null, null));
            got = answer == null ? "no answer: " + http.lastFailure
                : answer.status() == 404 && answer.text().contains("\"service\":\"" + name + "\"") ? null
                : answer.status() + " " + answer.text();
          } catch (java.io.IOException e) {
            got = e.toString();
          }
          if (got != null) {
            wrong.add("GET /discover/" + name + " -> " + got);
            break;
          }
        }
        http.close();
      }
    } finally {
      stop.set(true);
      stranger.join(10_000);
    }

    assertThat(refused.get()).as("requests the stranger had refused").isPositive();
    assertThat(wrong).as("answers that were not to their own request").isEmpty();
  }
}
