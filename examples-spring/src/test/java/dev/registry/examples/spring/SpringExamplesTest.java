package dev.registry.examples.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.registry.examples.spring.caller.CallerApplication;
import dev.registry.examples.spring.greeting.GreetingServiceApplication;
import dev.registry.server.RegistryServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The two example applications as a user runs them, against the reference server in-process:
 * two greeting services and a caller that reaches both by name, then only the one left.
 */
class SpringExamplesTest {
  final RegistryServer registry = RegistryServer.builder().host("127.0.0.1").port(0).build().start();
  final List<ConfigurableApplicationContext> apps = new ArrayList<>();
  final HttpClient http = HttpClient.newHttpClient();

  @AfterEach
  void tearDown() {
    apps.forEach(ConfigurableApplicationContext::close);
    registry.close();
  }

  ConfigurableApplicationContext run(org.springframework.boot.SpringApplication app, String... args) {
    List<String> all = new ArrayList<>(List.of("--registry.urls=" + registry.uri(),
        "--server.port=0", "--spring.main.banner-mode=off"));
    all.addAll(List.of(args));
    ConfigurableApplicationContext context = app.run(all.toArray(String[]::new));
    apps.add(context);
    return context;
  }

  static int port(ConfigurableApplicationContext context) {
    return ((WebServerApplicationContext) context).getWebServer().getPort();
  }

  HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void theCallerReachesBothGreetingServicesByNameAndThenOnlyTheOneLeft() throws Exception {
    // Profiles for ordinary configuration, as a newcomer uses them: they do not move the stage.
    ConfigurableApplicationContext one = run(GreetingServiceApplication.application(),
        "--registry.instance-id=greeting-1", "--spring.profiles.active=greeting",
        "--registry.lease-ttl=3s");
    ConfigurableApplicationContext two = run(GreetingServiceApplication.application(),
        "--registry.instance-id=greeting-2", "--spring.profiles.active=greeting");
    ConfigurableApplicationContext caller = run(CallerApplication.application(),
        "--spring.profiles.active=caller");
    int callerPort = port(caller);

    HttpResponse<String> both = get(callerPort, "/call?times=4");
    assertThat(both.statusCode()).isEqualTo(200);
    assertThat(both.body())
        .contains("Hello from greeting-1 at port " + port(one))
        .contains("Hello from greeting-2 at port " + port(two));

    two.close();
    // The caller hears of it through its long-poll, normally within greeting-2's propagation
    // wait; bounded generously, as the test machine may be loaded.
    DiscoveryClient discovery = caller.getBean(DiscoveryClient.class);
    await().atMost(Duration.ofSeconds(10))
        .until(() -> discovery.getInstances("greeting-service").size() == 1);
    HttpResponse<String> left = get(callerPort, "/call?times=4");
    assertThat(left.statusCode()).isEqualTo(200);
    assertThat(left.body()).contains("greeting-1").doesNotContain("greeting-2");

    assertThat(get(callerPort, "/call?times=0").statusCode()).isEqualTo(400);
    // The greeting service shows its registration in its health.
    assertThat(get(port(one), "/actuator/health").body())
        .contains("\"registry\"").contains("\"instanceId\":\"greeting-1\"")
        .contains("\"status\":\"UP\"");

    // Spring Cloud's /serviceregistry endpoint reads and sets the status in the registry.
    assertThat(get(port(one), "/actuator/serviceregistry").body()).isEqualTo("UP");
    HttpResponse<String> set = http.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + port(one) + "/actuator/serviceregistry"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"status\": \"OUT_OF_SERVICE\"}")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(set.statusCode()).isEqualTo(200);
    assertThat(get(port(one), "/actuator/serviceregistry").body()).isEqualTo("OUT_OF_SERVICE");
    assertThat(http.send(HttpRequest.newBuilder(
            URI.create(registry.uri() + "/discover/greeting-service")).build(),
        HttpResponse.BodyHandlers.ofString()).body())
        .contains("\"id\":\"greeting-1\"").contains("\"status\":\"OUT_OF_SERVICE\"");

    // The registry goes away: the greeting service stays healthy, the registry's state in the
    // details (its next heartbeat, a third of its 3 s lease, finds it gone).
    registry.close();
    await().atMost(Duration.ofSeconds(15))
        .until(() -> get(port(one), "/actuator/health").body().contains("\"reachable\":false"));
    HttpResponse<String> health = get(port(one), "/actuator/health");
    assertThat(health.statusCode()).as("200: UP, not 503").isEqualTo(200);
  }
}
