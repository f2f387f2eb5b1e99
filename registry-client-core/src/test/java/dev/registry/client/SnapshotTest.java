package dev.registry.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.registry.server.RegistryServer;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The optional on-disk snapshot of the last good views: a cold start while the registry is down. */
class SnapshotTest {
  @TempDir Path dir;
  final List<AutoCloseable> closeables = new ArrayList<>();

  @AfterEach
  void tearDown() throws Exception {
    for (int i = closeables.size() - 1; i >= 0; i--) {
      closeables.get(i).close();
    }
  }

  RegistryServer server(int port) {
    RegistryServer s = RegistryServer.builder().host("127.0.0.1").port(port).build().start();
    closeables.add(s);
    return s;
  }

  RegistryClient client(String url, Path snapshot) {
    return client(url, snapshot, b -> {});
  }

  RegistryClient client(String url, Path snapshot, Consumer<RegistryClient.Builder> more) {
    RegistryClient c = builder(url, snapshot, more).build();
    closeables.add(c);
    return c;
  }

  /** An inline client: every lookup past the refresh interval asks the registry, on the clock. */
  InlineRegistryClient inlineClient(String url, Path snapshot, Consumer<RegistryClient.Builder> more) {
    InlineRegistryClient c = builder(url, snapshot, more).buildInline();
    closeables.add(c);
    return c;
  }

  RegistryClient.Builder builder(String url, Path snapshot, Consumer<RegistryClient.Builder> more) {
    RegistryClient.Builder b = RegistryClient.builder().registryUrls(url).shutdownHook(false)
        .retryPolicy(RetryPolicy.builder().maxAttempts(2)
            .initialBackoff(Duration.ofMillis(1)).maxBackoff(Duration.ofMillis(5)).build());
    if (snapshot != null) {
      b.snapshotFile(snapshot);
    }
    more.accept(b);
    return b;
  }

  /** A client of a registry that is down, with the snapshot and the clock, as a cold start. */
  RegistryClient coldClient(Path snapshot, FakeClock clock, Duration maxAge) {
    return client(DEAD_URL, null, b -> b.clock(clock).snapshotFile(snapshot, maxAge));
  }

  static final String DEAD_URL = "http://127.0.0.1:1";

  static String header(String savedAt) {
    return "{\"format\":\"registry-views\",\"version\":1" + savedAt + "}\n";
  }

  /** A view line without a saved_at of its own. */
  static final String OLD_STYLE_VIEW = "{\"service\":\"payment-service\",\"stage\":\"default\",\"index\":3,"
      + "\"instances\":[{\"id\":\"payment-9\",\"address\":\"http://10.0.0.9:80\",\"status\":\"UP\",\"metadata\":{}}]}\n";

  /** The reason a lookup that the snapshot could not answer carries. */
  static String suppressed(Throwable e) {
    assertThat(e.getSuppressed()).as("the reason the snapshot was not served").hasSize(1);
    return e.getSuppressed()[0].getMessage();
  }

  static ServiceInstance payment(int n) {
    return ServiceInstance.builder("payment-service").id("payment-" + n)
        .address(URI.create("http://10.0.0." + n + ":8080")).metadata("zone", "z" + n).build();
  }

  @Test
  void aClientStartingWhileTheRegistryIsDownAnswersFromTheSnapshotMarkedStale() throws Exception {
    RegistryServer server = server(0);
    String url = server.uri().toString();
    Path file = dir.resolve("views.jsonl");
    try (RegistryClient owner = RegistryClient.builder().registryUrls(url).shutdownHook(false).build()) {
      owner.register(payment(1));
      owner.register(payment(2));
      RegistryClient first = client(url, file);
      assertThat(first.instances("payment-service")).hasSize(2);
      assertThat(file).exists();
      assertThat(Files.readString(file)).contains("http://10.0.0.1:8080").contains("\"zone\":\"z2\"");
      assertThat(dir.resolve("views.jsonl.tmp")).doesNotExist();
      server.close();
    }

    RegistryClient cold = client(url, file);
    ServiceInstance chosen = cold.choose("payment-service");
    assertThat(chosen.address().toString()).startsWith("http://10.0.0.");
    assertThat(cold.inStage("default").view("payment-service").stale()).isTrue();
    assertThat(cold.instances("payment-service")).extracting(i -> i.metadata().get("zone")).containsExactlyInAnyOrder("z1", "z2");

    RegistryClient without = client(url, null);
    assertThatThrownBy(() -> without.choose("payment-service")).isInstanceOf(RegistryUnavailableException.class);
    assertThatThrownBy(() -> cold.choose("user-service")).as("a service the snapshot does not hold")
        .isInstanceOf(RegistryUnavailableException.class);
  }

  @Test
  void whenTheRegistryAnswersTheSnapshotIsNeitherReadNorKept() throws Exception {
    RegistryServer server = server(0);
    String url = server.uri().toString();
    Path file = dir.resolve("views.jsonl");
    Files.writeString(file, "{\"format\":\"registry-views\",\"version\":1,\"saved_at\":1}\n"
        + "{\"service\":\"payment-service\",\"stage\":\"default\",\"index\":3,\"instances\":[{\"id\":\"gone\","
        + "\"address\":\"http://10.6.6.6:80\",\"status\":\"UP\",\"metadata\":{}}]}\n", StandardCharsets.UTF_8);
    try (RegistryClient owner = RegistryClient.builder().registryUrls(url).shutdownHook(false).build()) {
      owner.register(payment(1));
      RegistryClient c = client(url, file);

      assertThat(c.instances("payment-service")).extracting(ServiceInstance::id).containsExactly("payment-1");
      assertThat(c.inStage("default").view("payment-service").stale()).isFalse();
      assertThat(Files.readString(file)).doesNotContain("gone").contains("payment-1");
    }
  }

  @Test
  void theRegistryComingBackReplacesTheSnapshotView() throws Exception {
    RegistryServer server = server(0);
    int port = server.port();
    String url = server.uri().toString();
    Path file = dir.resolve("views.jsonl");
    try (RegistryClient owner = RegistryClient.builder().registryUrls(url).shutdownHook(false).build()) {
      owner.register(payment(1));
      client(url, file).instances("payment-service");
    }
    server.close();
    RegistryClient cold = client(url, file);
    assertThat(cold.inStage("default").view("payment-service").stale()).isTrue();

    RegistryServer back = server(port);
    try (RegistryClient owner = RegistryClient.builder().registryUrls(back.uri().toString()).shutdownHook(false).build()) {
      owner.register(payment(3));
      // The watch may answer before the registration lands (a fresh, empty view), then again.
      await().atMost(Duration.ofSeconds(15)).until(() -> !cold.inStage("default").view("payment-service").stale()
          && cold.instances("payment-service").stream().map(ServiceInstance::id).toList().equals(List.of("payment-3")));
      assertThat(cold.instances("payment-service")).extracting(ServiceInstance::id).containsExactly("payment-3");
    }
  }

  @Test
  void anUnreadableSnapshotIsIgnoredAndAnUnwritableOneFailsNothing() throws IOException {
    Path garbage = dir.resolve("garbage.jsonl");
    Files.writeString(garbage, "{\"format\":\"registry-views\",\"version\":1,\"saved_at\":1}\n{not json\n");
    RegistryClient c = client("http://127.0.0.1:1", garbage);
    assertThatThrownBy(() -> c.choose("payment-service")).isInstanceOf(RegistryUnavailableException.class);

    RegistryServer server = server(0);
    try (RegistryClient owner = RegistryClient.builder().registryUrls(server.uri().toString()).shutdownHook(false).build()) {
      owner.register(payment(1));
      RegistryClient unwritable = client(server.uri().toString(), dir.resolve("no-such-dir").resolve("views.jsonl"));
      assertThat(unwritable.instances("payment-service")).hasSize(1);
    }
    assertThatThrownBy(() -> RegistryClient.builder().snapshotFile(null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void aViewOlderThanTheDefaultDayIsNotServedAtAColdStart() throws Exception {
    FakeClock clock = new FakeClock();
    RegistryServer server = server(0);
    String url = server.uri().toString();
    Path file = dir.resolve("views.jsonl");
    try (RegistryClient owner = RegistryClient.builder().registryUrls(url).shutdownHook(false).build()) {
      owner.register(payment(1));
      // Closed before the owner deregisters, so that the file keeps the instance.
      try (RegistryClient saving = builder(url, file, b -> b.clock(clock)).build()) {
        assertThat(saving.instances("payment-service")).hasSize(1);
      }
    }
    server.close();
    assertThat(Files.readString(file)).contains("\"saved_at\":" + clock.millis() + ",\"instances\"");

    clock.advance(Duration.ofHours(24));
    RegistryClient aDayLater = client(url, file, b -> b.clock(clock));
    assertThat(aDayLater.choose("payment-service").id()).isEqualTo("payment-1");
    assertThat(aDayLater.inStage("default").view("payment-service").stale()).isTrue();

    clock.advance(Duration.ofMillis(1));
    RegistryClient tooLate = client(url, file, b -> b.clock(clock));
    assertThatThrownBy(() -> tooLate.choose("payment-service"))
        .isInstanceOf(RegistryUnavailableException.class)
        .satisfies(e -> assertThat(suppressed(e))
            .contains("payment-service@default", file.toString(), "was saved PT24H0.001S ago",
                "longer than the snapshot's maximum age PT24H", "not served"));
    assertThatThrownBy(() -> tooLate.instances("payment-service"))
        .as("still refused at the next lookup").isInstanceOf(RegistryUnavailableException.class);
    assertThat(client(url, file, b -> b.clock(clock).snapshotFile(file, Duration.ofHours(25)))
        .choose("payment-service").id()).as("a longer maximum age serves it").isEqualTo("payment-1");
  }

  @Test
  void viewsTheRegistryKeepsConfirmingUnchangedAreSavedAgainWithTheirNewTime() throws Exception {
    FakeClock clock = new FakeClock();
    long start = clock.millis();
    RegistryServer server = server(0);
    String url = server.uri().toString();
    Path file = dir.resolve("views.jsonl");
    try (RegistryClient owner = RegistryClient.builder().registryUrls(url).shutdownHook(false).build()) {
      owner.register(payment(1));
      // Inline refresh: every lookup past the refresh interval asks the registry, on the fake clock.
      InlineRegistryClient c = inlineClient(url, file, b -> b.clock(clock)
          .snapshotFile(file, Duration.ofHours(10)));
      long index = c.inStage("default").view("payment-service").index();
      for (int hour = 1; hour <= 9; hour++) {
        clock.advance(Duration.ofHours(1));
        assertThat(c.choose("payment-service").id()).isEqualTo("payment-1");
        assertThat(c.inStage("default").view("payment-service").index()).as("unchanged").isEqualTo(index);
      }
    }
    server.close();
    long confirmed = start + Duration.ofHours(9).toMillis();
    assertThat(Files.readString(file)).contains("\"saved_at\":" + confirmed + ",\"instances\"");

    clock.advance(Duration.ofHours(3));  // 12 h after the view last changed, 3 h after its last confirmation
    assertThat(coldClient(file, clock, Duration.ofHours(10)).choose("payment-service").id())
        .isEqualTo("payment-1");
    clock.advance(Duration.ofHours(7).plusMillis(1));
    assertThatThrownBy(() -> coldClient(file, clock, Duration.ofHours(10)).choose("payment-service"))
        .isInstanceOf(RegistryUnavailableException.class)
        .satisfies(e -> assertThat(suppressed(e)).contains("was saved PT10H0.001S ago"));
  }

  @Test
  void aViewServedFromTheSnapshotKeepsItsAgeWhenTheFileIsRewritten() throws Exception {
    FakeClock clock = new FakeClock();
    long start = clock.millis();
    RegistryServer server = server(0);
    int port = server.port();
    String url = server.uri().toString();
    Path file = dir.resolve("views.jsonl");
    try (RegistryClient owner = RegistryClient.builder().registryUrls(url).shutdownHook(false).build()) {
      owner.register(payment(1));
      try (RegistryClient saving = builder(url, file, b -> b.clock(clock)).build()) {
        saving.instances("payment-service");  // closed before the owner deregisters
      }
    }
    server.close();

    clock.advance(Duration.ofHours(20));
    InlineRegistryClient cold = inlineClient(url, file, b -> b.clock(clock));
    assertThat(cold.inStage("default").view("payment-service").stale()).isTrue();
    RegistryServer back = server(port);
    try (RegistryClient owner = RegistryClient.builder().registryUrls(back.uri().toString()).shutdownHook(false).build()) {
      owner.register(ServiceInstance.builder("user-service").id("user-1")
          .address(URI.create("http://10.0.1.1:8080")).build());
      assertThat(cold.choose("user-service").id()).isEqualTo("user-1");  // rewrites the file
    }
    back.close();
    String saved = Files.readString(file);
    assertThat(saved).contains("\"service\":\"user-service\"", "\"service\":\"payment-service\"");
    assertThat(saved.lines().filter(l -> l.contains("payment-service")))
        .singleElement().asString().contains("\"saved_at\":" + start + ",");

    clock.advance(Duration.ofHours(5));  // 25 h after payment-service was confirmed, 5 h after user-service
    RegistryClient later = client(url, file, b -> b.clock(clock));
    assertThat(later.choose("user-service").id()).isEqualTo("user-1");
    assertThatThrownBy(() -> later.choose("payment-service"))
        .isInstanceOf(RegistryUnavailableException.class)
        .satisfies(e -> assertThat(suppressed(e)).contains("was saved PT25H ago"));
  }

  @Test
  void aViewSavedWithoutItsTimeIsNeverServedWhateverTheFileSays() throws IOException {
    FakeClock clock = new FakeClock();
    Path file = dir.resolve("old.jsonl");
    long twoHoursAgo = clock.millis() - Duration.ofHours(2).toMillis();
    Files.writeString(file, header(",\"saved_at\":" + twoHoursAgo) + OLD_STYLE_VIEW);
    assertThatThrownBy(() -> coldClient(file, clock, Duration.ofHours(3)).choose("payment-service"))
        .isInstanceOf(RegistryUnavailableException.class)
        .satisfies(e -> assertThat(suppressed(e)).contains("has no saved time", "not served"));

    Files.writeString(file, header("") + OLD_STYLE_VIEW);
    assertThatThrownBy(() -> coldClient(file, clock, Duration.ofDays(3650)).choose("payment-service"))
        .isInstanceOf(RegistryUnavailableException.class)
        .satisfies(e -> assertThat(suppressed(e)).contains("has no saved time", "not served"));
  }

  @Test
  void theBuilderChecksTheMaximumAge() {
    Path file = dir.resolve("views.jsonl");
    assertThatThrownBy(() -> RegistryClient.builder().snapshotFile(file, null))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("maxAge");
    assertThatThrownBy(() -> RegistryClient.builder().snapshotFile(null, Duration.ofHours(1)))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("file");
    assertThatThrownBy(() -> RegistryClient.builder().snapshotFile(file, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("snapshot maxAge must be > 0: PT0S");
    assertThatThrownBy(() -> RegistryClient.builder().snapshotFile(file, Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("snapshot maxAge must be > 0: PT-1S");
    assertThatThrownBy(() -> RegistryClient.builder().snapshotFile(file, Duration.ofDays(3651)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at most 3650 days");
    RegistryClient.builder().snapshotFile(file, Duration.ofDays(3650)).snapshotFile(file, Duration.ofMillis(1));
  }
}
