package dev.registry.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Each instance has a secret; only who presents it may renew, change or remove the instance. */
class OwnershipTest {
  private static final String TOKEN = "the-token";
  private RegistryServer server;
  private TestHttp http;

  @AfterEach
  void stop() {
    server.close();
  }

  private void start(boolean withToken) {
    RegistryServer.Builder b = RegistryServer.builder().port(0);
    server = (withToken ? b.token(TOKEN) : b).build().start();
    http = new TestHttp(server.uri());
  }

  private TestHttp.Reply post(String path, String body) {
    return http.postWith(path, body, "Authorization", "Bearer " + TOKEN);
  }

  @Test
  void registrationReturnsASecretThatDiscoveryNeverShows() {
    start(false);
    TestHttp.Reply first = http.register("s", "http://h:1");
    TestHttp.Reply second = http.register("s", "http://h:2");

    assertThat(first.json().path("instance_secret").asText()).hasSizeGreaterThanOrEqualTo(32);
    assertThat(second.json().path("instance_secret").asText()).isNotEqualTo(first.json().path("instance_secret").asText());
    assertThat(http.get("/discover/s").raw().body()).doesNotContain("secret");
    assertThat(http.get("/catalog").raw().body()).doesNotContain("secret");
  }

  @Test
  void withoutATokenSeedRequestsWithoutASecretStillWorkButAWrongSecretIs403() {
    start(false);
    String secret = http.register("s", "http://h:1").json().path("instance_secret").asText();

    assertThat(http.post("/heartbeat", "{\"service\": \"s\", \"address\": \"http://h:1\"}").status()).isEqualTo(200);
    TestHttp.Reply again = http.register("s", "http://h:1");
    assertThat(again.status()).isEqualTo(200);
    assertThat(again.json().has("instance_secret")).as("not told to who does not know it").isFalse();

    TestHttp.Reply wrong = http.post("/deregister",
        "{\"service\": \"s\", \"address\": \"http://h:1\", \"instance_secret\": \"guess\"}");
    assertThat(wrong.status()).isEqualTo(403);
    assertThat(wrong.json().path("error").asText()).isEqualTo("forbidden");
    assertThat(http.get("/discover/s").json().path("count").asInt()).isEqualTo(1);

    assertThat(http.postWith("/status", "{\"service\": \"s\", \"address\": \"http://h:1\", \"status\": \"DOWN\"}",
        "X-Instance-Secret", secret).status()).as("the header works too").isEqualTo(200);
    assertThat(http.post("/deregister",
        "{\"service\": \"s\", \"address\": \"http://h:1\", \"instance_secret\": \"" + secret + "\"}").status())
        .isEqualTo(200);
  }

  @Test
  void withATokenEveryInstanceCallNeedsTheInstanceSecret() {
    start(true);
    TestHttp.Reply registered = post("/register", "{\"service\": \"s\", \"address\": \"http://h:1\", \"id\": \"s-1\"}");
    String secret = registered.json().path("instance_secret").asText();
    long index = server.registry().revision();

    for (String path : new String[] {"/heartbeat", "/status", "/deregister"}) {
      String ref = "{\"service\": \"s\", \"id\": \"s-1\", \"status\": \"DOWN\"";
      assertThat(post(path, ref + "}").status()).as(path + " without a secret").isEqualTo(403);
      assertThat(post(path, ref + ", \"instance_secret\": \"" + secret + "x\"}").status())
          .as(path + " with another secret").isEqualTo(403);
    }
    assertThat(post("/register", "{\"service\": \"s\", \"address\": \"http://h:9\", \"id\": \"s-1\"}").status())
        .as("taking over the id").isEqualTo(403);
    assertThat(server.registry().revision()).as("nothing changed").isEqualTo(index);
    assertThat(http.get("/discover/s").json().path("instances").get(0).path("address").asText()).isEqualTo("http://h:1");

    String ref = "{\"service\": \"s\", \"id\": \"s-1\", \"instance_secret\": \"" + secret + "\"";
    assertThat(post("/heartbeat", ref + "}").status()).isEqualTo(200);
    assertThat(post("/status", ref + ", \"status\": \"DOWN\"}").status()).isEqualTo(200);
    TestHttp.Reply update = post("/register", "{\"service\": \"s\", \"address\": \"http://h:1\", \"id\": \"s-1\","
        + " \"instance_secret\": \"" + secret + "\"}");
    assertThat(update.status()).isEqualTo(200);
    assertThat(update.json().path("instance_secret").asText()).isEqualTo(secret);
    assertThat(post("/deregister", ref + "}").status()).isEqualTo(200);
  }

  @Test
  void withATokenARestartedProcessAtTheSameAddressTakesThePlaceWithANewSecret() {
    start(true);
    TestHttp.Reply before = post("/register", "{\"service\": \"s\", \"address\": \"http://h:1\"}");
    String oldId = before.json().path("id").asText();

    TestHttp.Reply after = post("/register", "{\"service\": \"s\", \"address\": \"http://h:1\"}");

    assertThat(after.status()).isEqualTo(201);
    assertThat(after.json().path("id").asText()).isNotEqualTo(oldId);
    assertThat(after.json().path("instance_secret").asText()).isNotEqualTo(before.json().path("instance_secret").asText());
    assertThat(http.get("/discover/s").json().path("count").asInt()).isEqualTo(1);
    assertThat(post("/heartbeat", "{\"service\": \"s\", \"id\": \"" + oldId + "\", \"instance_secret\": \""
        + before.json().path("instance_secret").asText() + "\"}").status()).as("the old one is gone").isEqualTo(404);
  }

  @Test
  void withATokenARestartedProcessWithItsFixedIdAtItsAddressTakesThePlaceWithANewSecret() {
    start(true);
    String body = "{\"service\": \"s\", \"address\": \"http://h:1\", \"id\": \"s-1\"}";
    String oldSecret = post("/register", body).json().path("instance_secret").asText();

    TestHttp.Reply again = post("/register", body);

    assertThat(again.status()).isEqualTo(201);
    assertThat(again.json().path("id").asText()).isEqualTo("s-1");
    String newSecret = again.json().path("instance_secret").asText();
    assertThat(newSecret).isNotEqualTo(oldSecret);
    assertThat(http.get("/discover/s").json().path("count").asInt()).isEqualTo(1);
    assertThat(post("/heartbeat", "{\"service\": \"s\", \"id\": \"s-1\", \"instance_secret\": \"" + oldSecret + "\"}")
        .status()).isEqualTo(403);
    assertThat(post("/heartbeat", "{\"service\": \"s\", \"id\": \"s-1\", \"instance_secret\": \"" + newSecret + "\"}")
        .status()).isEqualTo(200);
  }

  @Test
  void aSecretOfTheWrongShapeIsAnInvalidField() {
    start(false);
    http.register("s", "http://h:1");

    assertThat(http.post("/heartbeat", "{\"service\": \"s\", \"address\": \"http://h:1\", \"instance_secret\": 5}")
        .json().path("error").asText()).isEqualTo("invalid_field");
    assertThat(http.post("/heartbeat", "{\"service\": \"s\", \"address\": \"http://h:1\", \"instance_secret\": \""
        + "x".repeat(300) + "\"}").json().path("error").asText()).isEqualTo("invalid_field");
  }
}
