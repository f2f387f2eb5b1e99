package dev.registry.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.registry.client.spi.HttpTransport;
import dev.registry.client.spi.TransportRequest;
import dev.registry.client.spi.TransportResponse;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.Test;

/** The light JDK transport, on the wire. */
class UrlConnectionTransportTest {
  @StartStop final MockWebServer server = new MockWebServer();
  final HttpTransport transport = new UrlConnectionTransport(8L << 20);

  TransportRequest request(String method, String path, String body, Duration timeout) {
    return new TransportRequest(method, server.url(path).uri(), body, timeout);
  }

  @Test
  void getReturnsTheCodeAndBody() throws Exception {
    server.enqueue(new MockResponse.Builder().code(200).body("{\"a\":\"é\"}").build());

    TransportResponse response = transport.send(
        request("GET", "/discover/x?stage=prod", null, Duration.ofSeconds(2)));

    assertThat(response.code()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("{\"a\":\"é\"}");
    RecordedRequest recorded = server.takeRequest();
    assertThat(recorded.getMethod()).isEqualTo("GET");
    assertThat(recorded.getTarget()).isEqualTo("/discover/x?stage=prod");
    assertThat(recorded.getHeaders().get("Accept")).isEqualTo("application/json");
  }

  @Test
  void postSendsTheJsonBodyWithItsContentType() throws Exception {
    server.enqueue(new MockResponse.Builder().code(201).body("{}").build());

    transport.send(request("POST", "/register", "{\"service\":\"ü\"}", Duration.ofSeconds(2)));

    RecordedRequest recorded = server.takeRequest();
    assertThat(recorded.getMethod()).isEqualTo("POST");
    assertThat(recorded.getBody().utf8()).isEqualTo("{\"service\":\"ü\"}");
    assertThat(recorded.getHeaders().get("Content-Type")).isEqualTo("application/json; charset=utf-8");
  }

  @Test
  void anErrorStatusIsAnAnswerWithItsBodyNotAnException() throws Exception {
    server.enqueue(new MockResponse.Builder().code(404)
        .body("{\"error\":\"unknown_service\"}").build());
    server.enqueue(new MockResponse.Builder().code(503).build());

    TransportResponse notFound = transport.send(request("GET", "/discover/x", null, Duration.ofSeconds(2)));
    TransportResponse unavailable = transport.send(request("GET", "/discover/x", null, Duration.ofSeconds(2)));

    assertThat(notFound.code()).isEqualTo(404);
    assertThat(notFound.body()).isEqualTo("{\"error\":\"unknown_service\"}");
    assertThat(unavailable.code()).isEqualTo(503);
    assertThat(unavailable.body()).isEmpty();
  }

  @Test
  void aSlowServerFailsTheCallWithAnIoExceptionAtTheTimeout() {
    server.enqueue(new MockResponse.Builder().headersDelay(10, TimeUnit.SECONDS).body("{}").build());

    assertThatThrownBy(() -> transport.send(request("GET", "/slow", null, Duration.ofMillis(200))))
        .isInstanceOf(IOException.class);
  }

  @Test
  void aRefusedConnectionIsAnIoException() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    TransportRequest request = new TransportRequest(
        "GET", URI.create("http://127.0.0.1:" + port + "/health"), null, Duration.ofSeconds(1));

    assertThatThrownBy(() -> transport.send(request)).isInstanceOf(IOException.class);
  }

  @Test
  void sendAsyncCompletesWithTheAnswerOnADaemonThread() throws Exception {
    server.enqueue(new MockResponse.Builder().code(200).body("ok").build());

    TransportResponse response = transport.sendAsync(
        request("GET", "/x", null, Duration.ofSeconds(2))).get(5, TimeUnit.SECONDS);

    assertThat(response.body()).isEqualTo("ok");
  }
}
