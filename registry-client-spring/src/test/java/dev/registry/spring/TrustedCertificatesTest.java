package dev.registry.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.registry.client.RegistryUnavailableException;
import dev.registry.server.TestCertificates;
import java.nio.file.Path;
import java.util.Map;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * {@code registry.trusted-certificates}: an application told to trust the registry's
 * self-signed certificate registers over HTTPS; without it, or with a file it cannot read, it
 * fails to start saying why.
 */
class TrustedCertificatesTest {
  @TempDir static Path dir;
  static TestCertificates certificates;
  static Registry registry;

  @BeforeAll
  static void startHttpsRegistry() throws Exception {
    certificates = TestCertificates.create(dir);
    registry = new Registry(certificates);
  }

  @AfterAll
  static void stopRegistry() {
    registry.close();
  }

  static SpringApplicationBuilder worker(String... more) {
    return new SpringApplicationBuilder(Apps.Worker.class)
        .web(WebApplicationType.NONE)
        .properties("spring.application.name=billing-worker",
            "registry.urls=" + registry.url(),
            "registry.host=127.0.0.1",
            "registry.instance-id=worker-1",
            "registry.request-timeout=2s",
            "registry.deregister-timeout=500ms",
            "registry.propagation-wait=0ms",
            "spring.main.banner-mode=off")
        .properties(more);
  }

  @Test
  void anApplicationTrustingTheRegistrysCertificateRegistersOverHttps() {
    assertThat(registry.url()).startsWith("https://127.0.0.1:");
    try (ConfigurableApplicationContext worker =
        worker("registry.trusted-certificates=" + certificates.certificatePem).run()) {
      assertThat(worker.getBean(RegistryProperties.class).getTrustedCertificates())
          .isEqualTo(certificates.certificatePem);
      assertThat(registry.statuses("billing-worker")).containsExactly(Map.entry("worker-1", "UP"));
    }
    assertThat(registry.statuses("billing-worker")).isEmpty();
  }

  @Test
  void withoutTheCertificateTheApplicationFailsToStartOnTheHandshake() {
    assertThatThrownBy(() -> worker().run().close())
        .isInstanceOf(RegistryUnavailableException.class)
        .hasMessageContaining("PKIX path building failed")
        .satisfies(e -> assertThat(e).hasCauseInstanceOf(SSLHandshakeException.class));
    assertThat(registry.statuses("billing-worker")).isEmpty();
  }

  @Test
  void aFileThatCannotBeReadFailsTheStartupNamingThePropertyAndTheFile() {
    Path missing = dir.resolve("missing-ca.pem");
    assertThatThrownBy(() -> worker("registry.trusted-certificates=" + missing).run().close())
        .hasStackTraceContaining("registry.trusted-certificates = " + missing
            + ": cannot read certificates from " + missing);
    assertThat(registry.statuses("billing-worker")).isEmpty();
  }
}
