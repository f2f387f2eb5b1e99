package dev.registry.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registry.client.spi.HttpTransport;
import dev.registry.client.spi.TransportRequest;
import dev.registry.client.spi.TransportResponse;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The shutdown order of a web application: OUT_OF_SERVICE, then deregistration, then the
 * propagation wait while the web server still answers, then the web server's stop; and nothing
 * registers the instance again once it is deregistered.
 */
class ShutdownOrderTest {
  static final long PROPAGATION_WAIT_MS = 400;

  final Registry registry = new Registry();
  /** What happened, in order: the client's calls to the registry, and the probe's findings. */
  static final List<Step> steps = new CopyOnWriteArrayList<>();

  record Step(String what, long nanos) {}

  @AfterEach
  void tearDown() {
    registry.close();
    steps.clear();
  }

  /**
   * The client's transport, recording each call to the registry once it is answered: the real
   * wire (java.net.http) to the real server, with a log.
   */
  static final class RecordingTransport implements HttpTransport {
    private final HttpClient http = HttpClient.newHttpClient();

    @Override
    public CompletableFuture<TransportResponse> sendAsync(TransportRequest request) {
      HttpRequest.Builder builder = HttpRequest.newBuilder(request.uri()).timeout(request.timeout());
      if (request.body() != null) {
        builder.header("Content-Type", "application/json")
            .method(request.method(), HttpRequest.BodyPublishers.ofString(request.body()));
      } else {
        builder.method(request.method(), HttpRequest.BodyPublishers.noBody());
      }
      return http.sendAsync(builder.build(), HttpResponse.BodyHandlers.ofString())
          .thenApply(response -> {
            if (request.method().equals("POST")) {
              String body = request.body() == null ? "" : request.body();
              String status = body.contains("\"status\":\"") ? " " + body.replaceAll(
                  ".*\"status\":\"([A-Z_]+)\".*", "$1") : "";
              steps.add(new Step(request.uri().getPath() + status, System.nanoTime()));
            }
            return new TransportResponse(response.statusCode(), response.body());
          });
    }
  }

  /**
   * Stops after the registration and before the web server's graceful shutdown
   * (DEFAULT_PHASE - 1024): records what a caller would find at that moment.
   */
  static final class Probe implements SmartLifecycle {
    private final WebServerApplicationContext context;
    private final Registry registry;
    private volatile boolean running;

    Probe(WebServerApplicationContext context, Registry registry) {
      this.context = context;
      this.registry = registry;
    }

    @Override
    public void start() {
      running = true;
    }

    @Override
    public void stop() {
      running = false;
      steps.add(new Step("probe: registered=" + registry.statuses("greeting-service").keySet()
          + " web answers=" + Registry.answers(context.getWebServer().getPort()),
          System.nanoTime()));
    }

    @Override
    public boolean isRunning() {
      return running;
    }

    @Override
    public int getPhase() {
      return SmartLifecycle.DEFAULT_PHASE - 1000;
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class Recording {
    @Bean
    RegistryClientBuilderCustomizer recordingTransport() {
      return builder -> builder.transport(new RecordingTransport());
    }

    @Bean
    Probe probe(WebServerApplicationContext context) {
      return new Probe(context, ShutdownOrderTestHolder.registry);
    }
  }

  /** The probe bean reaches the test's registry through here. */
  static final class ShutdownOrderTestHolder {
    static Registry registry;
  }

  @Test
  void outOfServiceThenDeregisteredThenTheWaitWhileStillAnsweringThenTheWebServerStops() {
    ShutdownOrderTestHolder.registry = registry;
    ConfigurableApplicationContext app = new SpringApplicationBuilder(Apps.Greeting.class, Recording.class)
        .properties("spring.application.name=greeting-service",
            "registry.urls=" + registry.url(),
            "registry.host=127.0.0.1",
            "registry.instance-id=greeting-1",
            "registry.propagation-wait=" + PROPAGATION_WAIT_MS + "ms",
            // Heartbeats every 300 ms, so that some run around the shutdown.
            "registry.lease-ttl=1s", "registry.heartbeat-interval=300ms",
            "server.port=0", "spring.main.banner-mode=off")
        .run();
    int port = ((WebServerApplicationContext) app).getWebServer().getPort();
    assertThat(registry.statuses("greeting-service")).containsEntry("greeting-1", "UP");
    // The first request initializes Spring MVC; have it done before the probe's request.
    assertThat(Registry.get("http://127.0.0.1:" + port + "/greeting").body())
        .isEqualTo("hello from greeting-1");
    int startSteps = steps.size();

    app.close();

    assertThat(Registry.answers(port)).isFalse();
    List<String> all = steps.stream().map(Step::what).toList();
    List<String> lifecycle = all.stream().filter(s -> !s.equals("/heartbeat")).toList();
    assertThat(lifecycle).containsExactly(
        "/register STARTING",
        "/status UP",
        "/status OUT_OF_SERVICE",
        "/deregister",
        "probe: registered=[] web answers=true");
    // No call after the deregistration but the probe's: no heartbeat, no re-registration.
    int deregistered = all.indexOf("/deregister");
    assertThat(all.subList(deregistered + 1, all.size())).hasSize(1);
    assertThat(startSteps).isLessThan(deregistered);
    // The web server went on answering for the whole propagation wait.
    long waited = steps.get(deregistered + 1).nanos() - steps.get(deregistered).nanos();
    assertThat(TimeUnit.NANOSECONDS.toMillis(waited)).isGreaterThanOrEqualTo(PROPAGATION_WAIT_MS);
  }
}
