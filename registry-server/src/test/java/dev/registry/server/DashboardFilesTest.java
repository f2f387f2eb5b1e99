package dev.registry.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The dashboard's files over real HTTP: what is served, with which headers, and what is not. */
class DashboardFilesTest {
  private final HttpClient client = HttpClient.newHttpClient();
  private RegistryServer server;
  private TestHttp http;

  @BeforeEach
  void start() {
    server = RegistryServer.builder().port(0).build().start();
    http = new TestHttp(server.uri());
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private HttpResponse<String> get(String path, String... headers) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(server.uri().resolve(path)).GET();
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void thePageIsServedWithAPolicyThatAllowsOnlyThisOriginAndNoInlineScript() throws Exception {
    HttpResponse<String> page = get("/ui/");

    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
    String policy = page.headers().firstValue("Content-Security-Policy").orElseThrow();
    assertThat(policy).contains("default-src 'none'", "script-src 'self';", "style-src 'self';",
        "connect-src 'self'", "frame-ancestors 'none'", "require-trusted-types-for 'script'");
    assertThat(policy).doesNotContain("unsafe", "http:", "https:", "*");
    assertThat(page.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
    assertThat(page.headers().firstValue("Referrer-Policy")).hasValue("no-referrer");
    assertThat(page.body()).isEqualTo(get("/ui/index.html").body());
  }

  @Test
  void everyBundledFileIsServedWithItsTypeAndNoneLinksElsewhere() throws Exception {
    for (var file : Dashboard.FILES.entrySet()) {
      HttpResponse<String> response = get("/ui/" + file.getKey());
      assertThat(response.statusCode()).as(file.getKey()).isEqualTo(200);
      assertThat(response.headers().firstValue("Content-Type")).as(file.getKey()).hasValue(file.getValue());
      assertThat(response.headers().firstValue("Content-Security-Policy")).as(file.getKey()).isPresent();
      assertThat(response.body()).as("%s fetches nothing from another origin", file.getKey())
          .doesNotContainPattern("(?i)(src|href|url|import)[^\\n]{0,20}(https?:)?//(?!www\\.w3\\.org/2000/svg)");
      assertThat(response.body()).as("%s builds no HTML from strings", file.getKey())
          .doesNotContain("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(");
    }
  }

  @Test
  void thePageHasNoInlineScriptStyleOrHandler() throws Exception {
    String page = get("/ui/").body();

    Matcher scripts = Pattern.compile("<script([^>]*)>(.*?)</script>", Pattern.DOTALL).matcher(page);
    int count = 0;
    while (scripts.find()) {
      count++;
      assertThat(scripts.group(1)).contains("src=");
      assertThat(scripts.group(2)).isBlank();
    }
    assertThat(count).isEqualTo(1);
    assertThat(page).doesNotContainPattern("\\son[a-z]+=").doesNotContain("<style", "style=");
  }

  @Test
  void theBundledFilesAreExactlyTheListedOnes() throws IOException {
    Path dir = Path.of("src/main/resources/dev/registry/server/dashboard");
    try (Stream<Path> files = Files.list(dir)) {
      List<String> names = files.map(p -> p.getFileName().toString()).toList();
      assertThat(names).containsExactlyInAnyOrderElementsOf(Dashboard.FILES.keySet());
    }
  }

  @Test
  void anUnchangedFileIsAnswered304AgainstItsETag() throws Exception {
    HttpResponse<String> first = get("/ui/app.js");
    String etag = first.headers().firstValue("ETag").orElseThrow();
    assertThat(first.headers().firstValue("Cache-Control")).hasValue("no-cache");

    HttpResponse<String> again = get("/ui/app.js", "If-None-Match", etag);

    assertThat(again.statusCode()).isEqualTo(304);
    assertThat(again.body()).isEmpty();
    assertThat(get("/ui/app.js", "If-None-Match", "\"other\"").statusCode()).isEqualTo(200);
  }

  @Test
  void theRootAndUiRedirectToTheDashboard() {
    for (String path : List.of("/", "/ui")) {
      TestHttp.Reply reply = http.send("GET", path, null, null);
      assertThat(reply.status()).as(path).isEqualTo(302);
      assertThat(reply.header("Location")).as(path).isEqualTo("/ui/");
      assertThat(reply.json().get("location").asText()).isEqualTo("/ui/");
    }
  }

  @Test
  void onlyTheListedFilesAreServedAndOnlyToReads() {
    for (String path : List.of("/ui/nope.js", "/ui/dashboard/app.js", "/ui/Dashboard.class", "/ui/%2e%2e/pom.xml",
        "/ui/..%2fRegistry.class", "/ui/app.js/", "/ui//app.js")) {
      TestHttp.Reply reply = http.get(path);
      assertThat(reply.status()).as(path).isBetween(400, 404);
      assertThat(reply.json().get("error").isTextual()).as(path).isTrue();
    }
    TestHttp.Reply post = http.post("/ui/app.js", "{}");
    assertThat(post.status()).isEqualTo(405);
    assertThat(post.header("Allow")).isEqualTo("GET");
  }

  @Test
  void theApiRoutesAreUnchangedBesideTheDashboard() {
    assertThat(http.get("/health").json().get("status").asText()).isEqualTo("healthy");
    assertThat(http.get("/ui-not/").status()).isEqualTo(404);
  }
}
