package dev.registry.client.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The test cluster itself: members that start, lead, die, come back, and never outlive the JVM. */
class EtcdClusterTest {
  final HttpClient http = HttpClient.newHttpClient();

  @Test
  void oneMemberLeadsItselfAndKeepsWhatWasWrittenAcrossAKill() throws Exception {
    try (EtcdCluster etcd = EtcdCluster.members(1).start()) {
      EtcdCluster.Member only = etcd.members().get(0);
      assertThat(etcd.leader()).isSameAs(only);
      put(only.clientUrl(), "/k", "v1");

      only.kill();
      assertThat(only.isRunning()).isFalse();
      only.restart();

      assertThat(get(only.clientUrl(), "/k")).contains("v1");
    }
  }

  @Test
  void threeMembersElectANewLeaderWhenTheLeaderIsKilledAndTheKilledOneCatchesUp() throws Exception {
    try (EtcdCluster etcd = EtcdCluster.members(3).start()) {
      EtcdCluster.Member leader = etcd.leader();
      leader.kill();

      await().atMost(Duration.ofSeconds(10)).until(etcd::currentLeader, l -> l.isPresent() && l.get() != leader);
      EtcdCluster.Member follower = etcd.follower();
      put(follower.clientUrl(), "/while-down", "written");
      leader.restart();

      assertThat(get(leader.clientUrl(), "/while-down")).contains("written");
      assertThat(etcd.clientUrls("etcd")).hasSize(3).allSatisfy(u -> assertThat(u.getScheme()).isEqualTo("etcd"));
    }
  }

  @Test
  void noMemberOutlivesAKilledTestJvm() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        OneMemberUntilKilled.class.getName()).redirectErrorStream(true).start();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
      String line = out.readLine();
      assertThat(line).as("the child's first line").startsWith("etcd pid ");
      long pid = Long.parseLong(line.substring("etcd pid ".length()));
      assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).contains(true);

      child.destroyForcibly(); // SIGKILL: no shutdown hook runs
      assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();

      await().atMost(Duration.ofSeconds(10))
          .until(() -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), alive -> !alive);
    } finally {
      child.destroyForcibly();
    }
  }

  /** Starts one member, prints its pid, and waits to be killed. */
  static final class OneMemberUntilKilled {
    public static void main(String[] args) throws InterruptedException {
      EtcdCluster etcd = EtcdCluster.members(1).start();
      System.out.println("etcd pid " + etcd.members().get(0).pid());
      System.out.flush();
      Thread.currentThread().join();
    }
  }

  void put(URI member, String key, String value) throws IOException, InterruptedException {
    HttpResponse<String> r = post(member, "/v3/kv/put",
        "{\"key\":\"" + b64(key) + "\",\"value\":\"" + b64(value) + "\"}");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
  }

  Optional<String> get(URI member, String key) throws IOException, InterruptedException {
    HttpResponse<String> r = post(member, "/v3/kv/range", "{\"key\":\"" + b64(key) + "\"}");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    List<String> values = java.util.regex.Pattern.compile("\"value\":\"([^\"]*)\"").matcher(r.body())
        .results().map(m -> new String(Base64.getDecoder().decode(m.group(1)), StandardCharsets.UTF_8))
        .toList();
    return values.stream().findFirst();
  }

  HttpResponse<String> post(URI member, String path, String body) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create(member + path))
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }
}
