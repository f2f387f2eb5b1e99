package dev.registry.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Each limit of the builder is a 4xx JSON error with a stable code, and the refusal changes nothing. */
class LimitsTest {
  private RegistryServer server;
  private TestHttp http;

  @BeforeEach
  void start() {
    server = RegistryServer.builder().port(0)
        .maxBodyBytes(2048)
        .maxMetadataEntries(2)
        .maxMetadataKeyLength(4)
        .maxMetadataValueLength(8)
        .maxInstancesPerService(2)
        .maxServices(3)
        .build().start();
    http = new TestHttp(server.uri());
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void aBodyOverTheConfiguredSizeIs413() {
    String body = "{\"service\": \"s\", \"address\": \"http://h:1\", \"pad\": \"" + "x".repeat(2100) + "\"}";

    TestHttp.Reply reply = http.post("/register", body);

    assertThat(reply.status()).isEqualTo(413);
    assertThat(reply.json().path("error").asText()).isEqualTo("body_too_large");
    assertThat(reply.json().path("message").asText()).contains("2048");
    assertThat(http.get("/services").json().path("total_services").asInt()).isZero();
  }

  @Test
  void metadataBeyondItsLimitsIsAnInvalidFieldNamingTheLimit() {
    assertRefused("{\"service\": \"s\", \"address\": \"http://h:1\", \"metadata\": {\"a\": \"1\", \"b\": \"2\", \"c\": \"3\"}}",
        400, "invalid_field", "at most 2");
    assertRefused("{\"service\": \"s\", \"address\": \"http://h:1\", \"metadata\": {\"abcde\": \"1\"}}",
        400, "invalid_field", "1 to 4 characters");
    assertRefused("{\"service\": \"s\", \"address\": \"http://h:1\", \"metadata\": {\"a\": \"123456789\"}}",
        400, "invalid_field", "longer than 8");
    assertThat(http.post("/register",
        "{\"service\": \"s\", \"address\": \"http://h:1\", \"metadata\": {\"abcd\": \"12345678\", \"b\": \"\"}}").status())
        .isEqualTo(201);
  }

  @Test
  void oneInstanceTooManyIs409AndReRegisteringAHeldOneStillWorks() {
    assertThat(http.register("s", "http://h:1").status()).isEqualTo(201);
    assertThat(http.register("s", "http://h:2").status()).isEqualTo(201);

    assertRefused("{\"service\": \"s\", \"address\": \"http://h:3\"}", 409, "too_many_instances", "at most 2");

    assertThat(http.register("s", "http://h:1").status()).isEqualTo(200);
    assertThat(http.post("/register", "{\"service\": \"s\", \"address\": \"http://h:3\", \"stage\": \"other\"}").status())
        .as("the limit is per stage").isEqualTo(201);
    assertThat(http.get("/discover/s").json().path("count").asInt()).isEqualTo(2);
    http.post("/deregister", "{\"service\": \"s\", \"address\": \"http://h:2\"}");
    assertThat(http.register("s", "http://h:3").status()).as("room again after a deregistration").isEqualTo(201);
  }

  @Test
  void oneServiceTooManyIs409UntilOneGoesAway() {
    assertThat(http.register("a", "http://h:1").status()).isEqualTo(201);
    assertThat(http.register("b", "http://h:1").status()).isEqualTo(201);
    assertThat(http.register("c", "http://h:1").status()).isEqualTo(201);

    assertRefused("{\"service\": \"d\", \"address\": \"http://h:1\"}", 409, "too_many_services", "at most 3");
    assertThat(http.get("/discover/d").status()).isEqualTo(404);
    assertThat(http.register("a", "http://h:2").status()).as("a held service takes instances").isEqualTo(201);

    http.post("/deregister", "{\"service\": \"b\", \"address\": \"http://h:1\"}");
    assertThat(http.register("d", "http://h:1").status()).isEqualTo(201);
    assertThat(server.registry().liveServices()).isEqualTo(3);
  }

  @Test
  void expiredServicesFreeTheirPlace() {
    FakeClock clock = new FakeClock();
    try (RegistryServer s = RegistryServer.builder().port(0).clock(clock).maxServices(1).build().start()) {
      TestHttp h = new TestHttp(s.uri());
      assertThat(h.post("/register", "{\"service\": \"a\", \"address\": \"http://h:1\", \"ttl_seconds\": 5}").status())
          .isEqualTo(201);
      assertThat(h.register("b", "http://h:1").status()).isEqualTo(409);

      clock.advance(java.time.Duration.ofSeconds(6));

      assertThat(h.register("b", "http://h:1").status()).isEqualTo(201);
    }
  }

  @Test
  void builderRejectsLimitsOutOfRangeNamingThem() {
    RegistryServer.Builder b = RegistryServer.builder();
    assertThatThrownBy(() -> b.maxBodyBytes(10)).hasMessageContaining("maxBodyBytes").hasMessageContaining("10");
    assertThatThrownBy(() -> b.maxMetadataEntries(-1)).hasMessageContaining("maxMetadataEntries");
    assertThatThrownBy(() -> b.maxMetadataKeyLength(0)).hasMessageContaining("maxMetadataKeyLength");
    assertThatThrownBy(() -> b.maxMetadataValueLength(-5)).hasMessageContaining("-5");
    assertThatThrownBy(() -> b.maxInstancesPerService(0)).hasMessageContaining("maxInstancesPerService");
    assertThatThrownBy(() -> b.maxServices(0)).hasMessageContaining("maxServices");
  }

  @Test
  void theCommandLineSetsEveryLimit() {
    assertThat(Main.parse(new String[] {"--max-body-bytes", "4096", "--max-metadata-entries=3",
        "--max-metadata-key-length", "10", "--max-metadata-value-length", "20",
        "--max-instances-per-service", "5", "--max-services", "6"})).isNotNull();
    assertThatThrownBy(() -> Main.parse(new String[] {"--max-services", "many"}))
        .hasMessageContaining("--max-services must be a number").hasMessageContaining("'many'");
    assertThatThrownBy(() -> Main.parse(new String[] {"--max-body-bytes", "1"}))
        .hasMessageContaining("maxBodyBytes");
  }

  private void assertRefused(String body, int status, String code, String message) {
    String before = http.get("/services").raw().body();
    TestHttp.Reply reply = http.post("/register", body);
    assertThat(reply.status()).isEqualTo(status);
    assertThat(reply.json().path("error").asText()).isEqualTo(code);
    assertThat(reply.json().path("message").asText()).contains(message);
    assertThat(http.get("/services").raw().body()).as("nothing changed").isEqualTo(before);
  }
}
