package dev.registry.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The shared token: writes need it (401 otherwise, nothing changed), reads do not; no open registry off loopback. */
class TokenTest {
  private static final String TOKEN = "s3cret-Token_value";
  private RegistryServer server;
  private TestHttp http;

  @BeforeEach
  void start() {
    server = RegistryServer.builder().port(0).token(TOKEN).build().start();
    http = new TestHttp(server.uri());
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "Bearer", "Bearer ", "Bearer wrong", "Bearer s3cret-Token_valu", "Bearer s3cret-Token_value2",
      "Basic czNjcmV0LVRva2VuX3ZhbHVl", "s3cret-Token_value", "Token s3cret-Token_value"})
  void aWriteWithoutTheRightTokenIs401AndChangesNothing(String authorization) {
    String register = "{\"service\": \"s\", \"address\": \"http://h:1\"}";
    TestHttp.Reply reply = authorization.isEmpty()
        ? http.post("/register", register)
        : http.postWith("/register", register, "Authorization", authorization);

    assertThat(reply.status()).isEqualTo(401);
    assertThat(reply.json().path("error").asText()).isEqualTo("unauthorized");
    assertThat(reply.header("WWW-Authenticate")).isEqualTo("Bearer realm=\"registry\"");
    assertThat(http.get("/discover/s").status()).isEqualTo(404);
    assertThat(server.registry().revision()).isZero();
  }

  @Test
  void everyWriteRouteNeedsTheTokenAndReadsDoNot() {
    TestHttp.Reply registered = http.postWith("/register", "{\"service\": \"s\", \"address\": \"http://h:1\"}",
        "Authorization", "Bearer " + TOKEN);
    assertThat(registered.status()).isEqualTo(201);
    String secret = registered.json().path("instance_secret").asText();
    String ref = "{\"service\": \"s\", \"address\": \"http://h:1\", \"instance_secret\": \"" + secret + "\"";

    assertThat(http.post("/heartbeat", ref + "}").status()).isEqualTo(401);
    assertThat(http.post("/status", ref + ", \"status\": \"DOWN\"}").status()).isEqualTo(401);
    assertThat(http.post("/deregister", ref + "}").status()).isEqualTo(401);
    assertThat(http.get("/discover/s").json().path("instances").get(0).path("status").asText()).isEqualTo("UP");

    assertThat(http.get("/discover/s").status()).isEqualTo(200);
    assertThat(http.get("/services").status()).isEqualTo(200);
    assertThat(http.get("/catalog").status()).isEqualTo(200);
    assertThat(http.get("/health").status()).isEqualTo(200);

    assertThat(http.postWith("/heartbeat", ref + "}", "Authorization", "bearer " + TOKEN).status())
        .as("the scheme is case-insensitive").isEqualTo(200);
    assertThat(http.postWith("/deregister", ref + "}", "Authorization", "Bearer " + TOKEN).status()).isEqualTo(200);
  }

  @Test
  void theTokenIsCheckedBeforeTheBodyIsRead() {
    TestHttp.Reply reply = http.post("/register", "{not json");

    assertThat(reply.status()).isEqualTo(401);
  }

  @Test
  void sharedTokenComparesWholeValuesOnly() {
    SharedToken token = new SharedToken("abc");
    assertThat(token.permits("Bearer abc")).isTrue();
    assertThat(token.permits("BEARER abc ")).isTrue();
    assertThat(token.permits("Bearer ab")).isFalse();
    assertThat(token.permits("Bearer abcd")).isFalse();
    assertThat(token.permits(null)).isFalse();
    assertThat(token.permits("abc")).isFalse();
  }

  @Test
  void anOpenRegistryRefusesToListenBeyondLoopback() {
    RegistryServer open = RegistryServer.builder().host("0.0.0.0").port(0).build();

    assertThatThrownBy(open::start).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("refusing to listen on 0.0.0.0 without a token")
        .hasMessageContaining("--insecure");
    assertThat(RegistryServer.isLoopback("127.0.0.1")).isTrue();
    assertThat(RegistryServer.isLoopback("::1")).isTrue();
    assertThat(RegistryServer.isLoopback("[::1]")).isTrue();
    assertThat(RegistryServer.isLoopback("localhost")).isTrue();
    assertThat(RegistryServer.isLoopback("0.0.0.0")).isFalse();
    assertThat(RegistryServer.isLoopback("::")).isFalse();
    assertThat(RegistryServer.isLoopback("10.1.2.3")).isFalse();
  }

  @Test
  void builderAndCommandLineCheckTheToken() {
    assertThatThrownBy(() -> RegistryServer.builder().token("")).hasMessageContaining("1 to 4096");
    assertThatThrownBy(() -> RegistryServer.builder().token("has space")).hasMessageContaining("character 3");
    assertThatThrownBy(() -> RegistryServer.builder().token(null)).isInstanceOf(NullPointerException.class);
    assertThat(Main.parse(new String[] {"--token", "abc", "--insecure"}, null)).isNotNull();
    assertThat(Main.parse(new String[] {"--token=abc"}, null)).isNotNull();
    assertThat(Main.parse(new String[0], "from-env")).isNotNull();
    assertThatThrownBy(() -> Main.parse(new String[0], "bad env")).hasMessageContaining("REGISTRY_TOKEN");
    assertThatThrownBy(() -> Main.parse(new String[] {"--insecure=yes"}, null)).hasMessageContaining("no value");
    assertThatThrownBy(() -> Main.parse(new String[] {"--token"}, null)).hasMessageContaining("--token needs a value");
  }

  @Test
  void theProcessExits2WhenAskedForAnOpenRegistryOffLoopback() throws Exception {
    String javaBin = java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb = new ProcessBuilder(javaBin, "-cp", System.getProperty("java.class.path"),
        Main.class.getName(), "--host", "0.0.0.0", "--port", "0");
    pb.environment().remove("REGISTRY_TOKEN");
    Process process = pb.start();
    try {
      assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
      assertThat(process.exitValue()).isEqualTo(2);
      assertThat(new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8))
          .contains("refusing to listen on 0.0.0.0 without a token");
    } finally {
      process.destroyForcibly();
    }
  }
}
