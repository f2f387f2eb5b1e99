package dev.registry.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.registry.client.RegistryUnavailableException;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A worker without a web server registers when it is ready (Spring Cloud's own
 * auto-registration waits for a web server that never comes) and deregisters when it closes;
 * its health and meters follow the registry.
 */
class NonWebApplicationTest {
  final Registry registry = new Registry();

  @AfterEach
  void tearDown() {
    registry.close();
  }

  ConfigurableApplicationContext worker(String... more) {
    return new SpringApplicationBuilder(Apps.Worker.class)
        .web(WebApplicationType.NONE)
        .properties("spring.application.name=billing-worker",
            "registry.urls=" + registry.url(),
            "registry.host=127.0.0.1",
            "registry.instance-id=worker-1",
            "registry.deregister-timeout=500ms",
            "registry.propagation-wait=0ms",
            "spring.main.banner-mode=off")
        .properties(more)
        .run();
  }

  @Test
  void aWorkerRegistersUpWhenReadyAtAnAddressUniqueToItAndDeregistersWhenItCloses() {
    try (ConfigurableApplicationContext worker = worker()) {
      assertThat(registry.statuses("billing-worker")).containsExactly(Map.entry("worker-1", "UP"));
      assertThat(registry.addresses("billing-worker"))
          .containsExactly(Map.entry("worker-1", "http://127.0.0.1/worker-1"));
      assertThat(worker.getBean(RegistryAutoRegistration.class).registeredStatus())
          .isEqualTo(dev.registry.client.Status.UP);
    }
    assertThat(registry.statuses("billing-worker")).isEmpty();
  }

  @Test
  void aWorkerPresentsTheRegistrysTokenAndWithoutItFailsToStartSayingSo() {
    try (Registry guarded = new Registry("s3cret")) {
      String[] settings = {"spring.application.name=billing-worker",
          "registry.urls=" + guarded.url(), "registry.host=127.0.0.1",
          "registry.instance-id=worker-1", "registry.deregister-timeout=500ms",
          "registry.propagation-wait=0ms", "spring.main.banner-mode=off"};
      try (ConfigurableApplicationContext worker = new SpringApplicationBuilder(Apps.Worker.class)
          .web(WebApplicationType.NONE).properties(settings).properties("registry.token=s3cret")
          .run()) {
        assertThat(guarded.statuses("billing-worker")).containsExactly(Map.entry("worker-1", "UP"));
      }
      assertThat(guarded.statuses("billing-worker")).isEmpty();

      assertThatThrownBy(() -> new SpringApplicationBuilder(Apps.Worker.class)
          .web(WebApplicationType.NONE).properties(settings).run().close())
          .hasStackTraceContaining("401");
    }
  }

  @Test
  void aWorkerWithAConfiguredPortRegistersThatAddress() {
    try (ConfigurableApplicationContext worker = worker("registry.port=7070")) {
      assertThat(registry.addresses("billing-worker"))
          .containsExactly(Map.entry("worker-1", "http://127.0.0.1:7070"));
    }
  }

  @Test
  void healthAndMetersFollowTheRegistry() {
    try (ConfigurableApplicationContext worker = worker()) {
      HealthIndicator health = worker.getBean("registryHealthIndicator", HealthIndicator.class);
      Health up = health.health(true);
      assertThat(up.getStatus()).isEqualTo(Status.UP);
      assertThat(up.getDetails()).containsEntry("service", "billing-worker")
          .containsEntry("instanceId", "worker-1").containsEntry("status", "UP")
          .containsEntry("stage", "default");

      // Spring Boot bound the client's meters to its registry.
      MeterRegistry meters = worker.getBean(MeterRegistry.class);
      double before = meters.get("registry.client.lookups").functionCounter().count();
      worker.getBean(DiscoveryClient.class).getInstances("billing-worker");
      assertThat(meters.get("registry.client.lookups").functionCounter().count())
          .isEqualTo(before + 1);
      assertThat(meters.get("registry.client.reachable").gauge().value()).isEqualTo(1.0);

      registry.close();
      assertThatThrownBy(() -> worker.getBean(DiscoveryClient.class).getInstances("never-seen"))
          .isInstanceOf(RegistryUnavailableException.class);
      Health away = health.health(true);
      // The registry's state is in the details and the meter, not the status: an outage of the
      // registry must not take the services down with it.
      assertThat(away.getStatus()).isEqualTo(Status.UP);
      assertThat(away.getDetails()).containsEntry("reachable", false).containsKey("error");
      assertThat(meters.get("registry.client.reachable").gauge().value()).isZero();
      assertThat(meters.get("registry.client.failures").functionCounter().count()).isPositive();
    }
  }
  @Test
  void aWorkerThatCannotReachTheRegistryFailsToStartNamingTheRegistry() {
    assertThatThrownBy(() -> worker("registry.urls=http://127.0.0.1:1"))
        .isInstanceOf(RegistryUnavailableException.class)
        .hasMessageContaining("http://127.0.0.1:1/register");
  }
}
