package dev.registry.client.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.registry.client.RegistryRejectedException;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** etcd's own user/password authentication, against a real member with auth enabled. */
class GatewayAuthTest {
  static final Duration TIMEOUT = Duration.ofSeconds(5);

  @RegisterExtension static final EtcdCluster etcd = EtcdCluster.members(1);
  static final Streams streams = new Streams(java.util.List.of(), TIMEOUT, 8L << 20);

  final String prefix = "/auth/" + UUID.randomUUID() + "/";
  final TestTransport transport = new TestTransport();

  @BeforeAll
  static void enableAuth() {
    etcd.enableAuth("root-secret", "app", "app-secret");
  }

  Gateway as(String user, String password) {
    return new Gateway(new Members(etcd.clientUrls()), transport, new Credentials(user, password));
  }

  @Test
  void theRightPasswordGivesATokenThatIsRenewedWhenTheMemberForgetsIt() {
    Gateway gateway = as("app", "app-secret");
    long lease = gateway.grant(Duration.ofSeconds(30), TIMEOUT);
    gateway.put(prefix + "a", "1", lease, TIMEOUT);

    etcd.members().get(0).kill(); // etcd keeps simple tokens in memory only
    etcd.members().get(0).restart();

    assertThat(gateway.keepAlive(lease, TIMEOUT)).isPresent();
    assertThat(gateway.get(prefix + "a", TIMEOUT)).get().extracting(KeyValue::value).isEqualTo("1");
  }

  @Test
  void aWatchWithAForgottenTokenAuthenticatesAgainAndGoesOn() {
    Gateway gateway = as("app", "app-secret");
    long from = gateway.put(prefix + "a", "1", 0, TIMEOUT);
    etcd.members().get(0).kill();
    etcd.members().get(0).restart();

    RecordingWatch recording = new RecordingWatch();
    try (WatchStream stream = WatchStream.open(gateway, streams, prefix, from, TIMEOUT, Duration.ofSeconds(30), recording)) {
      await().atMost(TIMEOUT).until(() -> recording.heard.size() >= 2);
      assertThat(recording.heard).containsExactly("created", "put " + prefix + "a 1 @" + from);
    }
  }

  @Test
  void aWrongPasswordIsRefusedNamingTheUserNotThePassword() {
    Gateway gateway = as("app", "wrong-secret");

    assertThatThrownBy(() -> gateway.range(prefix, TIMEOUT))
        .isInstanceOfSatisfying(RegistryRejectedException.class,
            e -> assertThat(e.errorCode()).isEqualTo("unauthenticated"))
        .hasMessageContaining("etcd user 'app' could not authenticate")
        .hasMessageContaining("invalid user ID or password")
        .hasMessageNotContaining("wrong-secret");
    assertThat(gateway.toString()).doesNotContain("wrong-secret");
    assertThat(new Credentials("app", "wrong-secret").toString()).doesNotContain("wrong-secret");
  }

  @Test
  void noCredentialsOnAClusterThatRequiresThemSaysHowToGiveThem() {
    Gateway anonymous = new Gateway(new Members(etcd.clientUrls()), transport, null);

    assertThatThrownBy(() -> anonymous.range(prefix, TIMEOUT))
        .isInstanceOf(RegistryRejectedException.class)
        .hasMessageContaining("requires a user: give the client's token as 'user:password'");
  }
}
