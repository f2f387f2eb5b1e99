package dev.registry.client.lambda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.CloudFormationCustomResourceEvent;
import dev.registry.client.InlineRegistryClient;
import dev.registry.client.RegistryClient;
import dev.registry.client.ServiceInstance;
import dev.registry.server.RegistryServer;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The CloudFormation custom resource against the real reference registry, answering through a
 * MockWebServer that stands in for the pre-signed ResponseURL.
 */
class RegistrationResourceTest {
  @StartStop final MockWebServer cloudFormation = new MockWebServer();
  final RegistryServer server = RegistryServer.builder().host("127.0.0.1").port(0).build().start();
  final LambdaSettings settings = new LambdaSettings(List.of(server.uri()), null,
      Duration.ofSeconds(30), Duration.ofSeconds(5), Duration.ofMillis(300), true, null, null, null,
      Duration.ofMinutes(30), null, null, false, null, null, false);
  final RegistrationResource resource = new RegistrationResource(settings);
  final InlineRegistryClient reader = RegistryClient.builder().registryUris(List.of(server.uri()))
      .refreshInterval(Duration.ofMillis(1)).buildInline();

  @AfterEach
  void tearDown() {
    reader.close();
    server.close();
  }

  CloudFormationCustomResourceEvent event(String type, Map<String, Object> properties) {
    CloudFormationCustomResourceEvent event = new CloudFormationCustomResourceEvent();
    event.setRequestType(type);
    event.setResponseUrl(cloudFormation.url("/cloudformation-custom-resource-response-euwest1/"
        + "arn%3Aaws%3Acloudformation?X-Amz-Signature=abc").toString());
    event.setStackId("arn:aws:cloudformation:eu-west-1:123456789012:stack/orders/guid");
    event.setRequestId("request-" + type);
    event.setLogicalResourceId("OrdersRegistration");
    event.setResourceType("Custom::ServiceRegistration");
    event.setResourceProperties(properties);
    return event;
  }

  static Map<String, Object> orders(String address) {
    Map<String, Object> p = new HashMap<>();
    p.put("ServiceToken", "arn:aws:lambda:eu-west-1:123456789012:function:registration");
    p.put("ServiceName", "orders");
    p.put("Address", address);
    p.put("Stage", "prod");
    p.put("Metadata", Map.of("version", "1.4.2"));
    return p;
  }

  /** Handles the event and returns what was PUT to the ResponseURL. */
  RecordedRequest handle(CloudFormationCustomResourceEvent event, int remainingMillis)
      throws InterruptedException {
    cloudFormation.enqueue(new MockResponse.Builder().code(200).build());
    resource.handleRequest(event, new TestContext(
        "arn:aws:lambda:eu-west-1:123456789012:function:registration", remainingMillis));
    RecordedRequest put = cloudFormation.takeRequest(5, TimeUnit.SECONDS);
    assertThat(put).as("CloudFormation was answered").isNotNull();
    return put;
  }

  RecordedRequest handle(CloudFormationCustomResourceEvent event) throws InterruptedException {
    return handle(event, 30_000);
  }

  List<ServiceInstance> registered() {
    return reader.inStage("prod").instances("orders");
  }

  @Test
  void createRegistersTheEndpointAndAnswersSuccess() throws Exception {
    RecordedRequest put = handle(event("Create", orders("https://orders.example.test/prod")));

    assertThat(put.getMethod()).isEqualTo("PUT");
    assertThat(put.getTarget()).endsWith("arn%3Aaws%3Acloudformation?X-Amz-Signature=abc");
    assertThat(put.getHeaders().get("Content-Type")).isNullOrEmpty();
    assertThat(put.getBody().utf8()).isEqualTo("{\"Status\":\"SUCCESS\","
        + "\"PhysicalResourceId\":\"orders:prod:OrdersRegistration\","
        + "\"StackId\":\"arn:aws:cloudformation:eu-west-1:123456789012:stack/orders/guid\","
        + "\"RequestId\":\"request-Create\",\"LogicalResourceId\":\"OrdersRegistration\","
        + "\"Data\":{\"ServiceName\":\"orders\",\"Stage\":\"prod\","
        + "\"InstanceId\":\"OrdersRegistration\",\"Address\":\"https://orders.example.test/prod\"}}");
    assertThat(registered()).singleElement().satisfies(i -> {
      assertThat(i.address()).isEqualTo(URI.create("https://orders.example.test/prod"));
      assertThat(i.metadata()).containsEntry("version", "1.4.2");
    });
  }

  @Test
  void updateMovesTheEndpointAndDeleteRemovesIt() throws Exception {
    handle(event("Create", orders("https://orders.example.test/v1")));

    CloudFormationCustomResourceEvent update = event("Update", orders("https://orders.example.test/v2"));
    update.setPhysicalResourceId("orders:prod:OrdersRegistration");
    update.setOldResourceProperties(orders("https://orders.example.test/v1"));
    assertThat(handle(update).getBody().utf8()).contains("\"Status\":\"SUCCESS\"");
    assertThat(registered()).extracting(ServiceInstance::address)
        .containsExactly(URI.create("https://orders.example.test/v2"));

    CloudFormationCustomResourceEvent delete = event("Delete", orders("https://orders.example.test/v2"));
    delete.setPhysicalResourceId("orders:prod:OrdersRegistration");
    assertThat(handle(delete).getBody().utf8())
        .contains("\"Status\":\"SUCCESS\"", "\"PhysicalResourceId\":\"orders:prod:OrdersRegistration\"");
    assertThat(registered()).isEmpty();
  }

  @Test
  void invalidPropertiesAnswerFailedWithAReason() throws Exception {
    Map<String, Object> noName = orders("https://orders.example.test");
    noName.remove("ServiceName");
    Map<String, Object> badAddress = orders("ftp://orders");

    assertThat(handle(event("Create", noName)).getBody().utf8())
        .contains("\"Status\":\"FAILED\"", "\"Reason\":\"Invalid properties: ServiceName is required\"",
            "\"PhysicalResourceId\":\"registration-OrdersRegistration-request-Create\"");
    assertThat(handle(event("Create", badAddress)).getBody().utf8())
        .contains("\"Status\":\"FAILED\"", "ftp://orders");
    assertThat(registered()).isEmpty();
  }

  @Test
  void anUnreachableRegistryFailsACreateButNotADelete() throws Exception {
    server.close();

    assertThat(handle(event("Create", orders("https://orders.example.test"))).getBody().utf8())
        .contains("\"Status\":\"FAILED\"", "\"Reason\":\"Registration of orders:prod:OrdersRegistration failed");

    CloudFormationCustomResourceEvent delete = event("Delete", orders("https://orders.example.test"));
    delete.setPhysicalResourceId("orders:prod:OrdersRegistration");
    assertThat(handle(delete).getBody().utf8())
        .contains("\"Status\":\"SUCCESS\"", "Registry unreachable, the lease of orders:prod:OrdersRegistration ends by itself");
  }

  @Test
  void deletingWhatWasNeverRegisteredSucceeds() throws Exception {
    Map<String, Object> noName = orders("https://orders.example.test");
    noName.remove("ServiceName");
    CloudFormationCustomResourceEvent failedCreate = event("Delete", noName);
    failedCreate.setPhysicalResourceId("registration-OrdersRegistration-request-Create");

    assertThat(handle(failedCreate).getBody().utf8()).contains("\"Status\":\"SUCCESS\"",
        "\"PhysicalResourceId\":\"registration-OrdersRegistration-request-Create\"");
    assertThat(handle(event("Delete", orders("https://orders.example.test"))).getBody().utf8())
        .contains("\"Status\":\"SUCCESS\"", "The registry did not hold orders:prod:OrdersRegistration");
  }

  @Test
  void anUnknownRequestTypeAndTooLittleTimeAnswerFailed() throws Exception {
    assertThat(handle(event("Rename", orders("https://orders.example.test"))).getBody().utf8())
        .contains("\"Status\":\"FAILED\"", "Unknown RequestType: Rename");
    assertThat(handle(event("Create", orders("https://orders.example.test")), 18_500).getBody().utf8())
        .contains("\"Status\":\"FAILED\"", "Not enough time left to call the registry: 18500 ms");
    assertThat(registered()).isEmpty();
  }

  @Test
  void aReasonIsEscapedAsJson() throws Exception {
    Map<String, Object> quoted = orders("https://orders.example.test");
    quoted.put("ServiceName", "bad \"name\"\n");

    String body = handle(event("Create", quoted)).getBody().utf8();

    assertThat(body).contains("bad \\\"name\\\"\\n");
  }

  @Test
  void theAnswerIsRetriedWhenTheResponseUrlFailsOnce() throws Exception {
    cloudFormation.enqueue(new MockResponse.Builder().code(503).build());

    RecordedRequest first = handle(event("Create", orders("https://orders.example.test")));
    RecordedRequest second = cloudFormation.takeRequest(5, TimeUnit.SECONDS);

    assertThat(cloudFormation.getRequestCount()).isEqualTo(2);
    assertThat(second).isNotNull();
    assertThat(second.getBody().utf8()).isEqualTo(first.getBody().utf8())
        .contains("\"Status\":\"SUCCESS\"");
  }

  @Test
  void theTimeCheckAllowsForEveryAttemptOfTheCall() throws Exception {
    // 3 attempts of 5 s, 2 s of backoff, 2 s to answer: 19 s are needed.
    assertThat(handle(event("Create", orders("https://orders.example.test")), 19_000).getBody().utf8())
        .contains("\"Status\":\"SUCCESS\"");
    assertThatThrownBy(() -> new RegistrationResource(reader, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("callBound must be > 0");
  }

  @Test
  void anUnexpectedFailureIsStillAnsweredFailed() throws Exception {
    InlineRegistryClient closed = settings.clientBuilder().buildInline();
    closed.close();
    RegistrationResource broken = new RegistrationResource(closed, Duration.ofSeconds(5));
    cloudFormation.enqueue(new MockResponse.Builder().code(200).build());

    broken.handleRequest(event("Create", orders("https://orders.example.test")),
        TestContext.alias("prod"));

    RecordedRequest put = cloudFormation.takeRequest(5, TimeUnit.SECONDS);
    assertThat(put).isNotNull();
    assertThat(put.getBody().utf8()).contains("\"Status\":\"FAILED\"",
        "\"Reason\":\"Unexpected failure: java.lang.IllegalStateException: RegistryClient is closed\"");
  }

  @Test
  void anEventWithoutResponseUrlCannotBeAnswered() {
    CloudFormationCustomResourceEvent event = event("Create", orders("https://orders.example.test"));
    event.setResponseUrl(null);

    assertThatThrownBy(() -> resource.handleRequest(event, TestContext.alias("prod")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ResponseURL is missing");
  }
}
