package dev.registry.client.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.registry.client.spi.TransportRequest;
import java.net.URI;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The watch stream against a real one-member etcd. */
class WatchStreamTest {
  static final Duration TIMEOUT = Duration.ofSeconds(5);
  static final Duration LONG_IDLE = Duration.ofSeconds(30);

  @RegisterExtension static final EtcdCluster etcd = EtcdCluster.members(1);
  static final Streams streams = new Streams(java.util.List.of(), TIMEOUT, 8L << 20);

  final String prefix = "/watch/" + UUID.randomUUID() + "/";
  final TestTransport transport = new TestTransport();
  final Gateway gateway = new Gateway(new Members(etcd.clientUrls()), transport, null);
  final RecordingWatch recording = new RecordingWatch();
  WatchStream stream;

  @AfterEach
  void close() {
    if (stream != null) {
      stream.close();
    }
  }

  @Test
  void changesFromARevisionComeInOrderAndANewStreamFromPastTheLastOneMissesNothingAndRepeatsNothing() {
    long a = gateway.put(prefix + "a", "1", 0, TIMEOUT);
    long b = gateway.put(prefix + "b", "2", 0, TIMEOUT);
    gateway.put("/elsewhere/" + UUID.randomUUID(), "x", 0, TIMEOUT);
    gateway.delete(prefix + "a", TIMEOUT);
    long deleted = gateway.range(prefix, TIMEOUT).revision();

    stream = WatchStream.open(gateway, streams, prefix, a, TIMEOUT, LONG_IDLE, recording);
    await().atMost(TIMEOUT).until(() -> recording.heard.size() >= 4);
    assertThat(recording.heard).containsExactly(
        "created", "put " + prefix + "a 1 @" + a, "put " + prefix + "b 2 @" + b, "delete " + prefix + "a @" + deleted);
    stream.close();

    long c = gateway.put(prefix + "c", "3", 0, TIMEOUT);
    RecordingWatch resumed = new RecordingWatch();
    stream = WatchStream.open(gateway, streams, prefix, recording.lastRevision() + 1, TIMEOUT, LONG_IDLE, resumed);
    long d = gateway.put(prefix + "d", "4", 0, TIMEOUT);

    await().atMost(TIMEOUT).until(() -> resumed.heard.size() >= 3);
    assertThat(resumed.heard).containsExactly("created", "put " + prefix + "c 3 @" + c, "put " + prefix + "d 4 @" + d);
  }

  @Test
  void aWatchFromACompactedRevisionSaysSoAndEnds() throws Exception {
    long first = gateway.put(prefix + "k", "1", 0, TIMEOUT);
    long second = gateway.put(prefix + "k", "2", 0, TIMEOUT);
    assertThat(transport.send(new TransportRequest("POST", URI.create(etcd.clientUrls().get(0) + "/v3/kv/compaction"),
        "{\"revision\":\"" + second + "\"}", TIMEOUT)).code()).isEqualTo(200);

    stream = WatchStream.open(gateway, streams, prefix, first, TIMEOUT, LONG_IDLE, recording);

    await().atMost(TIMEOUT).until(() -> recording.heard.contains("compacted @" + second));
    assertThat(recording.heard).containsExactly("created", "compacted @" + second);
  }

  @Test
  void aStreamThatHearsNothingForItsIdleTimeEndsAsIdle() {
    long now = gateway.range(prefix, TIMEOUT).revision();

    stream = WatchStream.open(gateway, streams, prefix, now + 1, TIMEOUT, Duration.ofMillis(300), recording);

    await().atMost(TIMEOUT).until(() -> recording.heard.contains("idle"));
    assertThat(recording.heard).containsExactly("created", "idle");
  }

  @Test
  void aStreamToAMemberThatIsGoneFails() throws Exception {
    URI dead = URI.create("http://127.0.0.1:" + GatewayTest.unusedPort());
    Gateway toDead = new Gateway(new Members(java.util.List.of(dead)), transport, null);

    stream = WatchStream.open(toDead, streams, prefix, 1, TIMEOUT, LONG_IDLE, recording);

    await().atMost(TIMEOUT).until(() -> !recording.heard.isEmpty());
    assertThat(recording.heard).singleElement().asString()
        .startsWith("failed RegistryUnavailableException: etcd watch at " + dead + "/v3/watch failed");
  }
}
