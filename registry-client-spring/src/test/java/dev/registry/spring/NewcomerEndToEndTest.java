package dev.registry.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.cloud.client.discovery.event.InstanceRegisteredEvent;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.client.RestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The example apps as a newcomer runs them, end to end against the reference server: profiles
 * that do not move the stage, a caller told where a service is when it looks in the wrong
 * stage, a registry outage that leaves the services' health UP, and the log lines that say what
 * happened.
 */
@ExtendWith(OutputCaptureExtension.class)
class NewcomerEndToEndTest {
  static final JsonMapper JSON = JsonMapper.builder().build();

  final Registry registry = new Registry();
  final List<ConfigurableApplicationContext> apps = new ArrayList<>();

  @AfterEach
  void tearDown() {
    apps.forEach(ConfigurableApplicationContext::close);
    registry.close();
  }

  ConfigurableApplicationContext start(SpringApplicationBuilder builder, String... properties) {
    ConfigurableApplicationContext context = builder
        .properties("registry.urls=" + registry.url(), "registry.host=127.0.0.1",
            "registry.propagation-wait=0ms", "registry.deregister-timeout=500ms",
            "spring.main.banner-mode=off")
        .properties(properties)
        .run();
    apps.add(context);
    return context;
  }

  ConfigurableApplicationContext greeting(String id, String... properties) {
    List<String> all = new ArrayList<>(List.of("spring.application.name=greeting-service",
        "registry.instance-id=" + id, "server.port=0",
        "management.endpoints.web.exposure.include=health",
        "management.endpoint.health.show-details=always",
        "management.endpoint.health.show-components=always",
        "management.endpoint.health.probes.enabled=true"));
    all.addAll(List.of(properties));
    return start(new SpringApplicationBuilder(Apps.Greeting.class), all.toArray(String[]::new));
  }

  ConfigurableApplicationContext caller(String... properties) {
    List<String> all = new ArrayList<>(List.of("spring.application.name=caller"));
    all.addAll(List.of(properties));
    return start(new SpringApplicationBuilder(Apps.Caller.class).web(WebApplicationType.NONE),
        all.toArray(String[]::new));
  }

  static String call(ConfigurableApplicationContext caller) {
    return caller.getBean(RestClient.Builder.class).build().get()
        .uri("http://greeting-service/greeting").retrieve().body(String.class);
  }

  static HttpResponse<String> get(ConfigurableApplicationContext app, String path) {
    int port = ((WebServerApplicationContext) app).getWebServer().getPort();
    return Registry.get("http://127.0.0.1:" + port + path);
  }

  static JsonNode health(ConfigurableApplicationContext app) {
    return JSON.readTree(get(app, "/actuator/health").body());
  }

  @Test
  void profilesDoNotMoveTheStageAndTheStartSaysWhichRegistryAndWhenTheInstanceIsUp(
      CapturedOutput output) {
    List<Object> heard = new CopyOnWriteArrayList<>();
    ApplicationListener<ApplicationEvent> listener = event -> {
      if (event instanceof InstanceRegisteredEvent<?>) {
        heard.add(event.getSource());
      }
    };
    start(new SpringApplicationBuilder(Apps.Greeting.class).listeners(listener),
        "spring.application.name=greeting-service", "registry.instance-id=greeting-1",
        "server.port=0", "spring.profiles.active=greeting");
    ConfigurableApplicationContext caller = start(new SpringApplicationBuilder(Apps.Caller.class)
        .web(WebApplicationType.NONE).listeners(listener),
        "spring.application.name=caller", "spring.profiles.active=caller");

    assertThat(registry.statuses("greeting-service", "default")).containsKey("greeting-1");
    assertThat(call(caller)).isEqualTo("hello from greeting-1");
    assertThat(output.getOut())
        .contains("Registry client for [" + registry.url() + "] in stage 'default'",
            "Registered RegistryRegistration{greeting-service greeting-1 in default at")
        .containsOnlyOnce("is now UP (was STARTING)");
    // Spring Cloud's discoveryComposite health waits for this event: after the registration,
    // and at the start of an application that only calls others.
    assertThat(heard).hasSize(2);
    assertThat(heard.get(0)).isInstanceOf(RegistryAutoRegistration.class);
    assertThat(heard.get(1)).isInstanceOf(RegistryDiscoveryReady.class);
  }

  @Test
  void aCallerInAnotherStageIsToldInTheLogWhereTheServiceIs(CapturedOutput output) {
    greeting("greeting-1", "registry.stage=greeting");
    ConfigurableApplicationContext caller = caller();

    assertThatThrownBy(() -> call(caller)).hasMessageContaining("No instances available for greeting-service");
    assertThat(output.getOut()).contains(
        "No instance of service 'greeting-service' in stage 'default'; it is registered in stage(s) 'greeting'");
  }

  @Test
  void aRegistryOutageLeavesHealthReadinessAndLivenessUpWithTheRegistrysStateInTheDetails() {
    ConfigurableApplicationContext greeting = greeting("greeting-1", "registry.lease-ttl=3s");
    ConfigurableApplicationContext strict = greeting("greeting-2", "registry.lease-ttl=3s",
        "management.health.registry.down-when-unreachable=true");
    ConfigurableApplicationContext caller = caller();
    assertThat(health(greeting).at("/components/discoveryComposite/status").asString())
        .as("registration told Spring Cloud discovery works").isEqualTo("UP");
    assertThat(health(greeting).at("/components/registry/details/reachable").asBoolean()).isTrue();
    RegistryDiscoveryClient discovery = caller.getBean(RegistryDiscoveryClient.class);
    assertThat(discovery.getInstances("greeting-service")).hasSize(2);

    String url = registry.url();
    registry.close();
    // The next heartbeat (a third of the 3 s lease) fails after its retries.
    await().atMost(Duration.ofSeconds(15)).until(() ->
        !health(greeting).at("/components/registry/details/reachable").asBoolean(true));

    HttpResponse<String> overall = get(greeting, "/actuator/health");
    assertThat(overall.statusCode()).isEqualTo(200);
    JsonNode body = JSON.readTree(overall.body());
    assertThat(body.path("status").asString()).isEqualTo("UP");
    assertThat(body.at("/components/registry/status").asString()).isEqualTo("UP");
    assertThat(body.at("/components/registry/details/error").asString()).contains(url);
    assertThat(body.at("/components/discoveryComposite/status").asString()).isEqualTo("UP");
    assertThat(get(greeting, "/actuator/health/readiness").statusCode()).isEqualTo(200);
    assertThat(get(greeting, "/actuator/health/liveness").statusCode()).isEqualTo(200);

    // Opted in: the registry's state is the status again, yet readiness and liveness stay UP.
    await().atMost(Duration.ofSeconds(15)).until(() -> get(strict, "/actuator/health").statusCode() == 503);
    assertThat(get(strict, "/actuator/health/readiness").statusCode()).isEqualTo(200);
    assertThat(get(strict, "/actuator/health/liveness").statusCode()).isEqualTo(200);
    // The caller keeps calling from its cache meanwhile.
    assertThat(discovery.getInstances("greeting-service")).hasSize(2);
  }
}
