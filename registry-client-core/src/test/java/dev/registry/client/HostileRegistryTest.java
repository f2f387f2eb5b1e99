package dev.registry.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.registry.address.AddressPolicy;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A registry that hands out what no caller should be sent to (link-local and cloud metadata
 * addresses, in every notation the address policy knows), views longer than the client takes,
 * and a snapshot file larger than an answer. (Answers larger than the heap: {@link
 * LargeAnswerTest}.)
 */
class HostileRegistryTest {
  /** Every notation of a link-local or metadata address (registry-address-policy's test list). */
  static final List<String> DENIED = List.of(
      "http://169.254.169.254/latest/meta-data/", "http://169.254.0.1:80", "https://169.254.255.255",
      "http://169.254.169.254./", "http://2852039166/", "http://0xA9FEA9FE/", "http://0251.0376.0251.0376/",
      "http://0xa9.0xfe.0xa9.0xfe/", "http://169.16689662/", "http://169.254.43518/",
      "http://[fd00:ec2::254]/", "http://[FD00:0EC2:0:0:0:0:0:254]:80/", "http://[fe80::1]/", "http://[febf::1]/",
      "http://[::ffff:169.254.169.254]/", "http://[::ffff:a9fe:a9fe]/", "http://[::169.254.169.254]/",
      "http://metadata.google.internal/computeMetadata/v1/", "http://METADATA.GOOGLE.INTERNAL./",
      "http://metadata.goog/", "http://instance-data/latest/");
  static final String GOOD = "http://10.0.0.1:8080";

  @StartStop final MockWebServer mock = new MockWebServer();
  @TempDir Path dir;
  final FakeRegistry registry = new FakeRegistry();

  RegistryClient.Builder builder() {
    return RegistryClient.builder().registryUrls(mock.url("/").toString()).shutdownHook(false)
        .retryPolicy(RetryPolicy.builder().maxAttempts(2)
            .initialBackoff(Duration.ofMillis(1)).maxBackoff(Duration.ofMillis(2)).build());
  }

  /** A view of the good instance and one instance at every denied address. */
  static String[] goodAndDenied() {
    List<String> idsAndAddresses = new ArrayList<>(List.of("good", GOOD));
    for (int i = 0; i < DENIED.size(); i++) {
      idsAndAddresses.add("denied-" + i);
      idsAndAddresses.add(DENIED.get(i));
    }
    return idsAndAddresses.toArray(String[]::new);
  }

  @Test
  void instancesAtLinkLocalOrMetadataAddressesInEveryNotationAreLeftOutAndLoggedOncePerAddress() throws Exception {
    registry.answer("/discover/payment-service", FakeRegistry.view("payment-service", 4, goodAndDenied()));
    mock.setDispatcher(registry);
    FakeClock clock = new FakeClock();
    String log = capturedLog(() -> {
      try (RegistryClient background = builder().build();
          InlineRegistryClient inline = builder().clock(clock).buildInline()) {
        assertThat(background.instances("payment-service")).extracting(i -> i.address().toString())
            .containsExactly(GOOD);
        for (int i = 0; i < 1000; i++) {
          assertThat(background.choose("payment-service").address()).hasToString(GOOD);
        }
        for (int i = 0; i < 20; i++) {
          clock.advance(Duration.ofSeconds(31)); // past the refresh interval: the lookup asks again
          assertThat(inline.instances("payment-service")).extracting(in -> in.address().toString())
              .containsExactly(GOOD);
          for (int j = 0; j < 50; j++) {
            assertThat(inline.choose("payment-service").address()).hasToString(GOOD);
          }
        }
        assertThat(registry.requests("/discover/payment-service")).hasSizeGreaterThan(20);
      }
      return null;
    });
    // Once per address (the notations of 169.254.169.254 are one address) and client.
    Set<String> addresses = new HashSet<>();
    DENIED.forEach(a -> addresses.add(AddressPolicy.canonical(URI.create(a)).toString()));
    assertThat(addresses).hasSize(15);
    List<String> lines = log.lines().filter(l -> l.contains("Left out instance")).toList();
    assertThat(lines).as(log).hasSize(2 * addresses.size());
    for (String address : addresses) {
      assertThat(lines).filteredOn(l -> l.contains(" at " + address + ": ")).hasSize(2);
    }
    assertThat(log).contains("at http://169.254.169.254/latest/meta-data/: a link-local (169.254.0.0/16) address")
        .contains("at http://169.254.169.254/: a link-local") // 0xA9FEA9FE, written as what it is
        .contains("at http://[fd00:ec2::254]/: the EC2 metadata address")
        .contains("at http://metadata.google.internal/computeMetadata/v1/: a cloud metadata host name");
  }

  @Test
  void aWatchAnswerNamingAMetadataAddressLeavesItOut() {
    registry.then("/discover/payment-service", FakeRegistry.view("payment-service", 4, "good", GOOD));
    registry.then("/catalog", FakeRegistry.json(200, "{\"stage\":\"default\",\"index\":5,\"delta\":true,"
        + "\"epoch\":\"e1\",\"services\":{\"payment-service\":{\"index\":5,\"instances\":["
        + "{\"id\":\"good\",\"address\":\"" + GOOD + "\"},{\"id\":\"imds\",\"address\":\"http://0xA9FEA9FE/\"},"
        + "{\"id\":\"new\",\"address\":\"http://10.0.0.2:8080\"}]}}}"));
    mock.setDispatcher(registry);
    try (RegistryClient client = builder().build()) {
      assertThat(client.choose("payment-service").id()).isEqualTo("good");
      await().atMost(Duration.ofSeconds(5)).until(() -> client.view("payment-service").index() == 5);
      assertThat(client.instances("payment-service")).extracting(ServiceInstance::id).containsExactly("good", "new");
    }
  }

  @Test
  void allowingLinkLocalAddressesKeepsThemWrittenAsWhatTheyAre() {
    registry.answer("/discover/payment-service", FakeRegistry.view("payment-service", 4, goodAndDenied()));
    mock.setDispatcher(registry);
    try (RegistryClient client = builder().allowLinkLocalAddresses(true).build()) {
      List<ServiceInstance> instances = client.instances("payment-service");
      assertThat(instances).hasSize(1 + DENIED.size());
      assertThat(instances).extracting(i -> i.address().toString())
          .contains("http://169.254.169.254/latest/meta-data/", "http://169.254.169.254/", "http://[fe80::1]/")
          .doesNotContain("http://0xA9FEA9FE/", "http://2852039166/");
    }
  }

  @Test
  void aViewWithMoreInstancesThanTheLimitFailsAFirstLookupAndLeavesACachedViewAsItWas() {
    FakeClock clock = new FakeClock();
    registry.then("/discover/payment-service", FakeRegistry.view("payment-service", 3, "p1", GOOD));
    registry.answer("/discover/payment-service", FakeRegistry.view("payment-service", 9, many(6)));
    registry.answer("/discover/other", FakeRegistry.view("other", 9, many(6)));
    mock.setDispatcher(registry);
    try (InlineRegistryClient client = builder().clock(clock).maxInstancesPerView(5).buildInline()) {
      assertThat(client.choose("payment-service").id()).isEqualTo("p1");
      clock.advance(Duration.ofSeconds(31));
      assertThat(client.choose("payment-service").id()).isEqualTo("p1");
      assertThat(client.view("payment-service").stale()).isTrue();
      assertThat(client.view("payment-service").index()).isEqualTo(3);

      assertThatThrownBy(() -> client.choose("other"))
          .isInstanceOf(RegistryUnavailableException.class)
          .hasMessageContaining("lists 6 instances, more than the client's maxInstancesPerView (5)");
    }
  }

  @Test
  void aSnapshotFileLargerThanAnAnswerIsNotRead() throws Exception {
    Path snapshot = dir.resolve("views.json");
    StringBuilder file = new StringBuilder("{\"format\":\"registry-views\",\"version\":1,\"saved_at\":1}\n");
    String line = "{\"service\":\"payment-service\",\"stage\":\"default\",\"index\":3,\"saved_at\":"
        + System.currentTimeMillis() + ",\"instances\":[{\"id\":\"p1\",\"address\":\"" + GOOD + "\"}]}\n";
    file.append(line);
    Files.writeString(snapshot, file + " ".repeat(70_000) + "\n", StandardCharsets.UTF_8);
    String dead = "http://127.0.0.1:1";
    try (RegistryClient client = RegistryClient.builder().registryUrls(dead).shutdownHook(false)
        .retryPolicy(RetryPolicy.none()).snapshotFile(snapshot).maxAnswerBytes(65_536).build()) {
      assertThatThrownBy(() -> client.choose("payment-service")).isInstanceOf(RegistryUnavailableException.class);
    }
    Files.writeString(snapshot, file, StandardCharsets.UTF_8);
    try (RegistryClient client = RegistryClient.builder().registryUrls(dead).shutdownHook(false)
        .retryPolicy(RetryPolicy.none()).snapshotFile(snapshot).maxAnswerBytes(65_536).build()) {
      assertThat(client.choose("payment-service").id()).isEqualTo("p1");
    }
  }

  @Test
  void theLimitsAreCheckedAtOnce() {
    assertThatThrownBy(() -> RegistryClient.builder().maxAnswerBytes(65_535))
        .hasMessage("maxAnswerBytes must be >= 65536: 65535");
    assertThatThrownBy(() -> RegistryClient.builder().maxInstancesPerView(0))
        .hasMessage("maxInstancesPerView must be >= 1: 0");
  }

  static String[] many(int n) {
    List<String> idsAndAddresses = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      idsAndAddresses.add("m" + i);
      idsAndAddresses.add("http://10.1.0." + (i + 1) + ":80");
    }
    return idsAndAddresses.toArray(String[]::new);
  }

  /** What the client logs (slf4j-simple writes to System.err) while {@code action} runs. */
  static String capturedLog(Callable<?> action) throws Exception {
    PrintStream original = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      action.call();
    } finally {
      System.setErr(original);
    }
    return captured.toString(StandardCharsets.UTF_8);
  }
}
