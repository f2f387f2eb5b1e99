package dev.registry.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import dev.registry.client.spi.HttpTransport;
import dev.registry.client.spi.RequestIds;
import dev.registry.client.spi.TransportRequest;
import dev.registry.client.spi.TransportResponse;
import dev.registry.server.CapturedLog;
import dev.registry.server.RegistryServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Request IDs from the client: on every request (long-polls included), the caller's when the
 * source gives a valid one, named by the exception of a failed call; and, against the real
 * reference server, echoed and found in the server's log.
 */
class RequestIdTest {
  static final Pattern UUID =
      Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");

  @StartStop final MockWebServer mock = new MockWebServer();

  final ServiceInstance instance = ServiceInstance.builder("payment-service")
      .id("payment-1").address(URI.create("http://10.0.0.5:8080")).build();

  static RegistryClient.Builder builder(String url) {
    return RegistryClient.builder().registryUrls(url).shutdownHook(false)
        .retryPolicy(RetryPolicy.builder().maxAttempts(2)
            .initialBackoff(Duration.ofMillis(1)).maxBackoff(Duration.ofMillis(5)).build());
  }

  static String idOf(RecordedRequest request) {
    return request.getHeaders().get(RequestIds.HEADER);
  }

  @Test
  void everyRequestCarriesANewIdLongPollsHeartbeatsAndTheDeregistrationIncluded() {
    FakeRegistry registry = new FakeRegistry()
        .answer("/discover", FakeRegistry.view("user-service", 3, "u-1", "http://10.0.0.9:80"));
    mock.setDispatcher(registry);
    try (RegistryClient client = builder(mock.url("/").toString())
        .heartbeatInterval(Duration.ofMillis(50)).build()) {
      client.register(instance);
      client.choose("user-service");
      client.choose("user-service");
      await().atMost(Duration.ofSeconds(10)).until(() -> !registry.requests("/heartbeat").isEmpty()
          && registry.requests.stream().anyMatch(r -> r.getTarget().contains("index=")));
    }

    assertThat(registry.requests).extracting(RecordedRequest::getTarget)
        .anyMatch(t -> t.startsWith("/register")).anyMatch(t -> t.startsWith("/discover/user-service"))
        .anyMatch(t -> t.contains("index=")).anyMatch(t -> t.startsWith("/heartbeat"))
        .anyMatch(t -> t.startsWith("/deregister"));
    assertThat(registry.requests).allSatisfy(r ->
        assertThat(idOf(r)).as(r.getTarget()).matches(UUID));
    assertThat(registry.requests).extracting(RequestIdTest::idOf).doesNotHaveDuplicates();
  }

  @Test
  void theCallersIdIsSentWhenTheSourceGivesOneTheServerKeeps() {
    FakeRegistry registry = new FakeRegistry()
        .answer("/discover", FakeRegistry.view("user-service", 3, "u-1", "http://10.0.0.9:80"));
    mock.setDispatcher(registry);
    ThreadLocal<String> callersId = new ThreadLocal<>();
    try (InlineRegistryClient client = builder(mock.url("/").toString())
        .requestIdSource(callersId::get).buildInline()) {
      callersId.set("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
      client.register(instance);
      callersId.set("Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1");
      client.choose("user-service");
    }

    assertThat(registry.requests).extracting(RequestIdTest::idOf).containsExactly(
        "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
        "Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1",
        // close() runs on this thread too
        "Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "has space", "new\nline", "quote\"", "ünïcode", "toolong"})
  void anIdTheServerWouldNotKeepIsReplacedByANewOne(String given) {
    String id = given.equals("toolong") ? "a".repeat(RequestIds.MAX_LENGTH + 1) : given;
    FakeRegistry registry = new FakeRegistry();
    mock.setDispatcher(registry);
    try (InlineRegistryClient client = builder(mock.url("/").toString())
        .requestIdSource(() -> id).buildInline()) {
      client.register(instance);
    }

    assertThat(registry.requests).hasSize(2).allSatisfy(r -> assertThat(idOf(r)).matches(UUID));
  }

  @Test
  void aSourceThatGivesNullOrThrowsGetsNewIds() {
    FakeRegistry registry = new FakeRegistry();
    mock.setDispatcher(registry);
    AtomicReference<RuntimeException> failure = new AtomicReference<>();
    try (InlineRegistryClient client = builder(mock.url("/").toString())
        .requestIdSource(() -> {
          if (failure.get() != null) {
            throw failure.get();
          }
          return null;
        }).buildInline()) {
      client.register(instance);
      failure.set(new IllegalStateException("no context here"));
    }  // the deregistration asks the source, which throws

    assertThat(registry.requests).hasSize(2).allSatisfy(r -> assertThat(idOf(r)).matches(UUID));
  }

  @Test
  void aRefusedCallNamesTheIdTheRegistryEchoedAndAHostileEchoIsNotRepeated() {
    FakeRegistry registry = new FakeRegistry()
        .then("/register", refusal("echoed-by-the-registry"))
        .then("/register", refusal("x".repeat(10_000)));
    mock.setDispatcher(registry);
    try (InlineRegistryClient client = builder(mock.url("/").toString())
        .requestIdSource(() -> "sent-by-the-client").buildInline()) {
      RegistryRejectedException echoed =
          catchThrowableOfType(RegistryRejectedException.class, () -> client.register(instance));
      assertThat(echoed.requestId()).hasValue("echoed-by-the-registry");
      assertThat(echoed).hasMessageEndingWith("(request_id=echoed-by-the-registry)");

      RegistryRejectedException hostile =
          catchThrowableOfType(RegistryRejectedException.class, () -> client.register(instance));
      assertThat(hostile.requestId()).hasValue("sent-by-the-client");
      assertThat(hostile.getMessage()).doesNotContain("xxxxxxxxxx");
    }
  }

  private static MockResponse refusal(String echoedId) {
    return new MockResponse.Builder().code(400).addHeader("Content-Type", "application/json")
        .addHeader(RequestIds.HEADER, echoedId)
        .body("{\"error\":\"invalid_field\",\"message\":\"address refused\"}").build();
  }

  @Test
  void aCallThatFailsForGoodNamesItsLastAttemptsIdAnsweredOrNot() throws IOException {
    FakeRegistry registry = new FakeRegistry().answer("/register",
        FakeRegistry.json(503, "{\"error\":\"not_saved\",\"message\":\"disk full\"}"));
    mock.setDispatcher(registry);
    try (InlineRegistryClient client = builder(mock.url("/").toString()).buildInline()) {
      RegistryUnavailableException e =
          catchThrowableOfType(RegistryUnavailableException.class, () -> client.register(instance));
      assertThat(registry.requests("/register")).hasSize(2);
      assertThat(e.requestId()).hasValue(idOf(registry.requests("/register").get(1)));
    }

    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    try (InlineRegistryClient client = builder("http://127.0.0.1:" + closedPort)
        .retryPolicy(RetryPolicy.none()).requestIdSource(() -> "never-answered").buildInline()) {
      assertThatThrownBy(() -> client.choose("user-service"))
          .isInstanceOf(RegistryUnavailableException.class)
          .hasMessageEndingWith("(request_id=never-answered)")
          .satisfies(t -> assertThat(((RegistryException) t).requestId()).hasValue("never-answered"));
    }
  }

  @Test
  void theReferenceServerEchoesTheIdAndLogsTheRefusalUnderIt() {
    List<String[]> exchanges = new CopyOnWriteArrayList<>();  // {sent, echoed}
    HttpTransport recording = new Recording(new UrlConnectionTransport(RegistryClient.Builder.DEFAULT_MAX_ANSWER_BYTES), exchanges);
    ServiceInstance second = instance.toBuilder().id("payment-2").address(URI.create("http://10.0.0.6:8080")).build();
    ServiceInstance third = instance.toBuilder().id("payment-3").address(URI.create("http://10.0.0.7:8080")).build();
    try (CapturedLog log = new CapturedLog();
        RegistryServer server = RegistryServer.builder().host("127.0.0.1").port(0)
            .maxInstancesPerService(1).build().start();
        InlineRegistryClient client = builder(server.uri().toString()).transport(recording)
            .requestIdSource(() -> "checkout-7f3a").buildInline();
        InlineRegistryClient generated = builder(server.uri().toString()).buildInline()) {
      client.register(instance);
      RegistryRejectedException given =
          catchThrowableOfType(RegistryRejectedException.class, () -> client.register(second));
      RegistryRejectedException fresh =
          catchThrowableOfType(RegistryRejectedException.class, () -> generated.register(third));

      assertThat(exchanges).hasSize(2)
          .allSatisfy(x -> assertThat(x).containsExactly("checkout-7f3a", "checkout-7f3a"));
      assertThat(given.errorCode()).isEqualTo("too_many_instances");
      assertThat(given.requestId()).hasValue("checkout-7f3a");
      assertThat(fresh.requestId()).get().asString().matches(UUID);
      assertThat(log.events("instance_registered")).singleElement()
          .extracting(CapturedLog.Line::requestId).isEqualTo("checkout-7f3a");
      assertThat(log.events("write_refused"))
          .extracting(CapturedLog.Line::requestId, l -> l.field("route"), l -> l.field("error"))
          .containsExactly(
              tuple("checkout-7f3a", "/register", "too_many_instances"),
              tuple(fresh.requestId().get(), "/register", "too_many_instances"));
      assertThat(log.text()).contains("request_id=" + fresh.requestId().get());
    }
  }

  /** Hands requests on, recording each one's ID and the ID its answer echoed. */
  private record Recording(HttpTransport delegate, List<String[]> exchanges) implements HttpTransport {
    @Override
    public TransportResponse send(TransportRequest request) throws IOException {
      TransportResponse response = delegate.send(request);
      exchanges.add(new String[] {request.headers().get(RequestIds.HEADER),
          response.header(RequestIds.HEADER).orElse(null)});
      return response;
    }

    @Override
    public CompletableFuture<TransportResponse> sendAsync(TransportRequest request) {
      throw new UnsupportedOperationException("an inline client sends no asynchronous request");
    }
  }
}
