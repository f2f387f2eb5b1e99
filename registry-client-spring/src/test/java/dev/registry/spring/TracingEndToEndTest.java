package dev.registry.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registry.server.CapturedLog;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.restclient.RestTemplateBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.cloud.client.loadbalancer.LoadBalanced;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.RestTemplate;

/**
 * Tracing end to end, in one JVM: three applications (service-a, service-b, service-c), each
 * traced by Micrometer Tracing over OpenTelemetry into one in-memory exporter. A request
 * enters A, which calls B by name through a {@code @LoadBalanced RestTemplate}, which calls C:
 * one trace id runs through all three, and the registry lookups that A and B make on the way
 * are spans of that trace, their requests to the registry carrying its trace id (found in the
 * registry's log, which here has a line for every request).
 */
class TracingEndToEndTest {
  static final InMemorySpanExporter SPANS = InMemorySpanExporter.create();
  static final AttributeKey<String> SERVICE = AttributeKey.stringKey("service");
  static final AttributeKey<String> SERVICE_NAME = AttributeKey.stringKey("service.name");

  /** One hop: answers its name, after the next hop's answer when there is a next one. */
  @SpringBootConfiguration
  @EnableAutoConfiguration
  @EnableServiceRegistration
  @Import(Hop.class)
  static class Service {
    @Bean
    SpanExporter inMemory() {
      return SPANS;
    }

    /** Built by Spring Boot's builder, which makes its calls Observations (and so spans). */
    @Bean
    @LoadBalanced
    RestTemplate loadBalanced(RestTemplateBuilder builder) {
      return builder.build();
    }
  }

  @RestController
  static class Hop {
    private final RestTemplate rest;
    private final String name;
    private final String next;

    Hop(RestTemplate rest, @Value("${spring.application.name}") String name, @Value("${hop.next:}") String next) {
      this.rest = rest;
      this.name = name;
      this.next = next;
    }

    @GetMapping("/hop")
    String hop() {
      return next.isEmpty() ? name : name + " > " + rest.getForObject("http://" + next + "/hop", String.class);
    }
  }

  final List<ConfigurableApplicationContext> apps = new ArrayList<>();
  final Registry registry = new Registry(Duration.ofNanos(1));

  @AfterEach
  void stop() {
    apps.forEach(ConfigurableApplicationContext::close);
    registry.close();
  }

  ConfigurableApplicationContext start(String name, String next) {
    ConfigurableApplicationContext app = new SpringApplicationBuilder(Service.class)
        .properties("spring.application.name=" + name, "hop.next=" + next, "server.port=0",
            "registry.urls=" + registry.url(), "registry.host=127.0.0.1",
            "registry.propagation-wait=0s", "management.tracing.sampling.probability=1.0",
            "spring.main.banner-mode=off")
        .run();
    apps.add(app);
    return app;
  }

  @Test
  void oneTraceRunsFromAThroughBToCAndHoldsTheRegistryLookupsOnTheWay() throws Exception {
    start("service-c", "");
    start("service-b", "service-c");
    ConfigurableApplicationContext a = start("service-a", "service-b");
    SPANS.reset();  // the registrations' spans: traces of their own

    int port = ((WebServerApplicationContext) a).getWebServer().getPort();
    HttpResponse<String> answer;
    List<CapturedLog.Line> discovers;
    // Attached once the applications have started: Spring Boot resets Logback when one starts.
    try (CapturedLog log = new CapturedLog()) {
      answer = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/hop")).build(),
          HttpResponse.BodyHandlers.ofString());
      discovers = log.events("request_slow").stream()
          .filter(l -> "/discover/{service}".equals(l.field("route"))).toList();
    }
    assertThat(answer.body()).isEqualTo("service-a > service-b > service-c");
    for (ConfigurableApplicationContext app : apps) {
      app.getBean(SdkTracerProvider.class).forceFlush().join(10, TimeUnit.SECONDS);
    }

    List<SpanData> spans = SPANS.getFinishedSpanItems();
    SpanData entry = spans.stream()
        .filter(s -> s.getKind() == SpanKind.SERVER && !s.getParentSpanContext().isValid())
        .filter(s -> "service-a".equals(s.getResource().getAttribute(SERVICE_NAME)))
        .findFirst().orElseThrow(() -> new AssertionError("no root span of service-a in " + spans));
    String trace = entry.getTraceId();
    List<SpanData> traced = spans.stream().filter(s -> s.getTraceId().equals(trace)).toList();

    assertThat(traced).filteredOn(s -> s.getKind() == SpanKind.SERVER)
        .extracting(s -> s.getResource().getAttribute(SERVICE_NAME))
        .containsExactlyInAnyOrder("service-a", "service-b", "service-c");
    assertThat(traced).filteredOn(s -> s.getKind() == SpanKind.CLIENT && s.getAttributes().get(SERVICE) == null)
        .extracting(s -> s.getResource().getAttribute(SERVICE_NAME))
        .containsExactlyInAnyOrder("service-a", "service-b");
    // The first lookup of each next hop is a registry call: a span of the same trace.
    assertThat(traced).filteredOn(s -> s.getName().equals("registry discover"))
        .extracting(s -> s.getResource().getAttribute(SERVICE_NAME) + " looked up " + s.getAttributes().get(SERVICE))
        .containsExactlyInAnyOrder("service-a looked up service-b", "service-b looked up service-c");
    // And the registry saw the trace id as the X-Request-Id of both lookups.
    assertThat(discovers).extracting(CapturedLog.Line::requestId).containsExactly(trace, trace);
  }
}
