package dev.registry.client.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.registry.client.ConfigKey;
import dev.registry.client.RegistryClient;
import dev.registry.client.RetryPolicy;
import dev.registry.client.ServiceInstance;
import dev.registry.client.ServiceView;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The backend SPI from the outside: a backend of another module (here {@link
 * MemoryBackendProvider}, which cannot be watched) serves its scheme with no change to the
 * caller's code, and the core polls what it cannot watch.
 */
class BackendSpiTest {

  static RegistryClient.Builder client(String registry) {
    return RegistryClient.builder().registryUrls("memory://" + registry).shutdownHook(false)
        .retryPolicy(RetryPolicy.builder().maxAttempts(2)
            .initialBackoff(Duration.ofMillis(1)).maxBackoff(Duration.ofMillis(5)).build());
  }

  static ServiceInstance payment(int n) {
    return ServiceInstance.builder("payment-service").id("payment-" + n)
        .address("http://10.0.0." + n + ":8080").build();
  }

  @Test
  void aBackendOnTheClassPathServesItsSchemeWithNoChangeToTheCaller() {
    try (RegistryClient owner = client("served").build();
        RegistryClient caller = client("served").build()) {
      owner.register(payment(1));

      assertThat(caller.choose("payment-service").id()).isEqualTo("payment-1");
      assertThat(caller.services()).containsExactly("payment-service");
    }
    assertThat(MemoryBackendProvider.REGISTRIES.get("served").view("payment-service", "default").instances())
        .as("closing the owner deregistered it").isEmpty();
  }

  @Test
  void aRegistryThatCannotBeWatchedIsReadWithItsCatalogEveryRefreshInterval() {
    try (RegistryClient owner = client("polled").build();
        RegistryClient caller = client("polled").refreshInterval(Duration.ofMillis(200))
            .idleTimeout(Duration.ofMinutes(1)).build()) {
      owner.register(payment(1));
      List<ServiceView> seen = new CopyOnWriteArrayList<>();
      caller.watch("payment-service", seen::add);

      owner.register(payment(2));

      await().atMost(Duration.ofSeconds(10)).until(() -> caller.instances("payment-service").size() == 2);
      MemoryBackendProvider.Memory memory = MemoryBackendProvider.REGISTRIES.get("polled");
      assertThat(memory.discovers.get()).as("the first lookup only").isEqualTo(1);
      assertThat(memory.catalogs.get()).as("one read of the stage per interval").isPositive();
      assertThat(seen).extracting(v -> v.instances().size()).containsSequence(1, 2);

      memory.down = true;
      await().atMost(Duration.ofSeconds(10)).until(() -> caller.view("payment-service").stale());
      assertThat(caller.choose("payment-service").service()).isEqualTo("payment-service");
      memory.down = false;
    }
  }

  @Test
  void aBackendThatNamesTheStagesOfAServiceTellsALookupInTheWrongStageWhereItIs() {
    try (RegistryClient owner = client("staged").stage("greeting").build();
        RegistryClient caller = client("staged").stage("caller").build()) {
      owner.register(payment(1));

      assertThatThrownBy(() -> caller.choose("payment-service"))
          .isInstanceOf(dev.registry.client.NoInstanceAvailableException.class)
          .hasMessage("No UP instance of service 'payment-service' in stage 'caller';"
              + " it is registered in stage(s) 'greeting'");
    }
  }

  @Test
  void aBackendThatKeepsNoConfigurationIsAClearErrorNeverAnEmptyConfiguration() {
    try (RegistryClient client = client("no-config").build()) {
      assertThatThrownBy(() -> client.config("payment-service"))
          .isInstanceOf(UnsupportedOperationException.class)
          .hasMessageContaining("the registry at [memory://no-config] keeps no configuration")
          .hasMessageContaining("RegistryBackend.config");
      assertThatThrownBy(() -> client.declareConfig("payment-service", List.of(ConfigKey.ofInt("k", 1, null))))
          .isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("declareConfig");
      assertThatThrownBy(() -> client.watchConfig("payment-service", change -> { }))
          .isInstanceOf(UnsupportedOperationException.class);
      client.register(payment(1));  // heartbeats are untouched: this client reads no configuration
    }
  }

  @Test
  void anUnknownSchemeNamesItAndTheSchemesThatAreServed() {
    assertThatThrownBy(() -> RegistryClient.builder().registryUrls("etcd://127.0.0.1:2379"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'etcd'").hasMessageContaining("http, https, memory");
  }

  @Test
  void urlsOfTwoBackendsAreRefusedNamingTheirSchemes() {
    assertThatThrownBy(() -> RegistryClient.builder().registryUrls("http://127.0.0.1:5001", "memory://mixed"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("http").hasMessageContaining("memory");
    assertThatThrownBy(() -> RegistryClient.builder().registryUrls("memory:///no-name"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs a name");
  }
}
