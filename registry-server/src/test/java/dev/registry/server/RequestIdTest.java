package dev.registry.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Request IDs over real HTTP: taken when safe, otherwise replaced; echoed; in the log. */
class RequestIdTest {
  private static final Pattern UUID =
      Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");

  private RegistryServer server;
  private TestHttp http;
  private CapturedLog log;

  @BeforeEach
  void start() {
    log = new CapturedLog();
    server = RegistryServer.builder().port(0).build().start();
    http = new TestHttp(server.uri());
  }

  @AfterEach
  void stop() {
    server.close();
    log.close();
  }

  private String id(TestHttp.Reply reply) {
    return reply.header(RequestId.HEADER);
  }

  @Test
  void aSafeIncomingIdIsEchoedInEveryAnswerErrorsAndLongPollsIncluded() throws Exception {
    String register = "{\"service\": \"s\", \"address\": \"http://h:1\"}";
    assertThat(id(http.postWith("/register", register, RequestId.HEADER, "trace-1"))).isEqualTo("trace-1");
    assertThat(id(http.postWith("/register", "{\"service\": 1}", RequestId.HEADER, "trace-2")))
        .isEqualTo("trace-2");
    assertThat(id(http.postWith("/heartbeat", register, RequestId.HEADER,
        "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")))
        .isEqualTo("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
    try (RawHttp raw = new RawHttp("127.0.0.1", server.port())) {
      assertThat(raw.exchange(request("GET /no/such/route", "Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1", null))
          .header(RequestId.HEADER)).isEqualTo("Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1");
      assertThat(raw.exchange(request("DELETE /register", "trace-4", null)).header(RequestId.HEADER))
          .isEqualTo("trace-4");
      // an error Jetty raises before the handler (an ambiguous path) carries it too
      RawHttp.Answer ambiguous = raw.exchange(request("GET /discover/a%2Fb", "trace-5", null));
      assertThat(ambiguous.status()).isEqualTo(400);
      assertThat(ambiguous.header(RequestId.HEADER)).isEqualTo("trace-5");
    }

    // a long-poll, answered later on another thread
    long index = http.get("/discover/s").json().get("index").asLong();
    HttpClient client = HttpClient.newHttpClient();
    CompletableFuture<HttpResponse<String>> poll = client.sendAsync(
        HttpRequest.newBuilder(URI.create(server.uri() + "/discover/s?index=" + index + "&wait=30s"))
            .header(RequestId.HEADER, "poll-1").build(),
        HttpResponse.BodyHandlers.ofString());
    await().atMost(Duration.ofSeconds(5)).until(() -> server.registry().watchCount() == 1);
    http.register("s", "http://h:2");
    assertThat(poll.get(5, TimeUnit.SECONDS).headers().firstValue(RequestId.HEADER)).hasValue("poll-1");
  }

  @Test
  void anAnswerToARequestWithoutAnIdCarriesANewUuidEachTime() {
    String first = id(http.get("/services"));
    String second = id(http.get("/services"));
    String error = id(http.post("/register", "{}"));

    assertThat(List.of(first, second, error)).allMatch(id -> UUID.matcher(id).matches()).doesNotHaveDuplicates();
  }

  @Test
  void theIdIsInTheLogContextOfEveryLineAboutTheRequest() {
    http.postWith("/register", "{\"service\": \"s\", \"address\": \"http://h:1\"}", RequestId.HEADER, "reg-7");
    http.postWith("/register", "{\"service\": \"s\"}", RequestId.HEADER, "bad-7");

    await().atMost(Duration.ofSeconds(5)).until(() -> log.events("write_refused").size() == 1);
    assertThat(log.events("instance_registered")).singleElement()
        .satisfies(line -> assertThat(line.requestId()).isEqualTo("reg-7"));
    assertThat(log.events("write_refused")).singleElement()
        .satisfies(line -> assertThat(line.requestId()).isEqualTo("bad-7"));
    assertThat(log.text()).contains("request_id=reg-7\n").contains("request_id=bad-7\n");
  }

  /** Hostile IDs, each marked with "forged" so that the log can be searched for any trace of it. */
  @ParameterizedTest
  @ValueSource(strings = {
      "forged\u0001ctl",
      "forged\tx",
      "forged id with spaces",
      "forged%0d%0aX-Injected:%20yes",
      "forged\"},{\"event\":\"instance_registered\"",
      "forged\u2028line-separator",
      "forged-ünïcödé",
  })
  void aHostileIdIsReplacedAndNeverLogged(String hostile) throws Exception {
    assertReplacedAndNotLogged(hostile.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void anIdLongerThan128CharactersIsReplacedAndNeverLogged() throws Exception {
    assertReplacedAndNotLogged(("forged" + "a".repeat(RequestId.MAX_LENGTH)).getBytes(StandardCharsets.US_ASCII));
    assertReplacedAndNotLogged(("forged" + "b".repeat(7000)).getBytes(StandardCharsets.US_ASCII));
  }

  @Test
  void a10KbIdIsRefusedWithTheHeadersAndANewIdAndNeverLogged() throws Exception {
    try (RawHttp raw = new RawHttp("127.0.0.1", server.port())) {
      RawHttp.Answer answer = raw.exchange(request("GET /services", "forged" + "c".repeat(10 * 1024), null));

      assertThat(answer.status()).isEqualTo(431);
      assertThat(answer.header(RequestId.HEADER)).matches(UUID);
    }
    assertThat(log.json()).doesNotContain("forged").doesNotContain("cccccccc");
    assertThat(log.text()).doesNotContain("forged").doesNotContain("cccccccc");
  }

  @Test
  void aLineBreakInTheHeaderNeverReachesTheLog() throws Exception {
    // A bare CR inside the value, and a folded continuation line (obsolete line folding)
    for (String head : List.of("X-Request-Id: ok\rforged: 1", "X-Request-Id: ok\r\n forged-continuation")) {
      try (RawHttp raw = new RawHttp("127.0.0.1", server.port())) {
        RawHttp.Answer answer = raw.exchange(("POST /register HTTP/1.1\r\nHost: 127.0.0.1\r\n" + head
            + "\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}").getBytes(StandardCharsets.ISO_8859_1));

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.header(RequestId.HEADER)).matches(UUID);
      }
    }
    assertThat(log.json()).doesNotContain("forged");
    assertThat(log.text()).doesNotContain("forged");
  }

  /** A refused write with {@code idBytes} as its ID: answered with a new ID, logged under it, never with the old. */
  private void assertReplacedAndNotLogged(byte[] idBytes) throws Exception {
    RawHttp.Answer answer;
    try (RawHttp raw = new RawHttp("127.0.0.1", server.port())) {
      answer = raw.exchange(request("POST /register", idBytes, "{\"service\": \"s\"}"));
    }
    assertThat(answer.status()).isEqualTo(400);
    String replaced = answer.header(RequestId.HEADER);
    assertThat(replaced).matches(UUID);

    // Jetty's parser refuses some (a control character) before the handler: nothing to log.
    if (answer.text().contains("missing_field")) {
      await().atMost(Duration.ofSeconds(5)).until(() ->
          log.events("write_refused").stream().anyMatch(line -> replaced.equals(line.requestId())));
      assertThat(log.text()).contains("request_id=" + replaced + "\n");
    } else {
      assertThat(answer.text()).contains("bad_request");
    }
    assertThat(log.json()).doesNotContain("forged");
    assertThat(log.text()).doesNotContain("forged");
  }

  private static byte[] request(String requestLine, String id, String body) {
    return request(requestLine, id.getBytes(StandardCharsets.ISO_8859_1), body);
  }

  /** A request with {@code idBytes}, as they are, for its X-Request-Id. */
  private static byte[] request(String requestLine, byte[] idBytes, String body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] content = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
    out.writeBytes((requestLine + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + RequestId.HEADER + ": ")
        .getBytes(StandardCharsets.ISO_8859_1));
    out.writeBytes(idBytes);
    out.writeBytes(("\r\n" + (body == null ? "" : "Content-Type: application/json\r\nContent-Length: "
        + content.length + "\r\n") + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
    out.writeBytes(content);
    return out.toByteArray();
  }
}
