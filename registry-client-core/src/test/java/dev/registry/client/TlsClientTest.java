package dev.registry.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.registry.server.RegistryServer;
import dev.registry.server.TestCertificates;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client over HTTPS to the reference server, trusting a certificate the test made. */
class TlsClientTest {
  static final String PASSWORD = TestCertificates.PASSWORD;
  @TempDir static Path dir;
  static Path keyStore;
  static Path pem;

  @BeforeAll
  static void makeCertificate() throws Exception {
    TestCertificates certificates = TestCertificates.create(dir);
    keyStore = certificates.keyStore;
    pem = certificates.certificatePem;
  }

  RegistryClient.Builder builder(RegistryServer server) {
    return RegistryClient.builder().registryUrls(server.uri().toString()).shutdownHook(false)
        .retryPolicy(RetryPolicy.builder().maxAttempts(2)
            .initialBackoff(Duration.ofMillis(1)).maxBackoff(Duration.ofMillis(5)).build());
  }

  static ServiceInstance payment(int n) {
    return ServiceInstance.builder("payment-service").id("payment-" + n)
        .address(URI.create("https://10.0.0." + n + ":8443")).build();
  }

  @Test
  void aClientTrustingTheRegistrysCertificateRegistersLooksUpAndWatchesOverHttps() {
    try (RegistryServer server = RegistryServer.builder().host("127.0.0.1").port(0).tls(keyStore, PASSWORD)
            .build().start();
        RegistryClient owner = builder(server).trustedCertificates(pem).heartbeatInterval(Duration.ofMillis(200)).build();
        RegistryClient caller = builder(server).trustedCertificates(pem).build()) {
      owner.register(payment(1));
      assertThat(caller.choose("payment-service").id()).isEqualTo("payment-1");

      owner.register(payment(2));
      await().atMost(Duration.ofSeconds(10)).until(() -> caller.instances("payment-service").size() == 2);
      await().atMost(Duration.ofSeconds(10)).until(() -> owner.stats().heartbeatsSent() >= 2);
      assertThat(owner.stats().heartbeatsFailed()).isZero();
    }
  }

  @Test
  void aClientThatDoesNotTrustTheCertificateIsRefusedTheConnection() {
    try (RegistryServer server = RegistryServer.builder().host("127.0.0.1").port(0).tls(keyStore, PASSWORD)
            .build().start();
        RegistryClient client = builder(server).build()) {
      assertThatThrownBy(() -> client.register(payment(1)))
          .isInstanceOf(RegistryUnavailableException.class)
          .hasMessageContaining("PKIX path building failed")
          .satisfies(e -> assertThat(e.getCause()).isInstanceOf(SSLException.class));
    }
  }

  @Test
  void theBuilderChecksTheCertificates() throws IOException {
    assertThatThrownBy(() -> RegistryClient.builder().trustedCertificates(dir.resolve("missing.pem")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("missing.pem");
    Path empty = Files.writeString(dir.resolve("empty.pem"), "");
    assertThatThrownBy(() -> RegistryClient.builder().trustedCertificates(empty))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty.pem");
    assertThatThrownBy(() -> RegistryClient.builder().trustedCertificates(List.of()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RegistryClient.builder().registryUrls("https://127.0.0.1:1")
        .trustedCertificates(pem).transport(request -> null).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("trustedCertificates");
  }
}
