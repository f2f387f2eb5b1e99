package dev.registry.client.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registry.client.InlineRegistryClient;
import dev.registry.server.RegistryServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The function's configuration: read at the first invocation of its stage (service from the
 * function's name, stage from the alias, region from AWS_REGION), cached across invocations,
 * read again inline once older than the cache TTL, never on a thread; and a container that does
 * not ask for it loads none of its classes.
 */
class ConfigAtColdStartTest {
  /**
   * The configuration's classes, but for the room's own: the client links {@code Configs} (its
   * constructor is referenced by the lazy room's supplier) without making one.
   */
  private static final Predicate<String> CONFIG_CLASSES = name -> name.startsWith("dev.registry.client.Config")
      && !name.equals("dev.registry.client.Configs");
  private final RegistryServer server = RegistryServer.builder().host("127.0.0.1").port(0).build().start();
  private final FakeClock clock = new FakeClock();

  @AfterEach
  void stop() {
    server.close();
  }

  private void write(String body) throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create(server.uri() + "/config/orders")).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
  }

  private long configReads() throws Exception {
    String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(server.uri() + "/metrics"))
        .build(), HttpResponse.BodyHandlers.ofString()).body();
    long reads = 0;
    for (String line : metrics.split("\n")) {
      if (line.startsWith("http_server_requests_seconds_count{") && line.contains("uri=\"/config/{service}\"")
          && line.contains("method=\"GET\"")) {
        reads += (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return reads;
  }

  @Test
  void theConfigurationIsReadAtTheFirstInvocationCachedAndRefreshedInlineWithinTheCacheTtl() throws Exception {
    write("{\"set\": {\"orders.batch\": \"10\"}}");
    write("{\"stage\": \"prod\", \"region\": \"eu-west-1\", \"set\": {\"orders.batch\": \"25\"}}");
    LambdaSettings settings = LambdaSettings.fromEnvironment(Map.of("REGISTRY_URLS", server.uri().toString(),
        "REGISTRY_CONFIG", "true", "AWS_REGION", "eu-west-1", "REGISTRY_WARM_UP", "false"));
    InlineRegistryClient client = settings.clientBuilder().clock(clock).buildInline();
    try (LambdaRegistry lambda = LambdaRegistry.create(settings, client, clock)) {
      Discovery first = lambda.begin(TestContext.alias("prod"));
      long readsAtColdStart = configReads();
      assertThat(readsAtColdStart).as("read once, at the first invocation").isEqualTo(1);
      assertThat(first.config().getInt("orders.batch", 0)).as("prod in eu-west-1").isEqualTo(25);
      assertThat(first.config().region()).hasValue("eu-west-1");

      write("{\"stage\": \"prod\", \"region\": \"eu-west-1\", \"set\": {\"orders.batch\": \"50\"}}");
      clock.advance(Duration.ofSeconds(29));
      assertThat(lambda.begin(TestContext.alias("prod")).config().getInt("orders.batch", 0))
          .as("within the cache TTL: the cache, no call").isEqualTo(25);
      assertThat(configReads()).isEqualTo(readsAtColdStart);

      clock.advance(Duration.ofSeconds(1));
      assertThat(lambda.begin(TestContext.alias("prod")).config().getInt("orders.batch", 0)).isEqualTo(50);
      assertThat(configReads()).isEqualTo(readsAtColdStart + 1);

      server.close();
      clock.advance(Duration.ofSeconds(30));
      Discovery down = lambda.begin(TestContext.alias("prod"));
      assertThat(down.config().getInt("orders.batch", 0)).as("the registry down: the last one, stale").isEqualTo(50);
      assertThat(down.config().stale()).isTrue();
      assertThat(InlineThreads.running()).isFalse();
    }
  }

  @Test
  void aContainerThatDoesNotReadItsConfigurationLoadsNoneOfItsClassesAndOneThatDoesFewMore() throws Exception {
    Map<String, String> env = new HashMap<>(Map.of("REGISTRY_URLS", server.uri().toString()));

    Set<String> without = TlsColdPathTest.run(env);
    env.put("REGISTRY_CONFIG", "true");
    Set<String> with = TlsColdPathTest.run(env);

    assertThat(without).as("no configuration class without REGISTRY_CONFIG").noneMatch(CONFIG_CLASSES);
    assertThat(with).anyMatch(CONFIG_CLASSES);
    Set<String> more = new java.util.TreeSet<>(with);
    more.removeAll(without);
    System.out.println("REGISTRY_CONFIG=true loads " + more.size() + " more classes: " + more);
    assertThat(more).as("classes the configuration adds to a cold start").hasSizeLessThan(40);
  }
}
