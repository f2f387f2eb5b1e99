package dev.registry.client;

import static dev.registry.server.TestCertificates.keytool;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.registry.client.spi.HttpTransport;
import dev.registry.server.RegistryServer;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.time.Duration;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The light JDK transport (an inline client's, the Lambda path) over HTTPS to
 * the reference server, trusting a private CA the test made with {@code keytool}: the registry's
 * certificate is signed by the CA, and the client is given the CA's certificate only.
 */
class JdkTransportTlsTest {
  static final String PASSWORD = dev.registry.server.TestCertificates.PASSWORD;
  @TempDir static Path dir;
  /** The CA's certificate, the only one the clients trust. */
  static Path caPem;
  /** The registry's key and its chain (its certificate for 127.0.0.1 and localhost, the CA's). */
  static Path serverStore;
  /** A self-signed certificate for another host name only (registry.example). */
  static Path otherHostStore;
  static Path otherHostPem;

  @BeforeAll
  static void makeCertificates() throws Exception {
    Path caStore = dir.resolve("ca.p12");
    caPem = dir.resolve("ca.pem");
    keytool("-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1",
        "-dname", "CN=Registry Test CA", "-ext", "bc:c", "-validity", "2", "-storetype", "PKCS12",
        "-keystore", caStore.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD);
    keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", caStore.toString(),
        "-storepass", PASSWORD, "-file", caPem.toString());

    serverStore = dir.resolve("server.p12");
    Path request = dir.resolve("server.csr");
    Path signed = dir.resolve("server.pem");
    keytool("-genkeypair", "-alias", "registry", "-keyalg", "EC", "-groupname", "secp256r1",
        "-dname", "CN=localhost", "-validity", "2", "-storetype", "PKCS12",
        "-keystore", serverStore.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD);
    keytool("-certreq", "-alias", "registry", "-keystore", serverStore.toString(),
        "-storepass", PASSWORD, "-file", request.toString());
    keytool("-gencert", "-rfc", "-alias", "ca", "-keystore", caStore.toString(), "-storepass", PASSWORD,
        "-infile", request.toString(), "-outfile", signed.toString(),
        "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2");
    keytool("-importcert", "-noprompt", "-alias", "ca", "-file", caPem.toString(),
        "-keystore", serverStore.toString(), "-storepass", PASSWORD);
    keytool("-importcert", "-alias", "registry", "-file", signed.toString(),
        "-keystore", serverStore.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD);

    otherHostStore = dir.resolve("other.p12");
    otherHostPem = dir.resolve("other.pem");
    keytool("-genkeypair", "-alias", "registry", "-keyalg", "EC", "-groupname", "secp256r1",
        "-dname", "CN=registry.example", "-ext", "SAN=dns:registry.example", "-validity", "2",
        "-storetype", "PKCS12", "-keystore", otherHostStore.toString(), "-storepass", PASSWORD,
        "-keypass", PASSWORD);
    keytool("-exportcert", "-rfc", "-alias", "registry", "-keystore", otherHostStore.toString(),
        "-storepass", PASSWORD, "-file", otherHostPem.toString());
  }

  static RegistryServer httpsServer(Path keyStore) {
    return RegistryServer.builder().host("127.0.0.1").port(0).tls(keyStore, PASSWORD).build().start();
  }

  /** A client builder for the JDK transport: an inline client's default, as the Lambda adapter's. */
  static RegistryClient.Builder jdkClient(RegistryServer server) {
    return RegistryClient.builder().registryUrls(server.uri().toString()).shutdownHook(false)
        .retryPolicy(RetryPolicy.builder().maxAttempts(2)
            .initialBackoff(Duration.ofMillis(1)).maxBackoff(Duration.ofMillis(5)).build());
  }

  /** The JDK transport trusting the certificates of a PEM file, for a background client. */
  static HttpTransport jdkTransportTrusting(Path pem) throws Exception {
    List<X509Certificate> certificates = new ArrayList<>();
    try (InputStream in = Files.newInputStream(pem)) {
      for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        certificates.add((X509Certificate) c);
      }
    }
    return UrlConnectionTransport.trusting(certificates, 8L << 20);
  }

  @Test
  void theJdkTransportTrustingTheCaRegistersLooksUpAndWatchesOverHttps() throws Exception {
    try (RegistryServer server = httpsServer(serverStore);
        InlineRegistryClient inline = jdkClient(server).trustedCertificates(caPem).buildInline();
        RegistryClient watching = jdkClient(server).transport(jdkTransportTrusting(caPem)).build()) {
      assertThat(server.uri().getScheme()).isEqualTo("https");
      inline.register(TlsClientTest.payment(1));
      assertThat(watching.choose("payment-service").id()).isEqualTo("payment-1");
      assertThat(inline.warmUp("default")).isEqualTo(1);

      inline.register(TlsClientTest.payment(2));  // the long-poll of the watching client (sendAsync) sees it
      await().atMost(Duration.ofSeconds(10))
          .until(() -> watching.instances("payment-service").size() == 2);
      assertThat(watching.inStage("default").view("payment-service").stale()).isFalse();
    }
  }

  @Test
  void theJdkTransportWithoutTheCaIsRefusedTheHandshake() {
    try (RegistryServer server = httpsServer(serverStore);
        InlineRegistryClient client = jdkClient(server).buildInline()) {
      assertThatThrownBy(() -> client.register(TlsClientTest.payment(1)))
          .isInstanceOf(RegistryUnavailableException.class)
          .hasMessageContaining("PKIX path building failed")
          .satisfies(e -> assertThat(e.getCause()).isInstanceOf(SSLHandshakeException.class));
      assertThatThrownBy(() -> client.choose("payment-service"))
          .isInstanceOf(RegistryUnavailableException.class)
          .hasMessageContaining("PKIX path building failed");
    }
  }

  @Test
  void theJdkTransportTrustingACertificateStillChecksTheHostName() {
    try (RegistryServer server = httpsServer(otherHostStore);
        InlineRegistryClient client = jdkClient(server).trustedCertificates(otherHostPem).buildInline()) {
      assertThatThrownBy(() -> client.choose("payment-service"))
          .isInstanceOf(RegistryUnavailableException.class)
          .hasMessageContaining("No subject alternative names matching IP address 127.0.0.1")
          .satisfies(e -> assertThat(e.getCause()).isInstanceOf(SSLHandshakeException.class));
    }
  }
}
