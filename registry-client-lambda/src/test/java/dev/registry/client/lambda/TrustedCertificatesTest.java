package dev.registry.client.lambda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.registry.client.RegistryUnavailableException;
import dev.registry.server.RegistryServer;
import dev.registry.server.TestCertificates;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code REGISTRY_TRUSTED_CERTIFICATES}: a function told to trust the registry's self-signed
 * certificate registers itself and looks up over HTTPS; without it the handshake fails (and the
 * invocation does not); a file it cannot read fails the container start naming the variable and
 * the file.
 */
class TrustedCertificatesTest {
  @TempDir static Path dir;
  static TestCertificates certificates;
  static RegistryServer server;
  /** The test's own reader of the registry, trusting its certificate. */
  static HttpClient reader;

  @BeforeAll
  static void startHttpsRegistry() throws Exception {
    certificates = TestCertificates.create(dir);
    server = RegistryServer.builder().host("127.0.0.1").port(0)
        .tls(certificates.keyStore, TestCertificates.PASSWORD).build().start();
    reader = HttpClient.newBuilder().sslContext(certificates.trustingContext()).build();
  }

  @AfterAll
  static void stopRegistry() {
    server.close();
  }

  /** The raw answer of the registry to {@code /discover/orders} in {@code stage}. */
  static String discoverOrders(String stage) throws IOException, InterruptedException {
    return reader.send(HttpRequest.newBuilder(server.uri().resolve("/discover/orders?stage=" + stage))
        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
  }

  static Map<String, String> env(String... more) {
    Map<String, String> env = new java.util.HashMap<>(Map.of(
        "REGISTRY_URLS", server.uri().toString(),
        "REGISTRY_SERVICE_NAME", "orders",
        "REGISTRY_SERVICE_ADDRESS", "https://orders.example.test/prod",
        "REGISTRY_REQUEST_TIMEOUT", "5s"));
    for (int i = 0; i < more.length; i += 2) {
      env.put(more[i], more[i + 1]);
    }
    return env;
  }

  @Test
  void aFunctionTrustingTheRegistrysCertificateRegistersAndLooksUpOverHttps() throws Exception {
    assertThat(server.uri().getScheme()).isEqualTo("https");
    LambdaSettings settings = LambdaSettings.fromEnvironment(
        env("REGISTRY_TRUSTED_CERTIFICATES", certificates.certificatePem.toString()));
    assertThat(settings.trustedCertificates()).isEqualTo(certificates.certificatePem);
    assertThat(settings.toString()).contains("trustedCertificates=" + certificates.certificatePem);

    try (LambdaRegistry lambda = LambdaRegistry.create(settings)) {
      Discovery discovery = lambda.begin(TestContext.alias("tls"));
      assertThat(discoverOrders("tls")).contains("https://orders.example.test/prod");
      assertThat(discovery.choose("orders").address())
          .isEqualTo(URI.create("https://orders.example.test/prod"));
    }
  }

  @Test
  void withoutTheCertificateTheHandshakeFailsButNotTheInvocation() throws Exception {
    LambdaSettings settings = LambdaSettings.fromEnvironment(env());
    assertThat(settings.trustedCertificates()).isNull();
    assertThat(settings.toString()).contains("trustedCertificates=null");

    try (LambdaRegistry lambda = LambdaRegistry.create(settings)) {
      Discovery discovery = lambda.begin(TestContext.alias("untrusted"));  // does not throw
      assertThatThrownBy(() -> discovery.choose("orders"))
          .isInstanceOf(RegistryUnavailableException.class)
          .hasMessageContaining("PKIX path building failed")
          .hasCauseInstanceOf(SSLHandshakeException.class);
    }
    assertThat(discoverOrders("untrusted")).doesNotContain("orders.example.test");
  }

  @Test
  void aFileThatCannotBeReadFailsTheContainerStartNamingTheVariableAndTheFile() throws Exception {
    Path missing = dir.resolve("missing-ca.pem");
    LambdaSettings settings = LambdaSettings.fromEnvironment(
        env("REGISTRY_TRUSTED_CERTIFICATES", missing.toString()));
    assertThatThrownBy(() -> LambdaRegistry.create(settings))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("REGISTRY_TRUSTED_CERTIFICATES")
        .hasMessageContaining("cannot read certificates from " + missing);

    Path notPem = Files.writeString(dir.resolve("not.pem"), "not a certificate\n");
    assertThatThrownBy(() -> LambdaSettings.fromEnvironment(
            env("REGISTRY_TRUSTED_CERTIFICATES", notPem.toString())).clientBuilder())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("REGISTRY_TRUSTED_CERTIFICATES")
        .hasMessageContaining(notPem.toString());
  }

  @Test
  void settingsWithoutCertificatesTrustTheDefaultsAndWithTrustedCertificatesSetsTheFile() {
    LambdaSettings plain = new LambdaSettings(List.of(server.uri()), null, Duration.ofSeconds(30),
        Duration.ofSeconds(1), Duration.ofMillis(300), true, null, null, null,
        Duration.ofMinutes(15), null, null, false, null, null, false);
    assertThat(plain.trustedCertificates()).isNull();
    assertThat(plain).isEqualTo(LambdaSettings.of(server.uri()));

    LambdaSettings trusting = plain.withTrustedCertificates(certificates.certificatePem);
    assertThat(trusting.trustedCertificates()).isEqualTo(certificates.certificatePem);
    assertThat(trusting.withTrustedCertificates(null)).isEqualTo(plain);
    try (dev.registry.client.InlineRegistryClient client = trusting.clientBuilder().buildInline()) {
      client.register(dev.registry.client.ServiceInstance.builder("orders").id("orders-2")
          .address("https://10.0.0.2:8443").stage("constructed").build());
      assertThat(client.inStage("constructed").instances("orders")).hasSize(1);
    }
  }
}
