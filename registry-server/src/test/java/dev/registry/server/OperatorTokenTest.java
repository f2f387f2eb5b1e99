package dev.registry.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The operator token on the wire: every write, an instance's status and removal without its
 * secret, and configuration; the shared token keeps its powers and writes configuration too.
 */
class OperatorTokenTest {
  private static final String TOKEN = "service-Token_1";
  private static final String OPERATOR = "operator-Token_2";
  private RegistryServer server;
  private TestHttp http;

  @BeforeEach
  void start() {
    server = RegistryServer.builder().port(0).token(TOKEN).operatorToken(OPERATOR).build().start();
    http = new TestHttp(server.uri());
    assertThat(as(TOKEN, "/register", "{\"service\": \"s\", \"id\": \"i-1\", \"address\": \"http://h:1\"}").status())
        .isEqualTo(201);
    assertThat(as(TOKEN, "/register", "{\"service\": \"s\", \"id\": \"i-2\", \"address\": \"http://h:2\"}").status())
        .isEqualTo(201);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private TestHttp.Reply as(String token, String path, String body) {
    return http.postWith(path, body, "Authorization", "Bearer " + token);
  }

  private String status(String id) {
    for (var i : http.get("/discover/s").json().path("instances")) {
      if (i.path("id").asText().equals(id)) {
        return i.path("status").asText();
      }
    }
    return "absent";
  }

  @Test
  void theOperatorChangesTheStatusOfAnyInstanceAndDeregistersItWithoutItsSecret() {
    TestHttp.Reply out = as(OPERATOR, "/status", "{\"service\": \"s\", \"id\": \"i-1\", \"status\": \"OUT_OF_SERVICE\"}");
    assertThat(out.status()).as(out.json().toString()).isEqualTo(200);
    assertThat(status("i-1")).isEqualTo("OUT_OF_SERVICE");

    assertThat(as(OPERATOR, "/deregister", "{\"service\": \"s\", \"id\": \"i-2\"}").status()).isEqualTo(200);
    assertThat(status("i-2")).isEqualTo("absent");
  }

  @Test
  void theSharedTokenStillNeedsTheInstancesSecret() {
    long revision = server.registry().revision();

    TestHttp.Reply status = as(TOKEN, "/status", "{\"service\": \"s\", \"id\": \"i-1\", \"status\": \"DOWN\"}");
    TestHttp.Reply deregister = as(TOKEN, "/deregister", "{\"service\": \"s\", \"id\": \"i-1\"}");

    assertThat(status.status()).isEqualTo(403);
    assertThat(deregister.status()).isEqualTo(403);
    assertThat(server.registry().revision()).isEqualTo(revision);
  }

  @Test
  void theOperatorsWrongSecretIsNoRefusalButAServicesIs() {
    String body = "{\"service\": \"s\", \"id\": \"i-1\", \"status\": \"DOWN\", \"instance_secret\": \"guess\"}";

    assertThat(as(TOKEN, "/status", body).status()).isEqualTo(403);
    assertThat(as(OPERATOR, "/status", body).status()).isEqualTo(200);
  }

  @Test
  void bothTokensWriteConfigurationAndTheHistorySaysWhichNoTokenIsRefused() {
    long before = server.configurations().revision();
    assertThat(http.post("/config/s", "{\"set\": {\"k\": \"v\"}}").status()).isEqualTo(401);
    assertThat(http.postWith("/config/s", "{\"set\": {\"k\": \"v\"}}", "Authorization", "Bearer wrong").status())
        .isEqualTo(401);
    assertThat(server.configurations().revision()).isEqualTo(before);

    assertThat(as(TOKEN, "/config/s", "{\"defaults\": {\"k\": \"declared\"}}").status()).isEqualTo(200);
    assertThat(as(OPERATOR, "/config/s", "{\"set\": {\"k\": \"operated\"}}").status()).isEqualTo(200);

    var changes = http.get("/config/s/history").json().path("changes");
    assertThat(changes.get(0).path("by").asText()).isEqualTo("operator");
    assertThat(changes.get(1).path("by").asText()).isEqualTo("service");
    assertThat(http.get("/config/s").status()).as("reads stay open").isEqualTo(200);
  }

  @Test
  void anOperatorTokenAloneSecuresEveryWrite() {
    try (RegistryServer alone = RegistryServer.builder().port(0).operatorToken(OPERATOR).build().start()) {
      TestHttp other = new TestHttp(alone.uri());
      String register = "{\"service\": \"s\", \"address\": \"http://h:1\"}";

      assertThat(other.post("/register", register).status()).isEqualTo(401);
      assertThat(other.postWith("/register", register, "Authorization", "Bearer " + OPERATOR).status()).isEqualTo(201);
    }
  }

  @Test
  void theOperatorTokenComesFromTheEnvironmentNeverTheCommandLine() {
    assertThatThrownBy(() -> RegistryServer.builder().operatorToken("")).hasMessageContaining("1 to 4096");
    assertThat(Main.parse(new String[0], null, null, "from-env")).isNotNull();
    assertThatThrownBy(() -> Main.parse(new String[0], null, null, "bad env"))
        .hasMessageContaining("REGISTRY_OPERATOR_TOKEN");
    assertThatThrownBy(() -> Main.parse(new String[] {"--operator-token", "x"}, null, null, null))
        .hasMessageContaining("unknown argument: '--operator-token'");
  }
}
