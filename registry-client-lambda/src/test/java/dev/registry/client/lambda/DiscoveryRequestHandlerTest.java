package dev.registry.client.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.Context;
import dev.registry.client.RegistryException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The handler wrappers, invoked as Lambda would with a test {@link Context}, against a
 * MockWebServer registry that counts every call.
 */
class DiscoveryRequestHandlerTest {
  @StartStop final MockWebServer server = new MockWebServer();
  final FakeRegistry registry = new FakeRegistry();
  final FakeClock clock = new FakeClock();
  LambdaRegistry lambda;

  /** The user's handler: answers the address of a payment-service instance. */
  static final class PaymentTarget extends DiscoveryRequestHandler<String, String> {
    PaymentTarget(LambdaRegistry registry) {
      super(registry);
    }

    @Override
    protected String handleRequest(String input, Context context, Discovery discovery) {
      try {
        return discovery.stage() + " " + discovery.choose("payment-service").address();
      } catch (RegistryException e) {
        return "fallback: " + e.getClass().getSimpleName();
      }
    }
  }

  @BeforeEach
  void setUp() {
    server.setDispatcher(registry);
  }

  @AfterEach
  void tearDown() {
    if (lambda != null) {
      lambda.close();
    }
  }

  LambdaSettings settings(String stage, String service, URI address) {
    return new LambdaSettings(List.of(server.url("/").uri()), stage, Duration.ofSeconds(30),
        Duration.ofMillis(500), Duration.ofMillis(500), true, service, address, null,
        Duration.ofSeconds(60), null, null, false, null, null, false);
  }

  PaymentTarget handler(LambdaSettings settings) {
    lambda = LambdaRegistry.create(settings, settings.clientBuilder().clock(clock).buildInline(), clock);
    return new PaymentTarget(lambda);
  }

  PaymentTarget handler() {
    return handler(settings(null, null, null));
  }

  @Test
  void anInstanceAtTheMetadataAddressIsNeverChosenUnlessTheSettingsAllowIt() {
    registry.answer("/catalog", FakeRegistry.json(200, "{\"stage\":\"default\",\"index\":5,"
        + "\"services\":{\"payment-service\":{\"index\":5,\"instances\":["
        + "{\"id\":\"imds\",\"address\":\"http://169.254.169.254/latest/meta-data/\"},"
        + "{\"id\":\"good\",\"address\":\"http://10.0.0.1:80\"}]}}}"));
    PaymentTarget handler = handler();
    for (int i = 0; i < 10; i++) {
      assertThat(handler.handleRequest("x", TestContext.unqualified()))
          .isEqualTo("default http://10.0.0.1:80");
    }
    lambda.close();

    LambdaSettings allowing = LambdaSettings.fromEnvironment(java.util.Map.of(
        "REGISTRY_URLS", server.url("/").toString(), "REGISTRY_ALLOW_LINK_LOCAL_ADDRESSES", "true"));
    PaymentTarget open = handler(allowing);
    java.util.Set<String> chosen = new java.util.HashSet<>();
    for (int i = 0; i < 10; i++) {
      chosen.add(open.handleRequest("x", TestContext.unqualified()));
    }
    assertThat(chosen).containsExactlyInAnyOrder("default http://10.0.0.1:80",
        "default http://169.254.169.254/latest/meta-data/");
  }

  @Test
  void theStageComesFromTheInvokedAlias() {
    registry.answer("/catalog", FakeRegistry.catalog("prod", "payment-service", "http://10.0.0.1:80"));
    PaymentTarget handler = handler();

    assertThat(handler.handleRequest("{}", TestContext.alias("prod")))
        .isEqualTo("prod http://10.0.0.1:80");
    assertThat(registry.requests("/catalog").get(0).getUrl().queryParameter("stage"))
        .isEqualTo("prod");
  }

  @Test
  void eachAliasIsWarmedUpOnceInItsOwnStage() {
    registry.answer("/catalog", FakeRegistry.catalog("prod", "payment-service", "http://10.0.0.1:80"));
    PaymentTarget handler = handler();

    handler.handleRequest("{}", TestContext.alias("prod"));
    handler.handleRequest("{}", TestContext.alias("staging"));
    handler.handleRequest("{}", TestContext.alias("prod"));
    handler.handleRequest("{}", TestContext.alias("staging"));

    assertThat(registry.requests("/catalog"))
        .extracting(r -> r.getUrl().queryParameter("stage"))
        .containsExactly("prod", "staging");
  }

  @Test
  void anUnqualifiedArnOrAVersionUsesTheDefaultStage() {
    registry.answer("/catalog", FakeRegistry.catalog("default", "payment-service", "http://10.0.0.1:80"));
    PaymentTarget handler = handler();

    assertThat(handler.handleRequest("{}", TestContext.unqualified())).startsWith("default ");
    assertThat(handler.handleRequest("{}", new TestContext(
        "arn:aws:lambda:eu-west-1:123456789012:function:orders:7", 30_000))).startsWith("default ");
  }

  @Test
  void aConfiguredStageWinsOverTheAlias() {
    registry.answer("/catalog", FakeRegistry.catalog("qa", "payment-service", "http://10.0.0.1:80"));
    PaymentTarget handler = handler(settings("qa", null, null));

    assertThat(handler.handleRequest("{}", TestContext.alias("prod"))).startsWith("qa ");
  }

  @Test
  void warmInvocationsMakeNoRegistryCall() {
    registry.answer("/catalog", FakeRegistry.catalog("prod", "payment-service", "http://10.0.0.1:80"));
    PaymentTarget handler = handler();

    handler.handleRequest("{}", TestContext.alias("prod"));
    assertThat(server.getRequestCount()).isEqualTo(1);
    for (int i = 0; i < 20; i++) {
      clock.advance(Duration.ofSeconds(1));
      assertThat(handler.handleRequest("{}", TestContext.alias("prod"))).endsWith("10.0.0.1:80");
    }

    assertThat(server.getRequestCount()).isEqualTo(1);
    assertThat(InlineThreads.running()).isFalse();
  }

  @Test
  void aViewOlderThanTheCacheTtlIsRefreshedInlineOnce() {
    registry.answer("/catalog", FakeRegistry.catalog("prod", "payment-service", "http://10.0.0.1:80"))
        .answer("/discover", FakeRegistry.view("prod", "payment-service", 9, "http://10.0.0.2:80"));
    PaymentTarget handler = handler();
    handler.handleRequest("{}", TestContext.alias("prod"));

    clock.advance(Duration.ofSeconds(30));
    assertThat(handler.handleRequest("{}", TestContext.alias("prod"))).endsWith("10.0.0.2:80");
    assertThat(handler.handleRequest("{}", TestContext.alias("prod"))).endsWith("10.0.0.2:80");

    assertThat(registry.requests("/discover/payment-service")).hasSize(1);
  }

  @Test
  void theRegistryDownAfterWarmUpStillAnswersFromTheCache() throws Exception {
    registry.answer("/catalog", FakeRegistry.catalog("prod", "payment-service", "http://10.0.0.1:80"));
    PaymentTarget handler = handler(settings(null, "orders", URI.create("https://orders.example.test")));
    handler.handleRequest("{}", TestContext.alias("prod"));
    server.close();

    clock.advance(Duration.ofMinutes(5));
    String answer = handler.handleRequest("{}", TestContext.alias("prod"));

    assertThat(answer).isEqualTo("prod http://10.0.0.1:80");
    assertThat(lambda.client().inStage("prod").view("payment-service").stale()).isTrue();
    assertThat(lambda.client().stats().heartbeatsFailed()).isEqualTo(1);
  }

  @Test
  void aHangingRegistryDelaysAnInvocationByTheBudgetAtMostThenTheCacheAnswers() {
    registry.answer("/catalog", FakeRegistry.catalog("prod", "payment-service", "http://10.0.0.1:80"));
    PaymentTarget handler = handler();
    handler.handleRequest("{}", TestContext.alias("prod"));
    registry.answer("/discover", new MockResponse.Builder()
        .headersDelay(10, TimeUnit.SECONDS).body("{}").build());

    clock.advance(Duration.ofSeconds(31));
    long start = System.nanoTime();
    String answer = handler.handleRequest("{}", TestContext.alias("prod"));

    // The request timeout and budget are 500 ms; the registry would take 10 s.
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
    assertThat(answer).isEqualTo("prod http://10.0.0.1:80");
  }

  @Test
  void theRegistryDownAtColdStartStillRunsTheHandler() throws Exception {
    server.close();
    PaymentTarget handler = handler();

    assertThat(handler.handleRequest("{}", TestContext.alias("prod")))
        .isEqualTo("fallback: RegistryUnavailableException");
  }

  @Test
  void aFailedWarmUpIsTriedAgainAfterACacheTtlNotAtEveryInvocation() {
    registry.answer("/catalog", FakeRegistry.json(503, "{\"error\":\"x\",\"message\":\"busy\"}"))
        .answer("/discover", FakeRegistry.view("prod", "payment-service", 3, "http://10.0.0.3:80"));
    PaymentTarget handler = handler();
    assertThat(handler.handleRequest("{}", TestContext.alias("prod"))).endsWith("10.0.0.3:80");

    registry.answer("/catalog", FakeRegistry.catalog("prod", "payment-service", "http://10.0.0.1:80"));
    clock.advance(Duration.ofSeconds(29));
    handler.handleRequest("{}", TestContext.alias("prod"));
    assertThat(registry.requests("/catalog")).hasSize(1);
    clock.advance(Duration.ofSeconds(1));
    handler.handleRequest("{}", TestContext.alias("prod"));
    handler.handleRequest("{}", TestContext.alias("prod"));

    assertThat(registry.requests("/catalog")).hasSize(2);
  }

  @Test
  void selfRegistrationHappensOnceAndItsLeaseIsRenewedLazilyByInvocations() {
    registry.answer("/catalog", FakeRegistry.catalog("prod", "payment-service", "http://10.0.0.1:80"));
    PaymentTarget handler = handler(settings(null, "orders", URI.create("https://orders.example.test/prod")));

    handler.handleRequest("{}", TestContext.alias("prod"));
    handler.handleRequest("{}", TestContext.alias("prod"));
    assertThat(registry.requests("/register")).hasSize(1);
    String sent = registry.requests("/register").get(0).getBody().utf8();
    assertThat(sent).contains("\"service\":\"orders\"", "\"id\":\"orders\"", "\"stage\":\"prod\"",
        "\"address\":\"https://orders.example.test/prod\"", "\"ttl_seconds\":60");

    clock.advance(Duration.ofSeconds(19));
    handler.handleRequest("{}", TestContext.alias("prod"));
    assertThat(registry.requests("/heartbeat")).isEmpty();
    clock.advance(Duration.ofSeconds(1));
    handler.handleRequest("{}", TestContext.alias("prod"));
    handler.handleRequest("{}", TestContext.alias("prod"));
    assertThat(registry.requests("/heartbeat")).hasSize(1);
    assertThat(InlineThreads.running()).isFalse();
  }

  @Test
  void aFailedSelfRegistrationIsTriedAgainAfterACacheTtlWithoutFailingTheInvocation() {
    registry.answer("/catalog", FakeRegistry.catalog("prod", "payment-service", "http://10.0.0.1:80"))
        .answer("/register", FakeRegistry.json(503, "{\"error\":\"x\",\"message\":\"busy\"}"));
    PaymentTarget handler = handler(settings(null, "orders", URI.create("https://orders.example.test")));

    assertThat(handler.handleRequest("{}", TestContext.alias("prod"))).endsWith("10.0.0.1:80");
    registry.answer("/register", FakeRegistry.json(201, "{\"status\":\"registered\",\"id\":\"orders\"}"));
    handler.handleRequest("{}", TestContext.alias("prod"));
    assertThat(registry.requests("/register")).hasSize(1);
    clock.advance(Duration.ofSeconds(30));
    handler.handleRequest("{}", TestContext.alias("prod"));
    handler.handleRequest("{}", TestContext.alias("prod"));

    assertThat(registry.requests("/register")).hasSize(2);
  }

  /** The stream wrapper: the same life, raw bytes. */
  static final class StreamTarget extends DiscoveryStreamHandler {
    StreamTarget(LambdaRegistry registry) {
      super(registry);
    }

    @Override
    protected void handleRequest(InputStream input, OutputStream output, Context context,
        Discovery discovery) throws IOException {
      String name = new String(input.readAllBytes(), StandardCharsets.UTF_8);
      output.write(discovery.choose(name).address().toString().getBytes(StandardCharsets.UTF_8));
    }
  }

  @Test
  void theStreamWrapperServesLookupsFromTheContainersCache() throws Exception {
    registry.answer("/catalog", FakeRegistry.catalog("prod", "payment-service", "http://10.0.0.1:80"));
    LambdaSettings settings = settings(null, null, null);
    lambda = LambdaRegistry.create(settings, settings.clientBuilder().clock(clock).buildInline(), clock);
    StreamTarget handler = new StreamTarget(lambda);

    for (int i = 0; i < 3; i++) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      handler.handleRequest(new ByteArrayInputStream("payment-service".getBytes(StandardCharsets.UTF_8)),
          out, TestContext.alias("prod"));
      assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("http://10.0.0.1:80");
    }
    assertThat(server.getRequestCount()).isEqualTo(1);
  }
}
