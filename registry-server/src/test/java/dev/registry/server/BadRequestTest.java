package dev.registry.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every bad input of the contract is a 4xx JSON error with a stable code, and changes nothing. */
class BadRequestTest {
  private static RegistryServer server;
  private static TestHttp http;

  @BeforeAll
  static void start() {
    server = RegistryServer.builder().port(0).build().start();
    http = new TestHttp(server.uri());
    http.post("/register", "{\"service\": \"known\", \"address\": \"http://h:1\", \"id\": \"k-1\"}");
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static Stream<Arguments> badRequests() {
    String longName = "a".repeat(129);
    String longAddress = "http://h/" + "p".repeat(2048);
    String big = "{\"service\": \"s\", \"address\": \"http://h:1\", \"pad\": \"" + "x".repeat(70_000) + "\"}";
    StringBuilder manyMetadata = new StringBuilder("{");
    for (int i = 0; i < 65; i++) {
      manyMetadata.append(i == 0 ? "" : ",").append("\"k").append(i).append("\": \"v\"");
    }
    manyMetadata.append('}');
    return Stream.of(
        // body: not JSON, empty, not an object
        bad("POST", "/register", "{bad", 400, "malformed_json"),
        bad("POST", "/register", "", 400, "malformed_json"),
        bad("POST", "/register", "   ", 400, "malformed_json"),
        bad("POST", "/register", "{\"service\": \"s\"} trailing", 400, "malformed_json"),
        bad("POST", "/register", "{\"service\": \"s\", \"service\": \"t\", \"address\": \"http://h:1\"}", 400, "malformed_json"),
        bad("POST", "/register", "[1, 2]", 400, "invalid_body"),
        bad("POST", "/register", "\"register me\"", 400, "invalid_body"),
        bad("POST", "/register", "null", 400, "invalid_body"),
        bad("POST", "/register", "42", 400, "invalid_body"),
        bad("POST", "/heartbeat", "[]", 400, "invalid_body"),
        bad("POST", "/deregister", "true", 400, "invalid_body"),
        bad("POST", "/status", "{", 400, "malformed_json"),
        // missing fields
        bad("POST", "/register", "{}", 400, "missing_field"),
        bad("POST", "/register", "{\"service\": \"s\"}", 400, "missing_field"),
        bad("POST", "/register", "{\"address\": \"http://h:1\"}", 400, "missing_field"),
        bad("POST", "/register", "{\"service\": null, \"address\": \"http://h:1\"}", 400, "missing_field"),
        bad("POST", "/heartbeat", "{\"service\": \"known\"}", 400, "missing_field"),
        bad("POST", "/deregister", "{\"address\": \"http://h:1\"}", 400, "missing_field"),
        bad("POST", "/status", "{\"service\": \"known\", \"id\": \"k-1\"}", 400, "missing_field"),
        // wrong types
        bad("POST", "/register", "{\"service\": 5, \"address\": \"http://h:1\"}", 400, "invalid_field"),
        bad("POST", "/register", "{\"service\": [\"s\"], \"address\": \"http://h:1\"}", 400, "invalid_field"),
        bad("POST", "/register", "{\"service\": {\"n\": 1}, \"address\": \"http://h:1\"}", 400, "invalid_field"),
        bad("POST", "/register", "{\"service\": true, \"address\": \"http://h:1\"}", 400, "invalid_field"),
        bad("POST", "/register", "{\"service\": \"s\", \"address\": 8080}", 400, "invalid_field"),
        bad("POST", "/register", "{\"service\": \"s\", \"address\": \"http://h:1\", \"id\": 7}", 400, "invalid_field"),
        bad("POST", "/register", "{\"service\": \"s\", \"address\": \"http://h:1\", \"stage\": 1}", 400, "invalid_field"),
        bad("POST", "/register", "{\"service\": \"s\", \"address\": \"http://h:1\", \"metadata\": []}", 400, "invalid_field"),
        bad("POST", "/register", "{\"service\": \"s\", \"address\": \"http://h:1\", \"metadata\": {\"v\": 1}}", 400, "invalid_field"),
        bad("POST", "/register", "{\"service\": \"s\", \"address\": \"http://h:1\", \"ttl_seconds\": \"15\"}", 400, "invalid_field"),
        bad("POST", "/register", "{\"service\": \"s\", \"address\": \"http://h:1\", \"ttl_seconds\": 1.5}", 400, "invalid_field"),
        bad("POST", "/register", "{\"service\": \"s\", \"address\": \"http://h:1\", \"status\": 1}", 400, "invalid_field"),
        bad("POST", "/heartbeat", "{\"service\": 1, \"address\": \"http://h:1\"}", 400, "invalid_field"),
        // rules
        bad("POST", "/register", "{\"service\": \"\", \"address\": \"http://h:1\"}", 400, "invalid_field"),
        bad("POST", "/register", "{\"service\": \"" + longName + "\", \"address\": \"http://h:1\"}", 400, "invalid_field"),
        bad("POST", "/register", "{\"service\": \"has space\", \"address\": \"http://h:1\"}", 400, "invalid_field"),
        bad("POST", "/register", "{\"service\": \"-dash\", \"address\": \"http://h:1\"}", 400, "invalid_field"),
        bad("POST", "/register", "{\"service\": \"s/x\", \"address\": \"http://h:1\"}", 400, "invalid_field"),
        bad("POST", "/register", "{\"service\": \"s\", \"address\": \"http://h:1\", \"stage\": \"\"}", 400, "invalid_field"),
        bad("POST", "/register", "{\"service\": \"s\", \"address\": \"http://h:1\", \"id\": \"\"}", 400, "invalid_field"),
        bad("POST", "/register", "{\"service\": \"s\", \"address\": \"http://h:1\", \"id\": \"a b\"}", 400, "invalid_field"),
        bad("POST", "/register", "{\"service\": \"s\", \"address\": \"ftp://x\"}", 400, "invalid_field"),
        bad("POST", "/register", "{\"service\": \"s\", \"address\": \"localhost:8080\"}", 400, "invalid_field"),
        bad("POST", "/register", "{\"service\": \"s\", \"address\": \"/relative\"}", 400, "invalid_field"),
        bad("POST", "/register", "{\"service\": \"s\", \"address\": \"http://\"}", 400, "invalid_field"),
        bad("POST", "/register", "{\"service\": \"s\", \"address\": \"http://h:1/a b\"}", 400, "invalid_field"),
        bad("POST", "/register", "{\"service\": \"s\", \"address\": \"\"}", 400, "invalid_field"),
        bad("POST", "/register", "{\"service\": \"s\", \"address\": \"http://127.0.0.1:70000\"}", 400, "invalid_field"),
        bad("POST", "/register", "{\"service\": \"s\", \"address\": \"https://h:0/\"}", 400, "invalid_field"),
        bad("POST", "/heartbeat", "{\"service\": \"known\", \"address\": \"http://h:65536\"}", 400, "invalid_field"),
        bad("POST", "/register", "{\"service\": \"s\", \"address\": \"" + longAddress + "\"}", 400, "invalid_field"),
        bad("POST", "/register", "{\"service\": \"s\", \"address\": \"http://h:1\", \"status\": \"up\"}", 400, "invalid_field"),
        bad("POST", "/register", "{\"service\": \"s\", \"address\": \"http://h:1\", \"ttl_seconds\": 0}", 400, "invalid_field"),
        bad("POST", "/register", "{\"service\": \"s\", \"address\": \"http://h:1\", \"ttl_seconds\": 3601}", 400, "invalid_field"),
        bad("POST", "/register", "{\"service\": \"s\", \"address\": \"http://h:1\", \"ttl_seconds\": 99999999999}", 400, "invalid_field"),
        bad("POST", "/register", "{\"service\": \"s\", \"address\": \"http://h:1\", \"metadata\": " + manyMetadata + "}", 400, "invalid_field"),
        bad("POST", "/register", "{\"service\": \"s\", \"address\": \"http://h:1\", \"metadata\": {\"\": \"v\"}}", 400, "invalid_field"),
        bad("POST", "/register", "{\"service\": \"s\", \"address\": \"http://h:1\", \"metadata\": {\"k\": \"" + "v".repeat(1025) + "\"}}", 400, "invalid_field"),
        bad("POST", "/status", "{\"service\": \"known\", \"id\": \"k-1\", \"status\": \"SLEEPING\"}", 400, "invalid_field"),
        // too large, wrong media type
        bad("POST", "/register", big, 413, "body_too_large"),
        badTyped("/register", "{\"service\": \"s\", \"address\": \"http://h:1\"}", "text/plain", 415, "unsupported_media_type"),
        badTyped("/register", "{\"service\": \"s\", \"address\": \"http://h:1\"}", "application/xml", 415, "unsupported_media_type"),
        badTyped("/heartbeat", "{\"service\": \"known\", \"id\": \"k-1\"}", "multipart/form-data; boundary=x", 415, "unsupported_media_type"),
        // unknown things
        bad("POST", "/heartbeat", "{\"service\": \"ghost\", \"address\": \"http://h:1\"}", 404, "unknown_service"),
        bad("POST", "/heartbeat", "{\"service\": \"known\", \"address\": \"http://h:2\"}", 404, "unknown_instance"),
        bad("POST", "/deregister", "{\"service\": \"known\", \"id\": \"k-2\"}", 404, "unknown_instance"),
        bad("POST", "/status", "{\"service\": \"ghost\", \"id\": \"k-1\", \"status\": \"UP\"}", 404, "unknown_service"),
        // routes and methods
        bad("POST", "/", "{}", 405, "method_not_allowed"),
        bad("GET", "/ui/nope.js", null, 404, "not_found"),
        bad("DELETE", "/ui/", null, 405, "method_not_allowed"),
        bad("POST", "/stages", "{}", 405, "method_not_allowed"),
        bad("GET", "/stages?index=-1", null, 400, "invalid_query"),
        bad("GET", "/stages?index=1&wait=soon", null, 400, "invalid_query"),
        bad("GET", "/nope", null, 404, "not_found"),
        bad("GET", "/discover", null, 404, "not_found"),
        bad("POST", "/register/", "{}", 404, "not_found"),
        bad("GET", "/register", null, 405, "method_not_allowed"),
        bad("PUT", "/heartbeat", "{}", 405, "method_not_allowed"),
        bad("DELETE", "/deregister", null, 405, "method_not_allowed"),
        bad("POST", "/discover/known", "{}", 405, "method_not_allowed"),
        bad("POST", "/services", "{}", 405, "method_not_allowed"),
        bad("DELETE", "/health", null, 405, "method_not_allowed"),
        bad("PATCH", "/catalog", "{}", 405, "method_not_allowed"),
        // path and query
        bad("GET", "/discover/", null, 400, "invalid_field"),
        bad("GET", "/discover/bad%20name", null, 400, "invalid_field"),
        bad("GET", "/discover/a/b", null, 400, "invalid_field"),
        bad("GET", "/discover/known?stage=", null, 400, "invalid_query"),
        bad("GET", "/discover/known?stage=bad%20stage", null, 400, "invalid_query"),
        bad("GET", "/discover/known?index=x", null, 400, "invalid_query"),
        bad("GET", "/discover/known?index=-1", null, 400, "invalid_query"),
        bad("GET", "/discover/known?index=1&wait=soon", null, 400, "invalid_query"),
        bad("GET", "/discover/known?index=1&wait=-5s", null, 400, "invalid_query"),
        bad("GET", "/catalog?index=1.5", null, 400, "invalid_query"),
        bad("GET", "/catalog?stage=%2Fx", null, 400, "invalid_query"));
  }

  private static Arguments bad(String method, String path, String body, int status, String code) {
    return Arguments.of(method, path, body, body == null ? null : "application/json", status, code);
  }

  private static Arguments badTyped(String path, String body, String contentType, int status, String code) {
    return Arguments.of("POST", path, body, contentType, status, code);
  }

  @ParameterizedTest(name = "{0} {1} {2} -> {4} {5}")
  @MethodSource("badRequests")
  void aBadRequestIsA4xxJsonErrorWithAStableCodeAndChangesNothing(
      String method, String path, String body, String contentType, int status, String code) {
    JsonNode servicesBefore = http.get("/services").json();
    long indexBefore = http.get("/health").json().get("index").asLong();

    TestHttp.Reply reply = http.send(method, path, body, contentType);

    assertThat(reply.status()).isEqualTo(status);
    assertThat(reply.header("Content-Type")).startsWith("application/json");
    assertThat(reply.json().get("error").asText()).isEqualTo(code);
    assertThat(reply.json().get("message").asText()).isNotBlank();
    if (status == 405) {
      assertThat(reply.header("Allow")).isIn("GET", "POST");
    }
    assertThat(http.get("/services").json()).isEqualTo(servicesBefore);
    assertThat(http.get("/health").json().get("index").asLong()).isEqualTo(indexBefore);
  }

  @Test
  void aBodyWithoutContentTypeOrWithCurlsFormTypeIsReadAsJson() {
    TestHttp.Reply untyped = http.post("/register", "{\"service\": \"lenient\", \"address\": \"http://h:1\"}", null);
    TestHttp.Reply form = http.post("/register", "{\"service\": \"lenient\", \"address\": \"http://h:2\"}",
        "application/x-www-form-urlencoded");
    TestHttp.Reply charset = http.post("/register", "{\"service\": \"lenient\", \"address\": \"http://h:3\"}",
        "application/json; charset=utf-8");

    assertThat(untyped.status()).isEqualTo(201);
    assertThat(form.status()).isEqualTo(201);
    assertThat(charset.status()).isEqualTo(201);
    http.post("/deregister", "{\"service\": \"lenient\", \"address\": \"http://h:1\"}");
    http.post("/deregister", "{\"service\": \"lenient\", \"address\": \"http://h:2\"}");
    http.post("/deregister", "{\"service\": \"lenient\", \"address\": \"http://h:3\"}");
  }

  @Test
  void aPathJettyRefusesIsAJson400ThatSaysTheConnectionCloses() throws Exception {
    RawHttp raw = new RawHttp("127.0.0.1", server.port());
    try {
      RawHttp.Answer answer = raw.exchange(RawHttp.request("DELETE", "/discover/%00?stage=production", null, null));

      assertThat(answer.status()).isEqualTo(400);
      assertThat(TestHttp.JSON.readTree(answer.body()).get("error").asText()).isEqualTo("bad_request");
      // Jetty closes the connection after such a request; without this header a client that
      // keeps it would write its next request into the closing socket.
      assertThat(answer.header("connection")).isEqualTo("close");
    } finally {
      raw.close();
    }
  }

  @Test
  void aChunkedBodyOverTheLimitIs413() throws Exception {
    var client = java.net.http.HttpClient.newHttpClient();
    byte[] body = ("{\"service\": \"s\", \"address\": \"http://h:1\", \"pad\": \"" + "x".repeat(70_000) + "\"}")
        .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    var request = java.net.http.HttpRequest.newBuilder(server.uri().resolve("/register"))
        .header("Content-Type", "application/json")
        .POST(java.net.http.HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(body)))
        .build();

    var response = client.send(request, java.net.http.HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).as(response.body()).isEqualTo(413);
    assertThat(TestHttp.JSON.readTree(response.body()).get("error").asText()).isEqualTo("body_too_large");
  }

  @Test
  void randomJsonInEveryFieldOfEveryRouteNeverProducesA5xx() {
    Random random = new Random(42);
    String[] routes = {"/register", "/heartbeat", "/deregister", "/status"};
    String[] fields = {"service", "address", "id", "stage", "status", "metadata", "ttl_seconds"};
    String[] values = {"null", "true", "0", "-1", "1e308", "\"\"", "\"known\"", "\"http://h:1\"", "[]", "{}",
        "{\"a\": {\"b\": []}}", "\"UP\"", "\"\\u0000\"", "\"k-1\"", "99999999999999999999", "\"" + "z".repeat(3000) + "\""};
    for (int n = 0; n < 300; n++) {
      StringBuilder body = new StringBuilder("{");
      for (String field : fields) {
        if (random.nextInt(3) > 0) {
          body.append(body.length() > 1 ? "," : "").append('"').append(field).append("\": ")
              .append(values[random.nextInt(values.length)]);
        }
      }
      body.append('}');
      String route = routes[random.nextInt(routes.length)];
      TestHttp.Reply reply = http.post(route, body.toString());
      assertThat(reply.status()).as("%s %s", route, body).isLessThan(500);
    }
    assertThat(http.get("/services").status()).isEqualTo(200);
    assertThat(http.get("/catalog").status()).isEqualTo(200);
  }
}
