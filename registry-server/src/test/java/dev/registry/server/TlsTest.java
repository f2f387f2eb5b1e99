package dev.registry.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HTTPS from a PKCS#12 key store, with a certificate made by the test. */
class TlsTest {
  @TempDir static Path dir;
  static TestCertificates certs;

  @BeforeAll
  static void makeCertificate() throws Exception {
    certs = TestCertificates.create(dir);
  }

  @Test
  void theServerAnswersOverHttpsToAClientThatTrustsItsCertificate() throws Exception {
    try (RegistryServer server = RegistryServer.builder().port(0).tls(certs.keyStore, TestCertificates.PASSWORD)
        .build().start()) {
      assertThat(server.uri().toString()).startsWith("https://127.0.0.1:");
      HttpClient client = HttpClient.newBuilder().sslContext(certs.trustingContext()).build();

      HttpResponse<String> registered = client.send(HttpRequest.newBuilder(server.uri().resolve("/register"))
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString("{\"service\": \"s\", \"address\": \"https://10.0.0.1:8443\"}"))
          .build(), HttpResponse.BodyHandlers.ofString());
      HttpResponse<String> discovered = client.send(HttpRequest.newBuilder(server.uri().resolve("/discover/s")).build(),
          HttpResponse.BodyHandlers.ofString());

      assertThat(registered.statusCode()).isEqualTo(201);
      assertThat(discovered.body()).contains("https://10.0.0.1:8443");

      HttpClient untrusting = HttpClient.newHttpClient();
      assertThatThrownBy(() -> untrusting.send(HttpRequest.newBuilder(server.uri().resolve("/health")).build(),
          HttpResponse.BodyHandlers.ofString())).isInstanceOf(SSLHandshakeException.class);
    }
  }

  @Test
  void aBadKeyStoreFailsStartWithItsOwnMessage() throws Exception {
    RegistryServer wrongPassword = RegistryServer.builder().port(0).tls(certs.keyStore, "wrong").build();
    assertThatThrownBy(wrongPassword::start).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("cannot read the TLS key store");
    wrongPassword.close();

    Path notAStore = Files.writeString(dir.resolve("not.p12"), "nope");
    RegistryServer garbage = RegistryServer.builder().port(0).tls(notAStore, "x").build();
    assertThatThrownBy(garbage::start).hasMessageContaining("cannot read the TLS key store");
    garbage.close();

    assertThatThrownBy(() -> RegistryServer.builder().tls(dir.resolve("missing.p12"), "x"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("missing.p12");
  }

  @Test
  void theCommandLineTakesTheKeyStoreAndItsPassword() {
    String store = certs.keyStore.toString();
    assertThat(Main.parse(new String[] {"--tls-keystore", store, "--tls-password", "p"}, null, null)).isNotNull();
    assertThat(Main.parse(new String[] {"--tls-keystore=" + store}, null, "from-env")).isNotNull();
    assertThatThrownBy(() -> Main.parse(new String[] {"--tls-keystore", store}, null, null))
        .hasMessageContaining("REGISTRY_TLS_PASSWORD");
    assertThatThrownBy(() -> Main.parse(new String[] {"--tls-password", "p"}, null, null))
        .hasMessageContaining("--tls-password needs --tls-keystore");
  }
}
