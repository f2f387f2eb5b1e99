package dev.registry.client.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.registry.client.InlineRegistryClient;
import dev.registry.client.Registration;
import dev.registry.client.RegistryClient;
import dev.registry.client.ServiceInstance;
import dev.registry.client.Status;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * The S3 registry through the public API, against s3proxy: registration, discovery,
 * round-robin, graceful close, a crash, status; what a second client sees and when; what a
 * stage read costs. Each test uses its own prefix of one bucket.
 */
class S3RegistryTest {
  private static final S3Proxy S3 = S3Proxy.shared();
  private static String bucket;
  private static RequestLog relay;
  private final List<AutoCloseable> closing = new ArrayList<>();

  @BeforeAll
  static void bucket() throws Exception {
    bucket = S3.newBucket("registry-test");
    relay = new RequestLog(S3.endpoint());
  }

  @AfterAll
  static void stopRelay() throws Exception {
    relay.close();
  }

  @AfterEach
  void closeClients() throws Exception {
    for (AutoCloseable c : closing) {
      c.close();
    }
  }

  /** The registry URL of this test's own prefix, through the counting relay. */
  private static String url(TestInfo test) {
    return "s3://" + bucket + "/" + test.getTestMethod().orElseThrow().getName()
        + "?endpoint=" + relay.endpoint();
  }

  private RegistryClient.Builder builder(TestInfo test) {
    return RegistryClient.builder().registryUrls(url(test)).stage("prod").shutdownHook(false);
  }

  private <T extends AutoCloseable> T closing(T client) {
    closing.add(client);
    return client;
  }

  private static ServiceInstance instance(String service, String id, int port) {
    return ServiceInstance.builder(service).id(id)
        .address(URI.create("http://10.0.0." + port + ":8080")).metadata("version", "1.4.2").build();
  }

  @Test
  void registeredInstancesAreDiscoveredAndChosenInTurn(TestInfo test) {
    RegistryClient writer = closing(builder(test).build());
    writer.register(instance("payment-service", "p1", 1));
    writer.register(instance("payment-service", "p2", 2));
    RegistryClient reader = closing(builder(test).build());

    assertThat(reader.instances("payment-service")).extracting(ServiceInstance::id)
        .containsExactly("p1", "p2");
    assertThat(reader.instances("payment-service").get(0).metadata()).containsEntry("version", "1.4.2");
    Set<String> chosen = new HashSet<>();
    for (int i = 0; i < 4; i++) {
      chosen.add(reader.choose("payment-service").id());
    }
    assertThat(chosen).containsExactlyInAnyOrder("p1", "p2");
  }

  @Test
  void aLookupInTheWrongStageNamesTheStagesWhereTheServiceIsRegistered(TestInfo test) {
    closing(builder(test).stage("greeting").build()).register(instance("greeting-service", "g1", 1));
    RegistryClient caller = closing(builder(test).stage("caller").build());

    assertThatThrownBy(() -> caller.choose("greeting-service"))
        .isInstanceOf(dev.registry.client.NoInstanceAvailableException.class)
        .hasMessage("No UP instance of service 'greeting-service' in stage 'caller';"
            + " it is registered in stage(s) 'greeting'");
  }

  @Test
  void aGracefulCloseRemovesTheInstanceFromTheBucket(TestInfo test) {
    RegistryClient writer = builder(test).build();
    writer.register(instance("orders", "o1", 1));
    RegistryClient reader = closing(builder(test).refreshInterval(Duration.ofMillis(500)).build());
    assertThat(reader.instances("orders")).hasSize(1);

    writer.close();

    String listing = S3.send("GET", "/" + bucket + "?list-type=2&prefix="
        + test.getTestMethod().orElseThrow().getName(), null).body();
    assertThat(listing).doesNotContain("<Key>");
    await().atMost(Duration.ofSeconds(5)).until(() -> reader.instances("orders").isEmpty());
  }

  @Test
  void aRegistrationIsSeenByASecondClientWithinOneRefresh(TestInfo test) {
    Duration refresh = Duration.ofSeconds(1);
    RegistryClient reader = closing(builder(test).refreshInterval(refresh).build());
    assertThat(reader.instances("users")).isEmpty(); // now watched: polled every refresh
    RegistryClient writer = closing(builder(test).build());

    writer.register(instance("users", "u1", 1));
    long registered = System.nanoTime();

    await().atMost(refresh.plusSeconds(2)).pollInterval(Duration.ofMillis(20))
        .until(() -> !reader.instances("users").isEmpty());
    Duration seenAfter = Duration.ofNanos(System.nanoTime() - registered);
    // One refresh interval, plus the poll's own request and a scheduling slack on a busy machine.
    assertThat(seenAfter).isLessThan(refresh.plusMillis(1500));
  }

  @Test
  void aCrashedInstanceIsGoneWithinItsTtlAndOneRefresh(TestInfo test) {
    // An inline client renews only when its due work runs: never, here. It has crashed.
    InlineRegistryClient crashed = closing(builder(test).leaseTtl(Duration.ofSeconds(2)).buildInline());
    crashed.register(instance("billing", "b1", 1));
    RegistryClient reader = closing(builder(test).refreshInterval(Duration.ofSeconds(1)).build());
    assertThat(reader.instances("billing")).hasSize(1);
    long registered = System.nanoTime();

    await().atMost(Duration.ofSeconds(8)).pollInterval(Duration.ofMillis(50))
        .until(() -> reader.instances("billing").isEmpty());
    // The TTL, the second LastModified rounds away, one refresh, and a slack for a busy machine.
    assertThat(Duration.ofNanos(System.nanoTime() - registered))
        .isLessThan(Duration.ofSeconds(2 + 1 + 1).plusMillis(1500));
  }

  @Test
  void heartbeatsKeepAnInstanceBeyondItsTtl(TestInfo test) {
    RegistryClient writer = closing(builder(test).leaseTtl(Duration.ofSeconds(1)).build());
    writer.register(instance("stock", "s1", 1));
    RegistryClient reader = closing(builder(test).refreshInterval(Duration.ofMillis(300)).build());
    List<Integer> seen = new CopyOnWriteArrayList<>();
    reader.watch("stock", view -> seen.add(view.instances().size()));

    // Four heartbeats a third of the TTL apart: the lease outlived its first TTL twice over,
    // while the reader listed the stage every 300 ms and told the listener of any change.
    await().atMost(Duration.ofSeconds(10)).until(() -> writer.stats().heartbeatsSent() >= 4
        && reader.stats().refreshes() >= 8);
    assertThat(seen).isNotEmpty().doesNotContain(0);
    assertThat(reader.instances("stock")).hasSize(1);
  }

  @Test
  void aStatusChangeIsSeenAndTheInstanceIsNoLongerChosen(TestInfo test) {
    RegistryClient writer = closing(builder(test).build());
    Registration r1 = writer.register(instance("search", "s1", 1));
    writer.register(instance("search", "s2", 2));
    RegistryClient reader = closing(builder(test).refreshInterval(Duration.ofMillis(300)).build());
    assertThat(reader.instances("search")).hasSize(2);

    r1.status(Status.OUT_OF_SERVICE);

    await().atMost(Duration.ofSeconds(5)).until(() -> reader.instances("search").stream()
        .anyMatch(i -> i.id().equals("s1") && i.status() == Status.OUT_OF_SERVICE));
    assertThat(reader.instances("search")).hasSize(2);
    for (int i = 0; i < 4; i++) {
      assertThat(reader.choose("search").id()).isEqualTo("s2");
    }
    String listing = S3.send("GET", "/" + bucket + "?list-type=2&prefix="
        + test.getTestMethod().orElseThrow().getName() + "%2Fprod%2Fsearch%2Fs1%2F", null).body();
    assertThat(listing).contains("/s1/OUT_OF_SERVICE~").doesNotContain("/s1/UP~");
  }

  @Test
  void aStageIsReadInExactlyOneRequest(TestInfo test) {
    RegistryClient writer = closing(builder(test).build());
    for (int s = 0; s < 5; s++) {
      for (int i = 0; i < 3; i++) {
        writer.register(instance("service-" + s, "i" + i, 10 * s + i));
      }
    }
    InlineRegistryClient lambda = closing(builder(test).buildInline());
    relay.clear();

    assertThat(lambda.warmUp("prod")).isEqualTo(5);
    for (int s = 0; s < 5; s++) {
      assertThat(lambda.instances("service-" + s)).hasSize(3);
      lambda.choose("service-" + s);
    }

    assertThat(relay.requests()).containsExactly("GET /" + bucket + "?list-type=2&prefix="
        + test.getTestMethod().orElseThrow().getName() + "%2Fprod%2F HTTP/1.1");
  }

  @Test
  void anInstanceTooLargeForAKeyIsReadFromItsObjectOnce(TestInfo test) {
    RegistryClient writer = closing(builder(test).build());
    ServiceInstance.Builder big = ServiceInstance.builder("reports").id("r1")
        .address(URI.create("http://10.0.0.1:8080"));
    for (int i = 0; i < 4; i++) {
      big.metadata("note-" + i, "x".repeat(300));
    }
    writer.register(big.build());
    writer.register(instance("reports", "r2", 2));
    InlineRegistryClient reader = closing(builder(test).refreshInterval(Duration.ofMillis(1)).buildInline());
    relay.clear();

    assertThat(reader.instances("reports")).extracting(i -> i.metadata().size()).containsExactly(4, 1);
    assertThat(relay.requests()).hasSize(2); // the listing, then r1's object
    relay.clear();
    reader.runDueWork(Duration.ofSeconds(5));
    assertThat(reader.instances("reports").get(0).metadata()).containsEntry("note-3", "x".repeat(300));
    // Listings only (the due work's, and the lookup's of a view older than 1 ms): r1's object is
    // unchanged, so it is not read again.
    assertThat(relay.requests()).isNotEmpty().allMatch(r -> r.contains("?list-type=2&"));
  }
}
