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
    RegistryClient.Builder b = RegistryClient.builder().registryUrls(url).shutdownHook(false)
        .retryPolicy(RetryPolicy.builder().maxAttempts(2)
            .initialBackoff(Duration.ofMillis(1)).maxBackoff(Duration.ofMillis(5)).build());
    RegistryClient c = (snapshot == null ? b : b.snapshotFile(snapshot)).build();
    closeables.add(c);
    return c;
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
    assertThat(cold.view("payment-service", "default").stale()).isTrue();
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
      assertThat(c.view("payment-service", "default").stale()).isFalse();
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
    assertThat(cold.view("payment-service", "default").stale()).isTrue();

    RegistryServer back = server(port);
    try (RegistryClient owner = RegistryClient.builder().registryUrls(back.uri().toString()).shutdownHook(false).build()) {
      owner.register(payment(3));
      await().atMost(Duration.ofSeconds(15)).until(() -> !cold.view("payment-service", "default").stale());
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
}
