package dev.registry.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.registry.client.RegistryClient;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;

/**
 * Client-side ejection through Spring: a service has a live instance and one whose port refuses
 * connections (it crashed, and its lease has not run out). A caller calls the service by name
 * through a {@code @LoadBalanced RestClient}: the calls that reach the dead instance fail
 * until it has refused {@code registry.eject-after} (3 by default) in a row; then the client
 * has ejected it, and every call reaches the live one. Through the client's balancer, and
 * through Spring Cloud's own ({@code registry.load-balancer=spring}), whose {@code
 * DiscoveryClient}, blocking or reactive, leaves the ejected instance out.
 */
class EjectionEndToEndTest {
  private Registry registry;
  private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

  @BeforeEach
  void start() {
    registry = new Registry();
  }

  @AfterEach
  void stop() {
    contexts.forEach(ConfigurableApplicationContext::close);
    registry.close();
  }

  private ConfigurableApplicationContext run(SpringApplicationBuilder builder, String... properties) {
    ConfigurableApplicationContext context = builder
        .properties("registry.urls=" + registry.url(), "registry.host=127.0.0.1", "spring.main.banner-mode=off")
        .properties(properties)
        .run();
    contexts.add(context);
    return context;
  }

  @ParameterizedTest(name = "registry.load-balancer: {2}, reactive discovery: {0}, registry.eject-after: {1}")
  @CsvSource({"false, 3, round-robin", "false, 2, round-robin", "false, 3, spring", "true, 3, spring"})
  void anInstanceThatRefusesEjectAfterCallsInARowGetsNoMoreCalls(boolean reactive, int ejectAfter,
      String loadBalancer) throws Exception {
    run(new SpringApplicationBuilder(Apps.Greeting.class), "spring.application.name=greeting-service",
        "registry.instance-id=greeting-1", "server.port=0");
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    assertThat(registry.register("greeting-service", "greeting-dead", "http://127.0.0.1:" + closedPort))
        .isEqualTo(201);
    ConfigurableApplicationContext caller = run(
        new SpringApplicationBuilder(Apps.Caller.class).web(WebApplicationType.NONE),
        "spring.application.name=caller", "spring.cloud.discovery.reactive.enabled=" + reactive,
        "registry.eject-after=" + ejectAfter, "registry.load-balancer=" + loadBalancer);
    RegistryDiscoveryClient discovery = caller.getBean(RegistryDiscoveryClient.class);
    await().atMost(Duration.ofSeconds(10)).until(() -> discovery.getInstances("greeting-service").size() == 2);
    RestClient rest = caller.getBean(RestClient.Builder.class).build();

    Map<String, Integer> answers = new TreeMap<>();
    for (int i = 0; i < 30; i++) {
      String answer;
      try {
        answer = rest.get().uri("http://greeting-service/greeting").retrieve().body(String.class);
      } catch (ResourceAccessException e) {
        answer = "refused";
      }
      answers.merge(answer, 1, Integer::sum);
    }

    // Round-robin alternates, so the dead instance is tried until its ejectAfter-th refusal,
    // and never after: the other calls are all answered by the live instance.
    assertThat(answers).containsExactly(
        Map.entry("hello from greeting-1", 30 - ejectAfter), Map.entry("refused", ejectAfter));
    RegistryClient client = caller.getBean(RegistryClient.class);
    assertThat(client.instances("greeting-service"))
        .filteredOn(client::isEjected).extracting(dev.registry.client.ServiceInstance::id)
        .containsExactly("greeting-dead");
    assertThat(discovery.getInstances("greeting-service"))
        .extracting(org.springframework.cloud.client.ServiceInstance::getInstanceId)
        .containsExactly("greeting-1");
  }
}
