package dev.registry.client.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.registry.client.RegistryClient;
import dev.registry.client.RegistryRejectedException;
import dev.registry.client.RegistryUnavailableException;
import dev.registry.client.RetryPolicy;
import dev.registry.client.ServiceInstance;
import dev.registry.server.TestCertificates;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** etcds:// to a member that serves TLS with a private certificate, with etcd's auth on. */
class EtcdSecureTest {
  static final Duration TIMEOUT = Duration.ofSeconds(10);
  static final TestCertificates certificates = certificates();

  @RegisterExtension static final EtcdCluster etcd = EtcdCluster.members(1).withTls(certificates);

  final String stage = "s" + UUID.randomUUID().toString().substring(0, 8);
  final List<AutoCloseable> closeables = new ArrayList<>();

  @BeforeAll
  static void enableAuth() {
    etcd.enableAuth("root-secret", "app", "app-secret");
  }

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : closeables) {
      c.close();
    }
  }

  static TestCertificates certificates() {
    try {
      return TestCertificates.create(Files.createTempDirectory("etcd-tls-"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  RegistryClient.Builder builder() {
    return RegistryClient.builder()
        .registryUris(etcd.clientUrls("etcds"))
        .stage(stage)
        .shutdownHook(false)
        .leaseTtl(Duration.ofSeconds(2))
        .trustedCertificates(certificates.certificatePem)
        .token("app:app-secret")
        .retryPolicy(RetryPolicy.builder().maxAttempts(1).build());
  }

  RegistryClient client(RegistryClient.Builder builder) {
    RegistryClient client = builder.build();
    closeables.add(client);
    return client;
  }

  static ServiceInstance instance(String id) {
    return ServiceInstance.builder("payment").id(id).address(URI.create("https://10.0.0.3:8443")).build();
  }

  @Test
  void aClientTrustingThePrivateCertificateRegistersDiscoversAndWatchesAsAnEtcdUser() {
    RegistryClient payment = client(builder());
    RegistryClient caller = client(builder());
    Recorder seen = new Recorder();
    closeables.add(caller.watch("payment", seen));
    await().atMost(TIMEOUT).until(() -> seen.last().isEmpty());

    payment.register(instance("p1"));

    await().atMost(TIMEOUT).until(() -> seen.last().equals(List.of("p1:UP")));
    assertThat(caller.instances("payment")).extracting(ServiceInstance::id).containsExactly("p1");
    assertThat(payment.toString()).doesNotContain("app-secret");
  }

  @Test
  void aWrongPasswordIsRefusedNamingTheUserAndNeverThePassword() {
    RegistryClient client = client(builder().token("app:not-the-password"));

    assertThatThrownBy(() -> client.register(instance("p1")))
        .isInstanceOf(RegistryRejectedException.class)
        .hasMessageContaining("etcd user 'app' could not authenticate")
        .hasMessageNotContaining("not-the-password");
    assertThat(client.toString()).doesNotContain("not-the-password");
  }

  @Test
  void aTokenThatIsNotUserColonPasswordIsRefusedWithoutShowingIt() {
    RegistryClient client = client(builder().token("just-a-secret"));

    assertThatThrownBy(() -> client.instances("payment"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'user:password'")
        .hasMessageNotContaining("just-a-secret");
  }

  @Test
  void aClientThatDoesNotTrustTheCertificateCannotConnect() {
    RegistryClient client = client(RegistryClient.builder().registryUris(etcd.clientUrls("etcds"))
        .stage(stage).shutdownHook(false).token("app:app-secret")
        .retryPolicy(RetryPolicy.builder().maxAttempts(1).build()));

    assertThatThrownBy(() -> client.instances("payment"))
        .isInstanceOf(RegistryUnavailableException.class)
        .hasMessageContaining(etcd.clientUrls("https").get(0).toString());
  }
}
