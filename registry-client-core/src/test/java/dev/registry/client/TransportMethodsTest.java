package dev.registry.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registry.client.spi.HttpTransport;
import dev.registry.client.spi.TransportRequest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Both transports send the method, URI, body and headers they are given as they are: the S3
 * backend's {@code PUT} with a body and {@code DELETE} without, to a signed URI whose encoding
 * must not change.
 */
class TransportMethodsTest {
  @StartStop final MockWebServer server = new MockWebServer();

  private static HttpTransport transport(String name) {
    return name.equals("okhttp") ? new OkHttpTransport(null, "transport-methods-test", List.of(), 8L << 20)
        : new UrlConnectionTransport(8L << 20);
  }

  @ParameterizedTest
  @ValueSource(strings = {"okhttp", "urlconnection"})
  void putAndDeleteAreSentAsGiven(String name) throws Exception {
    HttpTransport transport = transport(name);
    server.enqueue(new MockResponse.Builder().code(200).build());
    server.enqueue(new MockResponse.Builder().code(204).build());
    String path = "/bucket/registry/prod/orders/id%3A1/UP~15~eyJh";

    transport.send(new TransportRequest("PUT", server.url(path).uri(), "{\"a\":1}",
        Duration.ofSeconds(5), Map.of("x-amz-date", "20261205T000000Z")));
    transport.send(new TransportRequest("DELETE", server.url(path).uri(), null, Duration.ofSeconds(5)));

    RecordedRequest put = server.takeRequest();
    assertThat(put.getMethod()).isEqualTo("PUT");
    assertThat(put.getTarget()).isEqualTo(path);
    assertThat(put.getBody().utf8()).isEqualTo("{\"a\":1}");
    assertThat(put.getHeaders().get("x-amz-date")).isEqualTo("20261205T000000Z");
    RecordedRequest delete = server.takeRequest();
    assertThat(delete.getMethod()).isEqualTo("DELETE");
    assertThat(delete.getTarget()).isEqualTo(path);
    assertThat(delete.getBodySize()).isZero();
    if (transport instanceof AutoCloseable closeable) {
      closeable.close();
    }
  }
}
