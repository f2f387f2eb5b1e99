package dev.registry.client.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.registry.client.RegistryRejectedException;
import dev.registry.client.RegistryUnavailableException;
import dev.registry.client.spi.HttpTransport;
import dev.registry.client.spi.RequestIds;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The JSON gateway's calls against a real one-member etcd. */
class GatewayTest {
  static final Duration TIMEOUT = Duration.ofSeconds(5);

  @RegisterExtension static final EtcdCluster etcd = EtcdCluster.members(1);

  final String prefix = "/test/" + UUID.randomUUID() + "/";
  final Gateway gateway = new Gateway(new Members(etcd.clientUrls()), new TestTransport(), null, RequestIds::generate);

  @Test
  void aLeaseIsKeptAliveUntilRevokedAndThenItsKeyIsGone() {
    long lease = gateway.grant(Duration.ofSeconds(30), TIMEOUT);
    gateway.put(prefix + "a", "{}", lease, TIMEOUT);

    assertThat(gateway.keepAlive(lease, TIMEOUT)).isEqualTo(OptionalLong.of(30));
    assertThat(gateway.revoke(lease, TIMEOUT)).isTrue();

    assertThat(gateway.keepAlive(lease, TIMEOUT)).isEmpty();
    assertThat(gateway.revoke(lease, TIMEOUT)).isFalse();
    assertThat(gateway.get(prefix + "a", TIMEOUT)).isEmpty();
    assertThatThrownBy(() -> gateway.put(prefix + "b", "{}", lease, TIMEOUT))
        .isInstanceOfSatisfying(RegistryRejectedException.class,
            e -> assertThat(e.errorCode()).isEqualTo("not_found"))
        .hasMessageContaining("requested lease not found");
  }

  @Test
  void everyCallCarriesARequestIdWhichItsFailureNames() {
    AtomicInteger calls = new AtomicInteger();
    List<String> sent = new CopyOnWriteArrayList<>();
    TestTransport transport = new TestTransport();
    HttpTransport recording = request -> {
      sent.add(request.headers().get(RequestIds.HEADER));
      return transport.sendAsync(request);
    };
    Gateway named = new Gateway(new Members(etcd.clientUrls()), recording, null,
        () -> "etcd-call-" + calls.incrementAndGet());

    long lease = named.grant(Duration.ofSeconds(30), TIMEOUT);
    named.revoke(lease, TIMEOUT);
    assertThatThrownBy(() -> named.put(prefix + "a", "{}", lease, TIMEOUT))
        .isInstanceOfSatisfying(RegistryRejectedException.class,
            e -> assertThat(e.requestId()).hasValue("etcd-call-3"))
        .hasMessageEndingWith("(request_id=etcd-call-3)");
    assertThat(sent).containsExactly("etcd-call-1", "etcd-call-2", "etcd-call-3");
  }

  @Test
  void aKeyOfALeaseThatIsNotRenewedExpires() {
    long lease = gateway.grant(Duration.ofSeconds(1), TIMEOUT);
    gateway.put(prefix + "a", "{}", lease, TIMEOUT);

    await().atMost(Duration.ofSeconds(5)).until(() -> gateway.get(prefix + "a", TIMEOUT).isEmpty());
    assertThat(gateway.keepAlive(lease, TIMEOUT)).isEmpty();
  }

  @Test
  void aPrefixRangeHoldsTheKeysUnderThePrefixOnlyWithTheirValuesRevisionsAndLeases() {
    long lease = gateway.grant(Duration.ofSeconds(30), TIMEOUT);
    long first = gateway.put(prefix + "a", "{\"n\":1}", lease, TIMEOUT);
    long second = gateway.put(prefix + "b/c", "é", 0, TIMEOUT);
    String sibling = prefix.substring(0, prefix.length() - 1);
    gateway.put(sibling, "not under", 0, TIMEOUT);
    gateway.put(sibling + "0", "not under", 0, TIMEOUT);

    Range range = gateway.range(prefix, TIMEOUT);

    assertThat(range.kvs()).containsExactly(
        new KeyValue(prefix + "a", "{\"n\":1}", first, lease),
        new KeyValue(prefix + "b/c", "é", second, 0));
    assertThat(range.revision()).isGreaterThan(second);
    assertThat(range.clusterId()).isNotEmpty();
  }

  @Test
  void aCompareAndSetOnTheLeaseWritesAndDeletesOnlyTheLeasesOwnKey() {
    long mine = gateway.grant(Duration.ofSeconds(30), TIMEOUT);
    long theirs = gateway.grant(Duration.ofSeconds(30), TIMEOUT);
    gateway.put(prefix + "a", "v1", mine, TIMEOUT);

    assertThat(gateway.putIfLease(prefix + "a", "v2", theirs, TIMEOUT)).isFalse();
    assertThat(gateway.putIfLease(prefix + "missing", "v", mine, TIMEOUT)).isFalse();
    assertThat(gateway.putIfLease(prefix + "a", "v3", mine, TIMEOUT)).isTrue();
    assertThat(gateway.get(prefix + "a", TIMEOUT)).get().extracting(KeyValue::value).isEqualTo("v3");
    assertThat(gateway.get(prefix + "missing", TIMEOUT)).isEmpty();

    assertThat(gateway.deleteIfLease(prefix + "a", theirs, TIMEOUT)).isFalse();
    assertThat(gateway.deleteIfLease(prefix + "a", mine, TIMEOUT)).isTrue();
    assertThat(gateway.delete(prefix + "a", TIMEOUT)).isFalse();
  }

  @Test
  void aDeadMemberIsUnavailableAndTheNextCallGoesToTheNextMember() throws IOException {
    URI dead = URI.create("http://127.0.0.1:" + unusedPort());
    Members members = new Members(List.of(dead, etcd.clientUrls().get(0)));
    Gateway twoMembers = new Gateway(members, new TestTransport(), null, RequestIds::generate);

    assertThatThrownBy(() -> twoMembers.range(prefix, TIMEOUT))
        .isInstanceOf(RegistryUnavailableException.class)
        .hasMessageContaining(dead.toString());

    assertThat(members.current()).isEqualTo(etcd.clientUrls().get(0));
    assertThat(twoMembers.range(prefix, TIMEOUT).kvs()).isEmpty();
  }

  @Test
  void aPrefixEndsAtItsLastBytePlusOne() {
    assertThat(Gateway.decode(Gateway.prefixEnd("/registry/"))).isEqualTo("/registry0");
    assertThat(Gateway.decode(Gateway.prefixEnd("a"))).isEqualTo("b");
  }

  static int unusedPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
