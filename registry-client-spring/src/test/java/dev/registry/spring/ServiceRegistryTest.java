package dev.registry.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.registry.client.RegistryClient;
import dev.registry.client.RetryPolicy;
import dev.registry.client.Status;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.cloud.client.ServiceInstance;

/** The Spring Cloud contracts over the core, against the reference server in-process. */
class ServiceRegistryTest {
  final Registry registry = new Registry();
  final RegistryClient client = RegistryClient.builder().registryUrls(registry.url())
      .shutdownHook(false)
      .retryPolicy(RetryPolicy.builder().maxAttempts(2).initialBackoff(Duration.ofMillis(20))
          .maxBackoff(Duration.ofMillis(50)).build())
      .build();
  final RegistryServiceRegistry serviceRegistry = new RegistryServiceRegistry(client);

  @AfterEach
  void tearDown() {
    client.close();
    registry.close();
  }

  RegistryRegistration greeting(int n) {
    RegistryRegistration r = new RegistryRegistration("greeting-service", "greeting-" + n,
        "default", "127.0.0.1", Map.of("version", "1." + n));
    r.bindAddress(URI.create("http://127.0.0.1:" + (9000 + n)));
    return r;
  }

  @Test
  void registerSetStatusGetStatusAndDeregisterReachTheRegistry() {
    RegistryRegistration me = greeting(1);
    serviceRegistry.register(me, Status.STARTING);
    assertThat(registry.statuses("greeting-service")).containsExactly(Map.entry("greeting-1", "STARTING"));
    assertThat((String) serviceRegistry.getStatus(me)).isEqualTo("STARTING");

    serviceRegistry.setStatus(me, "out_of_service");
    assertThat(registry.statuses("greeting-service")).containsExactly(Map.entry("greeting-1", "OUT_OF_SERVICE"));
    assertThat((String) serviceRegistry.getStatus(me)).isEqualTo("OUT_OF_SERVICE");

    serviceRegistry.setStatus(me, "UP");
    assertThat(registry.statuses("greeting-service")).containsExactly(Map.entry("greeting-1", "UP"));

    serviceRegistry.deregister(me);
    assertThat(registry.statuses("greeting-service")).isEmpty();
    assertThat((Object) serviceRegistry.getStatus(me)).isNull();
    assertThat(serviceRegistry.isRegistered(me)).isFalse();
  }

  @Test
  void registeringTwiceKeepsOneInstanceAndDeregisteringTwiceIsHarmless() {
    RegistryRegistration me = greeting(1);
    serviceRegistry.register(me);
    serviceRegistry.register(me);
    assertThat(registry.statuses("greeting-service")).containsExactly(Map.entry("greeting-1", "UP"));
    serviceRegistry.deregister(me);
    serviceRegistry.deregister(me);
    assertThat(registry.statuses("greeting-service")).isEmpty();
  }

  @Test
  void badStatusesAndUnregisteredInstancesAreRefusedNamingTheValue() {
    RegistryRegistration me = greeting(1);
    assertThatThrownBy(() -> serviceRegistry.setStatus(me, "UP"))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("not registered");
    serviceRegistry.register(me);
    assertThatThrownBy(() -> serviceRegistry.setStatus(me, "SLEEPING"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'SLEEPING'");
    assertThat(registry.statuses("greeting-service")).containsExactly(Map.entry("greeting-1", "UP"));
    assertThatThrownBy(() -> serviceRegistry.register(null))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("registration");

    RegistryRegistration unbound = new RegistryRegistration("greeting-service", "greeting-9",
        "default", "127.0.0.1", Map.of());
    assertThatThrownBy(() -> serviceRegistry.register(unbound))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("not bound");
    assertThatThrownBy(() -> unbound.bindAddress(URI.create("ftp://127.0.0.1")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ftp://127.0.0.1");
    assertThatThrownBy(() -> new RegistryRegistration("bad name", "x", "default", "127.0.0.1", Map.of()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'bad name'");
  }

  @Test
  void closeDeregistersEverythingStillRegistered() {
    serviceRegistry.register(greeting(1));
    serviceRegistry.register(greeting(2));
    assertThat(registry.statuses("greeting-service")).hasSize(2);
    serviceRegistry.close();
    assertThat(registry.statuses("greeting-service")).isEmpty();
  }

  @Test
  void theRegistrationDescribesItselfAsASpringCloudServiceInstance() {
    RegistryRegistration me = greeting(3);
    assertThat(me.getServiceId()).isEqualTo("greeting-service");
    assertThat(me.getInstanceId()).isEqualTo("greeting-3");
    assertThat(me.getHost()).isEqualTo("127.0.0.1");
    assertThat(me.getPort()).isEqualTo(9003);
    assertThat(me.isSecure()).isFalse();
    assertThat(me.getUri()).isEqualTo(URI.create("http://127.0.0.1:9003"));
    assertThat(me.getScheme()).isEqualTo("http");
    assertThat(me.getMetadata()).containsExactly(Map.entry("version", "1.3"));
  }

  @Test
  void discoveryListsOnlyUpInstancesAndTheServicesOfTheStage() {
    RegistryRegistration one = greeting(1);
    RegistryRegistration two = greeting(2);
    serviceRegistry.register(one);
    serviceRegistry.register(two, Status.STARTING);
    RegistryRegistration audit = new RegistryRegistration("audit-service", "audit-1", "default",
        "127.0.0.1", Map.of());
    audit.bindAddress(URI.create("https://127.0.0.1"));
    serviceRegistry.register(audit);

    RegistryDiscoveryClient discovery = new RegistryDiscoveryClient(client, 0);
    List<ServiceInstance> instances = discovery.getInstances("greeting-service");
    assertThat(instances).extracting(ServiceInstance::getInstanceId).containsExactly("greeting-1");
    ServiceInstance first = instances.get(0);
    assertThat(first.getServiceId()).isEqualTo("greeting-service");
    assertThat(first.getHost()).isEqualTo("127.0.0.1");
    assertThat(first.getPort()).isEqualTo(9001);
    assertThat(first.getUri()).isEqualTo(URI.create("http://127.0.0.1:9001"));
    assertThat(first.getMetadata()).containsExactly(Map.entry("version", "1.1"));
    ServiceInstance secure = discovery.getInstances("audit-service").get(0);
    assertThat(secure.isSecure()).isTrue();
    assertThat(secure.getPort()).isEqualTo(443);
    assertThat(discovery.getInstances("nobody")).isEmpty();
    assertThat(discovery.getServices()).containsExactly("audit-service", "greeting-service");

    RegistryReactiveDiscoveryClient reactive = new RegistryReactiveDiscoveryClient(client, 0);
    assertThat(reactive.getInstances("greeting-service").collectList().block(Duration.ofSeconds(5)))
        .extracting(ServiceInstance::getInstanceId).containsExactly("greeting-1");
    assertThat(reactive.getServices().collectList().block(Duration.ofSeconds(5)))
        .containsExactly("audit-service", "greeting-service");
  }
}
