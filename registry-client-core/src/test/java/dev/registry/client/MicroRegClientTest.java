package dev.registry.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.registry.server.RegistryServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A service registered by a MicroReg client over XML-RPC ({@code POST /RPC2}, docs/api.md) is an
 * instance like any other for the Java client: chosen, and taken out of rotation by its status.
 * The calls go on the wire as the XML-RPC documents a MicroReg client (Python's
 * {@code xmlrpc.client}) sends.
 */
class MicroRegClientTest {
  final RegistryServer server = RegistryServer.builder().host("127.0.0.1").port(0).build().start();
  final RegistryClient client = RegistryClient.builder().registryUrls(server.uri().toString())
      .shutdownHook(false).build();

  @AfterEach
  void tearDown() {
    client.close();
    server.close();
  }

  @Test
  void aMicroRegRegistrationIsChosenAndUpdateStatusZeroTakesItOutOfRotationForAWatchingClient() throws Exception {
    assertThat(call("register", "<string>billing</string>", "<string>127.0.0.1</string>",
        "<int>8081</int>", "<int>1</int>")).contains("<int>").doesNotContain("fault");

    ServiceInstance chosen = client.choose("billing");
    assertThat(chosen.address()).isEqualTo(URI.create("http://127.0.0.1:8081"));
    assertThat(chosen.status()).isEqualTo(Status.UP);
    List<ServiceView> seen = new CopyOnWriteArrayList<>();
    client.watch("billing", seen::add);

    long sent = System.nanoTime();
    assertThat(call("update_status", "<string>billing</string>", "<int>0</int>"))
        .contains("<boolean>1</boolean>");
    // The watch's usual latency is a few milliseconds (docs/benchmarks.md, propagation); the
    // bound leaves room for a loaded build machine.
    await().atMost(Duration.ofSeconds(2)).untilAsserted(() ->
        assertThatThrownBy(() -> client.choose("billing")).isInstanceOf(NoInstanceAvailableException.class));
    System.out.printf("update_status 0 -> out of rotation in %d ms%n", (System.nanoTime() - sent) / 1_000_000);
    assertThat(seen.get(seen.size() - 1).instances()).singleElement()
        .satisfies(i -> assertThat(i.status()).isEqualTo(Status.OUT_OF_SERVICE));

    assertThat(call("update_status", "<string>billing</string>", "<int>1</int>")).contains("<boolean>1</boolean>");
    await().atMost(Duration.ofSeconds(2)).until(() -> client.instances("billing").get(0).status() == Status.UP);
    assertThat(client.choose("billing").address()).isEqualTo(URI.create("http://127.0.0.1:8081"));

    assertThat(call("unregister", "<string>billing</string>")).contains("<boolean>1</boolean>");
    await().atMost(Duration.ofSeconds(2)).until(() -> client.instances("billing").isEmpty());
  }

  /** One XML-RPC call, each parameter an XML-RPC value's content; the answer's body. */
  private String call(String method, String... params) throws Exception {
    StringBuilder body = new StringBuilder("<?xml version='1.0'?>\n<methodCall><methodName>")
        .append(method).append("</methodName><params>");
    for (String p : params) {
      body.append("<param><value>").append(p).append("</value></param>");
    }
    body.append("</params></methodCall>");
    HttpResponse<String> answer = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create(server.uri() + "/RPC2")).header("Content-Type", "text/xml")
            .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    return answer.body();
  }
}
