package dev.registry.client;

import static dev.registry.server.TestCertificates.keytool;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.registry.client.spi.HttpTransport;
import dev.registry.server.RegistryServer;
import java.nio.file.Path;
import java.time.Duration;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The light JDK transport ({@link HttpTransport#urlConnection()}, the Lambda path) over HTTPS to
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

  /** A client on the JDK transport, as the Lambda adapter builds it. */
  static RegistryClient.Builder jdkClient(RegistryServer server) {
    return RegistryClient.builder().registryUrls(server.uri().toString()).shutdownHook(false)
        .transport(HttpTransport.urlConnection())
        .retryPolicy(RetryPolicy.builder().maxAttempts(2)
            .initialBackoff(Duration.ofMillis(1)).maxBackoff(Duration.ofMillis(5)).build());
  }

  @Test
  void theJdkTransportTrustingTheCaRegistersLooksUpAndWatchesOverHttps() {
    try (RegistryServer server = httpsServer(serverStore);
        RegistryClient inline = jdkClient(server).trustedCertificates(caPem).backgroundRefresh(false).build();
        RegistryClient watching = jdkClient(server).trustedCertificates(caPem).build()) {
      assertThat(server.uri().getScheme()).isEqualTo("https");
      inline.registerOnce(TlsClientTest.payment(1));
      assertThat(watching.choose("payment-service").id()).isEqualTo("payment-1");
      assertThat(inline.warmUp("default")).isEqualTo(1);

      inline.registerOnce(TlsClientTest.payment(2));  // the long-poll of the watching client (sendAsync) sees it
      await().atMost(Duration.ofSeconds(10))
          .until(() -> watching.instances("payment-service").size() == 2);
      assertThat(watching.view("payment-service", "default").stale()).isFalse();
    }
  }

  @Test
  void theJdkTransportWithoutTheCaIsRefusedTheHandshake() {
    try (RegistryServer server = httpsServer(serverStore);
        RegistryClient client = jdkClient(server).build()) {
      assertThatThrownBy(() -> client.registerOnce(TlsClientTest.payment(1)))
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
        RegistryClient client = jdkClient(server).trustedCertificates(otherHostPem).build()) {
      assertThatThrownBy(() -> client.choose("payment-service"))
          .isInstanceOf(RegistryUnavailableException.class)
          .hasMessageContaining("No subject alternative names matching IP address 127.0.0.1")
          .satisfies(e -> assertThat(e.getCause()).isInstanceOf(SSLHandshakeException.class));
    }
  }
}
