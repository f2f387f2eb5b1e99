package dev.registry.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registry.client.SeedRegistry;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.client.RestClient;

/**
 * The adapter against a registry that speaks only the plain seed API ({@link SeedRegistry}):
 * no ids, statuses, long-polls or catalog. An application registers, becomes ready although the
 * registry holds no status (it sends none after the first refusal), is found and called by name,
 * and leaves the registry when it closes.
 */
class SeedEndToEndTest {
  @StartStop final MockWebServer server = new MockWebServer();
  final SeedRegistry seed = new SeedRegistry();

  ConfigurableApplicationContext start(SpringApplicationBuilder builder, String... properties) {
    return builder
        .properties("registry.urls=" + server.url("/"), "registry.host=127.0.0.1",
            "registry.propagation-wait=0ms", "spring.main.banner-mode=off")
        .properties(properties)
        .run();
  }

  @Test
  void anApplicationRegistersIsCalledByNameAndLeavesTheSeedRegistry() {
    server.setDispatcher(seed);
    ConfigurableApplicationContext greeting = start(new SpringApplicationBuilder(Apps.Greeting.class),
        "spring.application.name=greeting-service", "registry.instance-id=greeting-1", "server.port=0");
    String address = "http://127.0.0.1:" + ((WebServerApplicationContext) greeting).getWebServer().getPort();
    assertThat(seed.addresses("greeting-service")).containsExactly(address);

    try (ConfigurableApplicationContext caller = start(
        new SpringApplicationBuilder(Apps.Caller.class).web(WebApplicationType.NONE),
        "spring.application.name=caller", "spring.cloud.discovery.reactive.enabled=false")) {
      RegistryDiscoveryClient discovery = caller.getBean(RegistryDiscoveryClient.class);
      assertThat(discovery.getServices()).containsExactly("greeting-service");
      assertThat(discovery.getInstances("greeting-service")).singleElement()
          .satisfies(i -> assertThat(i.getUri().toString()).isEqualTo(address));
      RestClient rest = caller.getBean(RestClient.Builder.class).build();
      assertThat(rest.get().uri("http://greeting-service/greeting").retrieve().body(String.class))
          .isEqualTo("hello from greeting-1");

      greeting.close();

      assertThat(seed.addresses("greeting-service")).isEmpty();
      // One try at UP, answered 404; neither a second nor OUT_OF_SERVICE at shutdown.
      assertThat(seed.requests("/status")).hasSize(1);
      assertThat(seed.requests("/deregister")).singleElement()
          .satisfies(r -> assertThat(SeedRegistry.body(r)).containsEntry("address", address));
    }
  }
}
