package dev.registry.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Test;

/** Builders check each argument at once and name the bad value. */
class BuilderTest {

  @Test
  void aBadRegistryUrlIsRejectedByName() {
    assertThatThrownBy(() -> RegistryClient.builder().registryUrls("ftp://x"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'ftp://x'");
    assertThatThrownBy(() -> RegistryClient.builder().registryUrls("not a url"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'not a url'");
  }

  @Test
  void nonPositiveDurationsAreRejectedWithTheirValue() {
    assertThatThrownBy(() -> RegistryClient.builder().heartbeatInterval(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("heartbeatInterval must be > 0: PT-1S");
    assertThatThrownBy(() -> RegistryClient.builder().leaseTtl(Duration.ofMillis(500)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PT0.5S");
    assertThatThrownBy(() -> RegistryClient.builder().longPollWait(Duration.ofMinutes(6)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PT6M");
  }

  @Test
  void theHeartbeatIntervalMustBeShorterThanTheLease() {
    RegistryClient.Builder builder = RegistryClient.builder().registryUrls("http://127.0.0.1:1")
        .leaseTtl(Duration.ofSeconds(10)).heartbeatInterval(Duration.ofSeconds(10));
    assertThatThrownBy(builder::build).isInstanceOf(IllegalStateException.class)
        .hasMessage("heartbeatInterval (PT10S) must be shorter than leaseTtl (PT10S)");
  }

  @Test
  void theDefaultHeartbeatIntervalIsAThirdOfTheLeaseAndBuildingDoesNoIo() {
    try (RegistryClient client = RegistryClient.builder()
        .registryUrls("http://127.0.0.1:1").leaseTtl(Duration.ofSeconds(3)).build()) {
      assertThat(client.stats()).isEqualTo(new ClientStats(0, 0, 0, 0, 0, 0, 0));
      assertThat(client.stage()).isEqualTo("default");
    }
  }

  @Test
  void registryUrlsAreRequired() {
    assertThatThrownBy(() -> RegistryClient.builder().build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("registryUrls");
  }

  @Test
  void aTransportAndAnOkHttpClientCannotBothBeSet() {
    RegistryClient.Builder builder = RegistryClient.builder().registryUrls("http://127.0.0.1:1")
        .okHttpClient(new OkHttpClient())
        .transport(request -> java.util.concurrent.CompletableFuture.failedFuture(
            new java.io.IOException("unused")));
    assertThatThrownBy(builder::build).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("transport and okHttpClient");
  }

  @Test
  void badStageAndServiceNamesAreRejectedByName() {
    assertThatThrownBy(() -> RegistryClient.builder().stage("prod uction"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'prod uction'");
    assertThatThrownBy(() -> ServiceInstance.builder("-bad"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'-bad'");
    try (RegistryClient client = RegistryClient.builder().registryUrls("http://127.0.0.1:1")
        .shutdownHook(false).build()) {
      assertThatThrownBy(() -> client.choose("a/b"))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'a/b'");
    }
  }

  @Test
  void anAddressWithAPortOutside1To65535IsRejectedNamingThePort() {
    assertThatThrownBy(() -> ServiceInstance.builder("svc").address("http://127.0.0.1:70000"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("address must have a port from 1 to 65535: 70000 in 'http://127.0.0.1:70000'");
    assertThatThrownBy(() -> ServiceInstance.builder("svc").address(java.net.URI.create("http://h:0/x")))
        .hasMessageContaining("port from 1 to 65535: 0");
    ServiceInstance.builder("svc").address("http://127.0.0.1:65535");
    ServiceInstance.builder("svc").address("http://127.0.0.1");
  }

  @Test
  void aServiceInstanceNeedsAnAddressAndKeepsItsMetadataImmutableAndInOrder() {
    assertThatThrownBy(() -> ServiceInstance.builder("svc").build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("svc");
    assertThatThrownBy(() -> ServiceInstance.builder("svc").address("mailto:x@y"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'mailto:x@y'");

    ServiceInstance instance = ServiceInstance.builder("svc").address("http://h:1")
        .metadata("b", "2").metadata(Map.of("a", "1")).build();

    assertThat(instance.metadata().keySet()).containsExactly("b", "a");
    assertThat(instance.id()).isNotBlank();
    assertThat(instance.status()).isEqualTo(Status.UP);
    assertThat(instance.stage()).isNull();
    assertThatThrownBy(() -> instance.metadata().put("c", "3"))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThat(instance.toBuilder().build()).isEqualTo(instance);
    assertThat(instance.address()).isEqualTo(URI.create("http://h:1"));
  }

  @Test
  void aRetryPolicyChecksItsBoundsAndDoublesItsBackoffUpToTheMaximum() {
    assertThatThrownBy(() -> RetryPolicy.builder().maxAttempts(0))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("maxAttempts must be >= 1: 0");
    RetryPolicy policy = RetryPolicy.builder().initialBackoff(Duration.ofMillis(100))
        .maxBackoff(Duration.ofMillis(350)).build();
    assertThat(policy.backoffBound(1)).isEqualTo(Duration.ofMillis(100));
    assertThat(policy.backoffBound(2)).isEqualTo(Duration.ofMillis(200));
    assertThat(policy.backoffBound(3)).isEqualTo(Duration.ofMillis(350));
    assertThat(policy.backoffBound(60)).isEqualTo(Duration.ofMillis(350));
  }
}
