package dev.registry.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.registry.client.FakeClock;
import dev.registry.client.RegistryClient;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.cloud.loadbalancer.core.RoundRobinLoadBalancer;
import org.springframework.cloud.loadbalancer.support.LoadBalancerClientFactory;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientResponseException;
import org.springframework.web.client.RestTemplate;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientResponseException;

/**
 * {@code @LoadBalanced} {@code RestClient}, {@code RestTemplate} and {@code WebClient} calls go
 * through the client's balancer ({@link RegistryLoadBalancer}): its zone preference, its
 * ejection of instances that answer 503 or never answer, and its return after the ejection
 * time (the caller's client runs on a clock the test moves). The instances are small HTTP
 * servers registered over the wire with their zone.
 */
class LoadBalancerEndToEndTest {
  static final String SERVICE = "greeting-service";
  private Registry registry;
  private Instances instances;
  private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();
  private final FakeClock clock = new FakeClock();

  @BeforeEach
  void start() {
    registry = new Registry();
    instances = new Instances();
  }

  @AfterEach
  void stop() {
    contexts.forEach(ConfigurableApplicationContext::close);
    instances.close();
    registry.close();
  }

  void register(String id, String address, String zone) {
    assertThat(registry.register(SERVICE, id, address, zone == null ? Map.of() : Map.of("zone", zone)))
        .isEqualTo(201);
  }

  ConfigurableApplicationContext caller(String... properties) {
    RegistryClientBuilderCustomizer onTestClock = builder -> builder.clock(clock);
    ConfigurableApplicationContext context = new SpringApplicationBuilder(Apps.Caller.class)
        .web(WebApplicationType.NONE)
        .initializers(c -> c.getBeanFactory().registerSingleton("testClock", onTestClock))
        .properties("registry.urls=" + registry.url(), "spring.main.banner-mode=off",
            "spring.application.name=caller")
        .properties(properties)
        .run();
    contexts.add(context);
    return context;
  }

  /** Calls the service by name with one of the three load-balanced clients, 1 s read timeout. */
  static String call(ConfigurableApplicationContext caller, String kind) {
    String url = "http://" + SERVICE + "/greeting";
    try {
      return switch (kind) {
        case "RestClient" -> caller.getBean(RestClient.Builder.class).build().mutate()
            .requestFactory(jdkWithReadTimeout()).build()
            .get().uri(url).retrieve().body(String.class);
        case "RestTemplate" -> {
          RestTemplate template = caller.getBean(RestTemplate.class);
          template.setRequestFactory(jdkWithReadTimeout());
          yield template.getForObject(url, String.class);
        }
        case "WebClient" -> caller.getBean(WebClient.Builder.class).clone()
            .clientConnector(new ReactorClientHttpConnector(
                reactor.netty.http.client.HttpClient.create().responseTimeout(Duration.ofSeconds(1))))
            .build().get().uri(url).retrieve().bodyToMono(String.class).block(Duration.ofSeconds(10));
        default -> throw new IllegalArgumentException(kind);
      };
    } catch (RestClientResponseException e) {
      return "status " + e.getStatusCode().value();
    } catch (WebClientResponseException e) {
      return "status " + e.getStatusCode().value();
    } catch (RuntimeException e) {
      return RegistryCallLifecycle.failed(e).toString();
    }
  }

  static JdkClientHttpRequestFactory jdkWithReadTimeout() {
    JdkClientHttpRequestFactory factory = new JdkClientHttpRequestFactory(
        HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build());
    factory.setReadTimeout(Duration.ofSeconds(1));
    return factory;
  }

  static Map<String, Integer> calls(ConfigurableApplicationContext caller, String kind, int n) {
    Map<String, Integer> answers = new TreeMap<>();
    for (int i = 0; i < n; i++) {
      answers.merge(call(caller, kind), 1, Integer::sum);
    }
    return answers;
  }

  void awaitInstances(ConfigurableApplicationContext caller, int n) {
    RegistryClient client = caller.getBean(RegistryClient.class);
    await().atMost(Duration.ofSeconds(10)).until(() -> client.instances(SERVICE).size() == n);
  }

  @Test
  void everyLoadBalancedClientPicksThroughTheRegistryBalancerAndKeepsToItsZone() {
    register("a1", instances.answering("a1"), "zone-a");
    register("b1", instances.answering("b1"), "zone-b");
    register("b2", instances.answering("b2"), "zone-b");
    ConfigurableApplicationContext caller = caller("registry.zone=zone-a");
    awaitInstances(caller, 3);

    assertThat(caller.getBean(LoadBalancerClientFactory.class).getInstance(SERVICE))
        .isInstanceOf(RegistryLoadBalancer.class);
    for (String kind : List.of("RestClient", "RestTemplate", "WebClient")) {
      // Spring's round-robin would spread these over all three; ours keeps to zone A.
      assertThat(calls(caller, kind, 6)).as(kind).containsExactly(Map.entry("hello from a1", 6));
    }
  }

  @Test
  void theSpringSwitchKeepsSpringCloudsOwnRoundRobinWithoutZones() {
    register("a1", instances.answering("a1"), "zone-a");
    register("b1", instances.answering("b1"), "zone-b");
    register("b2", instances.answering("b2"), "zone-b");
    ConfigurableApplicationContext caller = caller("registry.zone=zone-a", "registry.load-balancer=spring");
    awaitInstances(caller, 3);

    assertThat(caller.getBean(LoadBalancerClientFactory.class).getInstance(SERVICE))
        .isInstanceOf(RoundRobinLoadBalancer.class);
    assertThat(calls(caller, "RestClient", 6)).containsExactly(Map.entry("hello from a1", 2),
        Map.entry("hello from b1", 2), Map.entry("hello from b2", 2));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"RestClient", "WebClient"})
  void anInstanceAnswering503AndOneNeverAnsweringAreEjectedAfterThreeCallsAndBackAfterTheEjectionTime(String kind) {
    register("ok1", instances.answering("ok1"), null);
    register("unavailable", instances.failing(503), null);
    register("ok2", instances.answering("ok2"), null);
    register("silent", instances.silent(), null);
    ConfigurableApplicationContext caller = caller();
    awaitInstances(caller, 4);
    RegistryClient client = caller.getBean(RegistryClient.class);

    // Round-robin: each instance gets every fourth call; the two failing ones fail their three.
    assertThat(calls(caller, kind, 12)).containsExactly(Map.entry("TIMEOUT", 3),
        Map.entry("hello from ok1", 3), Map.entry("hello from ok2", 3), Map.entry("status 503", 3));
    assertThat(client.instances(SERVICE)).filteredOn(client::isEjected)
        .extracting(dev.registry.client.ServiceInstance::id).containsExactlyInAnyOrder("unavailable", "silent");
    assertThat(calls(caller, kind, 8)).containsExactly(Map.entry("hello from ok1", 4), Map.entry("hello from ok2", 4));

    clock.advance(Duration.ofSeconds(30));

    assertThat(client.instances(SERVICE)).noneMatch(client::isEjected);
    assertThat(calls(caller, kind, 4)).containsOnlyKeys("hello from ok1", "hello from ok2", "status 503", "TIMEOUT");
  }

  @Test
  void whenTheZonesOnlyInstanceIsEjectedCallsSpillOverToTheOtherZone() {
    register("a1", instances.failing(503), "zone-a");
    register("b1", instances.answering("b1"), "zone-b");
    register("b2", instances.answering("b2"), "zone-b");
    ConfigurableApplicationContext caller = caller("registry.zone=zone-a");
    awaitInstances(caller, 3);

    assertThat(calls(caller, "WebClient", 3)).containsExactly(Map.entry("status 503", 3));
    assertThat(calls(caller, "WebClient", 10)).containsExactly(Map.entry("hello from b1", 5), Map.entry("hello from b2", 5));
  }
}
