package dev.registry.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.registry.client.etcd.EtcdCluster;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestTemplate;
import org.springframework.cloud.client.discovery.ReactiveDiscoveryClient;

/**
 * End to end: the reference server in-process; this test's application is greeting-1 on a
 * random port; greeting-2 joins; a caller calls "greeting-service" by name through a
 * {@code @LoadBalanced RestClient} and reaches both; greeting-2 closes and the caller calls
 * only greeting-1 from then on. {@link EtcdEndToEndTest} runs it once more on a real etcd member.
 */
// The registry's extension comes first, so that it stops the registry after Spring closed the
// application context (and the application deregistered).
@ExtendWith(EndToEndTest.RegistryExtension.class)
@SpringBootTest(classes = Apps.Greeting.class, webEnvironment = WebEnvironment.RANDOM_PORT,
    properties = {
        "spring.application.name=greeting-service",
        "registry.instance-id=greeting-1",
        "registry.host=127.0.0.1",
        "registry.propagation-wait=100ms",
        "spring.main.banner-mode=off"})
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class EndToEndTest {

  /** The registry of a test class so marked is one real etcd member, not the reference server. */
  @Retention(RetentionPolicy.RUNTIME)
  @Target(ElementType.TYPE)
  @interface OnEtcd {}

  /** Starts the registry before the application context and stops it after. */
  static final class RegistryExtension implements BeforeAllCallback, AfterAllCallback {
    static Registry registry;

    @Override
    public void beforeAll(ExtensionContext context) {
      registry = context.getRequiredTestClass().isAnnotationPresent(OnEtcd.class)
          ? new Registry(EtcdCluster.members(1).start()) : new Registry();
    }

    @Override
    public void afterAll(ExtensionContext context) {
      registry.close();
    }
  }

  @DynamicPropertySource
  static void registryUrl(DynamicPropertyRegistry properties) {
    properties.add("registry.urls", () -> RegistryExtension.registry.url());
  }

  @LocalServerPort
  int port;

  final List<ConfigurableApplicationContext> others = new ArrayList<>();

  @AfterEach
  void closeOthers() {
    others.forEach(ConfigurableApplicationContext::close);
  }

  ConfigurableApplicationContext start(SpringApplicationBuilder builder, String... properties) {
    ConfigurableApplicationContext context = builder
        .properties("registry.urls=" + RegistryExtension.registry.url(),
            "registry.host=127.0.0.1", "spring.main.banner-mode=off")
        .properties(properties)
        .run();
    others.add(context);
    return context;
  }

  static Map<String, Integer> call(RestClient rest, int times) {
    Map<String, Integer> answers = new TreeMap<>();
    for (int i = 0; i < times; i++) {
      String answer = rest.get().uri("http://greeting-service/greeting").retrieve().body(String.class);
      answers.merge(answer, 1, Integer::sum);
    }
    return answers;
  }

  @Test
  void aCallerReachesEveryInstanceByNameAndStopsCallingOneThatClosed() {
    Registry registry = RegistryExtension.registry;
    // greeting-1 registered itself with its random port, and is UP.
    assertThat(registry.addresses("greeting-service"))
        .containsExactly(Map.entry("greeting-1", "http://127.0.0.1:" + port));
    assertThat(registry.statuses("greeting-service")).containsExactly(Map.entry("greeting-1", "UP"));

    ConfigurableApplicationContext greeting2 = start(new SpringApplicationBuilder(Apps.Greeting.class),
        "spring.application.name=greeting-service", "registry.instance-id=greeting-2",
        "server.port=0");
    int port2 = ((WebServerApplicationContext) greeting2).getWebServer().getPort();
    assertThat(registry.statuses("greeting-service"))
        .containsOnly(Map.entry("greeting-1", "UP"), Map.entry("greeting-2", "UP"));

    // With WebClient on the classpath Spring Cloud LoadBalancer resolves names through the
    // ReactiveDiscoveryClient; a servlet-only application uses the blocking DiscoveryClient.
    ConfigurableApplicationContext caller = start(
        new SpringApplicationBuilder(Apps.Caller.class).web(WebApplicationType.NONE),
        "spring.application.name=caller");
    ConfigurableApplicationContext blockingCaller = start(
        new SpringApplicationBuilder(Apps.Caller.class).web(WebApplicationType.NONE),
        "spring.application.name=caller", "spring.cloud.discovery.reactive.enabled=false");
    assertThat(caller.getBeansOfType(RegistryReactiveDiscoveryClient.class)).hasSize(1);
    assertThat(blockingCaller.getBeanNamesForType(ReactiveDiscoveryClient.class)).isEmpty();
    RestClient rest = caller.getBean(RestClient.Builder.class).build();
    RestClient blockingRest = blockingCaller.getBean(RestClient.Builder.class).build();

    // Round-robin over both instances.
    assertThat(call(rest, 10)).containsExactly(
        Map.entry("hello from greeting-1", 5), Map.entry("hello from greeting-2", 5));
    assertThat(call(blockingRest, 4)).containsExactly(
        Map.entry("hello from greeting-1", 2), Map.entry("hello from greeting-2", 2));
    RestTemplate template = caller.getBean(RestTemplate.class);
    assertThat(List.of(
            template.getForObject("http://greeting-service/greeting", String.class),
            template.getForObject("http://greeting-service/greeting", String.class)))
        .containsExactlyInAnyOrder("hello from greeting-1", "hello from greeting-2");

    greeting2.close();
    // Deregistered before close() returned, and its web server is down.
    assertThat(registry.statuses("greeting-service")).containsExactly(Map.entry("greeting-1", "UP"));
    assertThat(Registry.answers(port2)).isFalse();
    // The callers hear of it through their long-polls, normally within greeting-2's 1 s
    // propagation wait (bounded generously here: the test machine may be loaded); from then on no
    // call goes there (one would fail, its port being closed).
    for (ConfigurableApplicationContext c : List.of(caller, blockingCaller)) {
      await().atMost(Duration.ofSeconds(10)).until(() -> c.getBean(RegistryDiscoveryClient.class)
          .getInstances("greeting-service").size() == 1);
    }
    assertThat(call(rest, 6)).containsExactly(Map.entry("hello from greeting-1", 6));
    assertThat(call(blockingRest, 4)).containsExactly(Map.entry("hello from greeting-1", 4));
    // The caller does not register itself: it has no @EnableServiceRegistration.
    assertThat(registry.statuses("caller")).isEmpty();
  }
}
