package dev.registry.examples.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.registry.client.RegistryClient;
import dev.registry.client.etcd.EtcdCluster;
import dev.registry.client.ServiceInstance;
import dev.registry.client.lambda.LambdaRegistry;
import dev.registry.client.lambda.LambdaSettings;
import dev.registry.server.RegistryServer;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Lambda examples against the reference registry, in-process; the orders function (the
 * handler wrapper: warm-up, lookup, self-registration) once more against a real etcd member.
 */
class LambdaExamplesTest {
  @RegisterExtension static final EtcdCluster etcd = EtcdCluster.members(1);

  @StartStop final MockWebServer userService = new MockWebServer();
  final RegistryServer server = RegistryServer.builder().host("127.0.0.1").port(0).build().start();
  final RegistryClient admin = RegistryClient.builder().registryUrls(server.uri().toString())
      .stage("prod").shutdownHook(false).build();
  LambdaRegistry lambda;
  /** A client of the test's own, closed after the Lambda registry. */
  RegistryClient closing;

  @AfterEach
  void tearDown() {
    if (lambda != null) {
      lambda.close();
    }
    if (closing != null) {
      closing.close();
    }
    admin.close();
    server.close();
  }

  LambdaRegistry lambda(String service, URI address) {
    return lambda(List.of(server.uri()), service, address);
  }

  LambdaRegistry lambda(List<URI> registry, String service, URI address) {
    lambda = LambdaRegistry.create(new LambdaSettings(registry, null,
        Duration.ofSeconds(30), Duration.ofSeconds(2), Duration.ofMillis(500), true, service,
        address, null, Duration.ofMinutes(15), null, null, null, false, null, null, false));
    return lambda;
  }

  /** The registries the wrapper test runs against: the reference server, and etcd. */
  static List<String> registries() {
    return List.of("reference", "etcd");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("registries")
  void ordersPicksAPaymentInstanceOfItsAliasStageAndRegistersItself(String kind) {
    List<URI> registry = kind.equals("etcd") ? etcd.clientUrls("etcd") : List.of(server.uri());
    RegistryClient payments = RegistryClient.builder().registryUris(registry)
        .stage("prod").shutdownHook(false).build();
    closing = payments;
    payments.register(ServiceInstance.builder("payment-service").id("p1")
        .address(URI.create("http://127.0.0.1:9001")).build());
    OrdersFunction orders = new OrdersFunction(
        lambda(registry, "orders", URI.create("https://orders.example.test/prod")));

    Map<String, Object> answer = orders.handleRequest(Map.of("orderId", 42), new InvokedContext("prod"));

    assertThat(answer).containsEntry("orderId", 42).containsEntry("stage", "prod")
        .containsEntry("paymentService", "http://127.0.0.1:9001").containsEntry("stale", false);
    assertThat(payments.instances("orders")).extracting(ServiceInstance::address)
        .containsExactly(URI.create("https://orders.example.test/prod"));
    assertThat(orders.handleRequest(Map.of("orderId", 43), new InvokedContext("staging")))
        .containsEntry("error", "no payment-service instance is up in staging");
  }

  @Test
  void theReadmesLocalRunCallsTheHandlerWithARegistryAndAContextOfItsOwn() {
    admin.register(ServiceInstance.builder("payment-service").id("p1")
        .address(URI.create("http://127.0.0.1:9001")).build());
    LambdaRegistry registry = LambdaRegistry.create(LambdaSettings.of(server.uri()));
    lambda = registry;
    OrdersFunction orders = new OrdersFunction(registry);

    Map<String, Object> answer = orders.handleRequest(Map.of("orderId", 42), new InvokedContext("prod"));

    assertThat(answer).containsEntry("stage", "prod").containsEntry("paymentService", "http://127.0.0.1:9001");
  }

  APIGatewayV2HTTPEvent get(String rawPath, String query) {
    APIGatewayV2HTTPEvent event = new APIGatewayV2HTTPEvent();
    event.setRawPath(rawPath);
    event.setRawQueryString(query);
    event.setHeaders(Map.of("accept", "application/json", "host", "api.example.test"));
    return event;
  }

  @Test
  void theProxyRedirectsToAnInstanceOfTheService() {
    admin.register(ServiceInstance.builder("user-service").id("u1")
        .address(URI.create("http://127.0.0.1:9002/")).build());
    DiscoveryProxyFunction proxy = new DiscoveryProxyFunction(lambda(null, null), false);

    APIGatewayV2HTTPResponse response = proxy.handleRequest(get("/user-service/users/7", "x=1"),
        new InvokedContext("prod"));

    assertThat(response.getStatusCode()).isEqualTo(307);
    assertThat(response.getHeaders()).containsEntry("Location", "http://127.0.0.1:9002/users/7?x=1");
  }

  @Test
  void theProxyForwardsToAnInstanceAndAnswersWhatItAnswered() throws Exception {
    admin.register(ServiceInstance.builder("user-service").id("u1")
        .address(URI.create(userService.url("/").toString())).build());
    userService.enqueue(new MockResponse.Builder().code(200)
        .addHeader("Content-Type", "application/json").body("{\"id\":7}").build());
    DiscoveryProxyFunction proxy = new DiscoveryProxyFunction(lambda(null, null), true);

    APIGatewayV2HTTPResponse response = proxy.handleRequest(get("/user-service/users/7", null),
        new InvokedContext("prod"));

    assertThat(response.getStatusCode()).isEqualTo(200);
    assertThat(response.getBody()).isEqualTo("{\"id\":7}");
    RecordedRequest forwarded = userService.takeRequest();
    assertThat(forwarded.getTarget()).isEqualTo("/users/7");
    assertThat(forwarded.getHeaders().get("accept")).isEqualTo("application/json");
  }

  @Test
  void theProxyStopsForwardingToAnInstanceThatRefusedThreeTimesInARow() throws Exception {
    int closedPort;
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    admin.register(ServiceInstance.builder("user-service").id("u-live")
        .address(URI.create(userService.url("/").toString())).build());
    admin.register(ServiceInstance.builder("user-service").id("u-dead")
        .address(URI.create("http://127.0.0.1:" + closedPort)).build());
    for (int i = 0; i < 20; i++) {
      userService.enqueue(new MockResponse.Builder().code(200).body("{}").build());
    }
    DiscoveryProxyFunction proxy = new DiscoveryProxyFunction(lambda(null, null), true);

    Map<Integer, Integer> statuses = new java.util.TreeMap<>();
    for (int i = 0; i < 20; i++) {
      statuses.merge(proxy.handleRequest(get("/user-service/x", null), new InvokedContext("prod")).getStatusCode(),
          1, Integer::sum);
    }

    // Round-robin alternates: the dead instance is tried until its third refusal, then skipped.
    assertThat(statuses).containsExactly(Map.entry(200, 17), Map.entry(502, 3));
    assertThat(userService.getRequestCount()).isEqualTo(17);
  }

  @Test
  void theProxyAnswers503ForAServiceWithoutInstancesAnd404WithoutAService() {
    DiscoveryProxyFunction proxy = new DiscoveryProxyFunction(lambda(null, null), false);

    APIGatewayV2HTTPResponse unknown = proxy.handleRequest(get("/nobody/x", null), new InvokedContext("prod"));
    APIGatewayV2HTTPResponse bare = proxy.handleRequest(get("/", null), new InvokedContext("prod"));

    assertThat(unknown.getStatusCode()).isEqualTo(503);
    assertThat(unknown.getBody()).contains("\"error\":\"no_instance\"");
    assertThat(bare.getStatusCode()).isEqualTo(404);
  }
}
