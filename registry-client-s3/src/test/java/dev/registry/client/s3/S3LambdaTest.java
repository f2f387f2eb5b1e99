package dev.registry.client.s3;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.CloudFormationCustomResourceEvent;
import dev.registry.client.InlineRegistryClient;
import dev.registry.client.RegistryClient;
import dev.registry.client.ServiceInstance;
import dev.registry.client.lambda.Discovery;
import dev.registry.client.lambda.DiscoveryRequestHandler;
import dev.registry.client.lambda.LambdaRegistry;
import dev.registry.client.lambda.LambdaSettings;
import dev.registry.client.lambda.RegistrationResource;
import dev.registry.client.lambda.TestContext;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Lambda adapter on the S3 registry: the handler wrapper warms a container with the stage's
 * registry in one request and makes none at warm invocations; the CloudFormation custom resource
 * registers an endpoint in the bucket and its Delete removes it. Requests counted by the relay
 * in front of s3proxy.
 */
class S3LambdaTest {
  private static final S3Proxy S3 = S3Proxy.shared();
  private static String bucket;
  private static RequestLog relay;
  private static RegistryClient writer;
  private LambdaRegistry lambda;

  @BeforeAll
  static void registry() throws Exception {
    bucket = S3.newBucket("lambda");
    relay = new RequestLog(S3.endpoint());
    writer = RegistryClient.builder().registryUrls(url(S3.endpoint())).stage("prod")
        .shutdownHook(false).build();
    writer.register(ServiceInstance.builder("payment-service").id("p1")
        .address(URI.create("http://10.0.0.1:8080")).build());
    writer.register(ServiceInstance.builder("user-service").id("u1")
        .address(URI.create("http://10.0.0.2:8080")).build());
  }

  @AfterAll
  static void close() throws Exception {
    writer.close();
    relay.close();
  }

  @AfterEach
  void closeLambda() {
    if (lambda != null) {
      lambda.close();
    }
  }

  private static String url(URI endpoint) {
    return "s3://" + bucket + "/registry?endpoint=" + endpoint;
  }

  /** The settings of a function: every default, through the relay. */
  private static LambdaSettings settings(String service, URI address) {
    return new LambdaSettings(List.of(URI.create(url(relay.endpoint()))), null,
        Duration.ofSeconds(30), Duration.ofSeconds(5), Duration.ofSeconds(5), true, service,
        address, null, Duration.ofMinutes(15), null, null, false, null, null, false);
  }

  /** The user's function: the addresses of the two services it calls. */
  static final class Orders extends DiscoveryRequestHandler<String, String> {
    Orders(LambdaRegistry registry) {
      super(registry);
    }

    @Override
    protected String handleRequest(String input, Context context, Discovery discovery) {
      return discovery.choose("payment-service").address() + " " + discovery.choose("user-service").address();
    }
  }

  @Test
  void aColdContainerReadsItsStageInOneRequestAndWarmInvocationsMakeNone() {
    lambda = LambdaRegistry.create(settings(null, null));
    Orders function = new Orders(lambda);
    relay.clear();

    assertThat(function.handleRequest("{}", TestContext.alias("prod")))
        .isEqualTo("http://10.0.0.1:8080 http://10.0.0.2:8080");
    assertThat(relay.requests()).containsExactly(
        "GET /" + bucket + "?list-type=2&prefix=registry%2Fprod%2F HTTP/1.1");

    relay.clear();
    for (int i = 0; i < 5; i++) {
      function.handleRequest("{}", TestContext.alias("prod"));
    }
    assertThat(relay.requests()).isEmpty();
  }

  @Test
  void aFunctionRegistersItselfAtItsFirstInvocationOnly() {
    lambda = LambdaRegistry.create(settings("orders", URI.create("https://orders.example.test/prod")));
    Orders function = new Orders(lambda);
    relay.clear();

    function.handleRequest("{}", TestContext.alias("prod"));
    function.handleRequest("{}", TestContext.alias("prod"));

    assertThat(relay.requests()).hasSize(2)
        .anySatisfy(r -> assertThat(r).startsWith("GET /" + bucket + "?list-type=2"))
        .anySatisfy(r -> assertThat(r).startsWith("PUT /" + bucket + "/registry/prod/orders/orders/UP~900~"));
    try (InlineRegistryClient reader = RegistryClient.builder().registryUrls(url(S3.endpoint()))
        .stage("prod").buildInline()) {
      assertThat(reader.instances("orders")).singleElement()
          .satisfies(i -> assertThat(i.address()).isEqualTo(URI.create("https://orders.example.test/prod")));
      assertThat(reader.deregister(reader.instances("orders").get(0))).isTrue();
    }
  }

  @Test
  void theCustomResourceRegistersTheEndpointInTheBucketAndItsDeleteRemovesIt() throws Exception {
    try (MockWebServer cloudFormation = new MockWebServer();
        InlineRegistryClient reader = RegistryClient.builder().registryUrls(url(S3.endpoint()))
            .stage("prod").refreshInterval(Duration.ofMillis(1)).buildInline()) {
      cloudFormation.start();
      RegistrationResource resource = new RegistrationResource(settings(null, null));
      Map<String, Object> properties = new HashMap<>();
      properties.put("ServiceName", "checkout");
      properties.put("Address", "https://checkout.example.test/prod");
      properties.put("Stage", "prod");
      properties.put("Metadata", Map.of("version", "2.0.0"));

      String created = answer(resource, cloudFormation, event(cloudFormation, "Create", properties));
      assertThat(created).contains("\"Status\":\"SUCCESS\"")
          .contains("\"PhysicalResourceId\":\"checkout:prod:CheckoutRegistration\"");
      assertThat(reader.instances("checkout")).singleElement().satisfies(i -> {
        assertThat(i.address()).isEqualTo(URI.create("https://checkout.example.test/prod"));
        assertThat(i.metadata()).containsEntry("version", "2.0.0");
      });

      CloudFormationCustomResourceEvent delete = event(cloudFormation, "Delete", properties);
      delete.setPhysicalResourceId("checkout:prod:CheckoutRegistration");
      String deleted = answer(resource, cloudFormation, delete);
      assertThat(deleted).contains("\"Status\":\"SUCCESS\"").doesNotContain("Reason");
      assertThat(reader.instances("checkout")).isEmpty();
      assertThat(S3.send("GET", "/" + bucket + "?list-type=2&prefix=registry%2Fprod%2Fcheckout%2F", null)
          .body()).doesNotContain("<Key>");
    }
  }

  private static CloudFormationCustomResourceEvent event(MockWebServer cloudFormation, String type,
      Map<String, Object> properties) {
    CloudFormationCustomResourceEvent event = new CloudFormationCustomResourceEvent();
    event.setRequestType(type);
    event.setResponseUrl(cloudFormation.url("/response?X-Amz-Signature=abc").toString());
    event.setStackId("arn:aws:cloudformation:eu-west-1:123456789012:stack/shop/guid");
    event.setRequestId("request-" + type);
    event.setLogicalResourceId("CheckoutRegistration");
    event.setResourceType("Custom::ServiceRegistration");
    event.setResourceProperties(properties);
    return event;
  }

  /** Handles the event and returns what was PUT to the ResponseURL. */
  private static String answer(RegistrationResource resource, MockWebServer cloudFormation,
      CloudFormationCustomResourceEvent event) throws InterruptedException {
    cloudFormation.enqueue(new MockResponse.Builder().code(200).build());
    resource.handleRequest(event, TestContext.alias("prod"));
    RecordedRequest put = cloudFormation.takeRequest(5, TimeUnit.SECONDS);
    assertThat(put).as("CloudFormation was answered").isNotNull();
    return put.getBody().string(StandardCharsets.UTF_8);
  }
}
