package dev.registry.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The data directory against a real crash: a server child process acknowledges writes, is
 * killed with SIGKILL, and a new server on the same directory holds every acknowledged one.
 */
class KillRestartTest {
  private static final int TTL_SECONDS = 20;

  @TempDir
  Path dataDir;

  @Test
  void everyAcknowledgedWriteSurvivesKillMinus9AndEachLeaseGetsOneTtlOfGrace() throws Exception {
    long configIndex = 0;
    com.fasterxml.jackson.databind.JsonNode resolved;
    com.fasterxml.jackson.databind.JsonNode history;
    Process child = startChild("--port", "0", "--data-dir", dataDir.toString());
    try {
      TestHttp http = new TestHttp(childUri(child));
      for (int i = 0; i < 1_010; i++) {
        TestHttp.Reply r = http.post("/register", "{\"service\": \"svc-" + (i % 10) + "\", \"id\": \"i-" + i
            + "\", \"address\": \"http://127.0.0.1:" + (10_000 + i) + "\", \"ttl_seconds\": " + TTL_SECONDS
            + ", \"metadata\": {\"n\": \"" + i + "\"}}");
        assertThat(r.status()).as(r.json().toString()).isEqualTo(201);
      }
      for (int i = 1_000; i < 1_010; i++) {
        assertThat(http.post("/deregister", "{\"service\": \"svc-" + (i % 10) + "\", \"id\": \"i-" + i + "\"}")
            .status()).isEqualTo(200);
      }
      for (int i = 0; i < 10; i++) {
        assertThat(http.post("/status", "{\"service\": \"svc-" + i + "\", \"id\": \"i-" + i
            + "\", \"status\": \"OUT_OF_SERVICE\"}").status()).isEqualTo(200);
      }
      // Configuration, interleaved with instance changes: 120 writes, the last ones acknowledged
      // just before the kill.
      for (int i = 0; i < 120; i++) {
        String scope = List.of("", "\"stage\": \"production\", ", "\"client\": \"acme\", ").get(i % 3);
        TestHttp.Reply r = http.post("/config/svc-0", "{" + scope + "\"set\": {\"n\": \"" + i + "\"}"
            + (i % 10 == 9 ? ", \"delete\": [\"k" + (i - 9) + "\"]" : ", \"defaults\": {\"k" + i
            + "\": {\"value\": \"d\", \"description\": \"key " + i + "\"}}") + "}");
        assertThat(r.status()).as(r.json().toString()).isEqualTo(200);
        configIndex = r.json().path("index").asLong();
      }
      resolved = http.get("/config/svc-0?stage=production&client=acme").json().path("entries");
      history = http.get("/config/svc-0/history").json().path("changes");
    } finally {
      child.destroyForcibly();  // SIGKILL, right after the last acknowledgement
    }
    assertThat(child.waitFor(20, TimeUnit.SECONDS)).isTrue();
    assertThat(child.exitValue()).isEqualTo(137);

    FakeClock clock = new FakeClock();
    try (RegistryServer restarted = RegistryServer.builder().port(0).clock(clock).dataDirectory(dataDir)
        .build().start()) {
      assertThat(instances(restarted)).hasSize(1_000);
      Instance first = restarted.registry().view("svc-0", "default").instances().stream()
          .filter(i -> i.id.equals("i-0")).findFirst().orElseThrow();
      assertThat(first.address).isEqualTo("http://127.0.0.1:10000");
      assertThat(first.status).isEqualTo(InstanceStatus.OUT_OF_SERVICE);
      assertThat(first.metadata).containsEntry("n", "0");

      TestHttp http = new TestHttp(restarted.uri());
      com.fasterxml.jackson.databind.JsonNode config = http.get("/config/svc-0?stage=production&client=acme").json();
      assertThat(config.path("index").asLong()).as("the index goes on from where it was").isEqualTo(configIndex);
      assertThat(config.path("entries")).isEqualTo(resolved);
      assertThat(config.path("entries").path("n").path("value").asText()).isEqualTo("119");
      assertThat(http.get("/config/svc-0/history").json().path("changes")).isEqualTo(history);
      assertThat(http.get("/config/svc-0/entries").json().path("entries").toString()).contains("\"description\":\"key 118\"")
          .doesNotContain("\"key\":\"k0\"");
      TestHttp.Reply next = http.post("/config/svc-0", "{\"set\": {\"after\": \"restart\"}}");
      assertThat(next.json().path("index").asLong()).isEqualTo(configIndex + 1);

      clock.advance(Duration.ofSeconds(TTL_SECONDS).minusMillis(1));
      restarted.sweep();
      assertThat(instances(restarted)).as("none expired within the grace").hasSize(1_000);

      clock.advance(Duration.ofMillis(1));
      restarted.sweep();
      assertThat(instances(restarted)).as("all expired once the grace is over, with no heartbeat").isEmpty();
    }
  }

  @Test
  void aCorruptedDataDirectoryExitsWith2NamingThePath() throws Exception {
    java.nio.file.Files.writeString(dataDir.resolve(DataDirectory.FILE), "not a database, but long enough to look like one"
        .repeat(20));

    Process child = startChild("--port", "0", "--data-dir", dataDir.toString());

    assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
    String err = new String(child.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(child.exitValue()).as(err).isEqualTo(2);
    assertThat(err).contains("error: cannot use the data directory: "
        + dataDir.resolve(DataDirectory.FILE).toAbsolutePath()).contains("not a database");
  }

  private static List<Instance> instances(RegistryServer server) {
    List<Instance> all = new ArrayList<>();
    for (ServiceView view : server.registry().allViews()) {
      all.addAll(view.instances());
    }
    return all;
  }

  private static Process startChild(String... args) throws Exception {
    String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>(List.of(
        javaBin, "-cp", System.getProperty("java.class.path"), Main.class.getName()));
    command.addAll(List.of(args));
    return new ProcessBuilder(command).start();
  }

  private static URI childUri(Process child) throws Exception {
    BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
    Pattern listening = Pattern.compile("listening on (http://127\\.0\\.0\\.1:\\d+)");
    for (String line = out.readLine(); line != null; line = out.readLine()) {
      Matcher m = listening.matcher(line);
      if (m.find()) {
        // The child logs a line per registration: read on, or its output pipe fills and it blocks.
        Thread drain = new Thread(() -> {
          try {
            while (out.readLine() != null) {
              // discarded
            }
          } catch (java.io.IOException e) {
            // the child is gone
          }
        }, "child-output");
        drain.setDaemon(true);
        drain.start();
        return URI.create(m.group(1));
      }
    }
    throw new AssertionError("the server exited without listening: "
        + new String(child.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
  }
}
