package dev.registry.client.s3;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registry.client.ServiceInstance;
import dev.registry.client.Status;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The key layout of docs/s3.md: what a key carries, and what a reader skips. */
class InstanceKeyTest {
  private static final ServiceInstance P1 = new ServiceInstance("payment-service", "p1:eu",
      URI.create("http://10.0.0.5:8080/pay?x=1"), "prod", Status.STARTING,
      Map.of("version", "1.4.2", "zone", "eu-west-1a"));

  @Test
  void aKeyCarriesTheWholeInstance() {
    String key = InstanceKey.of("registry/", P1, 15);
    assertThat(key).startsWith("registry/prod/payment-service/p1:eu/STARTING~15~");
    InstanceKey read = InstanceKey.parse("registry/prod/", key).orElseThrow();
    assertThat(read.inBody()).isFalse();
    assertThat(read.ttlSeconds()).isEqualTo(15);
    assertThat(read.instance("prod")).isEqualTo(P1);
  }

  @Test
  void anInstanceTooLargeForAKeyLeavesItsPayloadToTheBody() throws Exception {
    Map<String, String> metadata = new LinkedHashMap<>();
    for (int i = 0; i < 3; i++) {
      metadata.put("k" + i, "v".repeat(300));
    }
    ServiceInstance big = new ServiceInstance("s", "i", URI.create("http://h:1"), "prod", Status.UP, metadata);
    String key = InstanceKey.of("", big, 60);
    assertThat(key).isEqualTo("prod/s/i/UP~60~");
    InstanceKey read = InstanceKey.parse("prod/", key).orElseThrow();
    assertThat(read.inBody()).isTrue();
    assertThat(read.instanceFromBody(InstanceKey.body(big, 60), "prod")).isEqualTo(big);
    assertThat(InstanceKey.of("", P1, 60).length()).isLessThanOrEqualTo(InstanceKey.MAX_KEY);
  }

  @Test
  void keysOfOtherShapesAreSkipped() {
    assertThat(InstanceKey.parse("prod/", "prod/s/i")).isEmpty();
    assertThat(InstanceKey.parse("prod/", "prod/s/i/UP~15")).isEmpty();
    assertThat(InstanceKey.parse("prod/", "prod/s/i/UP~0~")).isEmpty();
    assertThat(InstanceKey.parse("prod/", "prod/s/i/UP~x~")).isEmpty();
    assertThat(InstanceKey.parse("prod/", "prod/s/i/UP~15~%%%")).isEmpty();
    assertThat(InstanceKey.parse("prod/", "staging/s/i/UP~15~")).isEmpty();
    assertThat(InstanceKey.parse("prod/", "prod/s/i/j/UP~15~")).isEmpty();
  }

  @Test
  void aStatusThisClientDoesNotKnowIsReadAsDown() {
    String key = InstanceKey.of("", P1, 15).replace("/STARTING~", "/DRAINING~");
    assertThat(InstanceKey.parse("prod/", key).orElseThrow().status()).isEqualTo(Status.DOWN);
  }
}
