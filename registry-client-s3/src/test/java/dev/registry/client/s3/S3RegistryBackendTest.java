package dev.registry.client.s3;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registry.client.ServiceInstance;
import dev.registry.client.ServiceView;
import dev.registry.client.Status;
import dev.registry.client.spi.Registered;
import dev.registry.client.spi.StageViews;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * What a reader makes of a listing, against s3proxy: objects that are not registrations, two
 * keys of one id, long-expired keys (deleted, a few per read). The backend is driven directly,
 * so that its reader's clock can run ahead of the clock it signs with.
 */
class S3RegistryBackendTest {
  private static final S3Proxy S3 = S3Proxy.shared();
  private static final Duration TIMEOUT = Duration.ofSeconds(5);
  private static final AwsCredentials CREDENTIALS = new AwsCredentials(S3Proxy.ACCESS_KEY, S3Proxy.SECRET_KEY, null);
  private static String bucket;

  @BeforeAll
  static void bucket() {
    bucket = S3.newBucket("backend");
  }

  private static Bucket bucket(TestInfo test) {
    URI url = URI.create("s3://" + bucket + "/" + test.getTestMethod().orElseThrow().getName()
        + "?endpoint=" + S3.endpoint());
    return new Bucket(S3Location.parse(url, Map.of()), CREDENTIALS, JdkTransport::new, Clock.systemUTC());
  }

  private static S3RegistryBackend backend(Bucket bucket, Clock readerClock) {
    return new S3RegistryBackend(bucket, Duration.ofSeconds(15), readerClock);
  }

  private static ServiceInstance instance(String id, Status status) {
    return new ServiceInstance("orders", id, URI.create("http://10.0.0.1:8080"), "prod", status, Map.of());
  }

  @Test
  void objectsThatAreNotRegistrationsAreLeftAlone(TestInfo test) {
    Bucket b = bucket(test);
    S3RegistryBackend backend = backend(b, Clock.systemUTC());
    backend.register(instance("o1", Status.UP), null, TIMEOUT);
    String prefix = b.location().prefix();
    b.put(prefix + "prod/README.txt", "notes", TIMEOUT);
    b.put(prefix + "prod/orders/o2/not-a-lease", "{}", TIMEOUT);
    b.put(prefix + "prod/orders/o3/UP~15~not-base64!", "{}", TIMEOUT);

    StageViews stage = backend.catalog("prod", TIMEOUT).orElseThrow();

    assertThat(stage.views()).containsOnlyKeys("orders");
    assertThat(stage.views().get("orders").instances()).extracting(ServiceInstance::id).containsExactly("o1");
    assertThat(b.list(prefix, TIMEOUT)).hasSize(4);
  }

  @Test
  void ofTwoKeysOfOneIdTheNewerIsTheInstanceAndDeregisteringRemovesBoth(TestInfo test) throws Exception {
    Bucket b = bucket(test);
    S3RegistryBackend backend = backend(b, Clock.systemUTC());
    backend.register(instance("o1", Status.UP), null, TIMEOUT);
    // A status change whose DELETE of the old key failed: the new key written a second later.
    ServiceInstance out = instance("o1", Status.OUT_OF_SERVICE);
    long written = b.list(b.location().prefix(), TIMEOUT).get(0).lastModified().getEpochSecond();
    org.awaitility.Awaitility.await().until(() -> Clock.systemUTC().instant().getEpochSecond() > written);
    b.put(InstanceKey.of(b.location().prefix(), out, 15), InstanceKey.body(out, 15), TIMEOUT);

    ServiceView view = backend.discover("orders", "prod", TIMEOUT).views().get("orders");
    assertThat(view.instances()).singleElement()
        .satisfies(i -> assertThat(i.status()).isEqualTo(Status.OUT_OF_SERVICE));

    assertThat(backend.deregister(new Registered(instance("o1", Status.UP), null), TIMEOUT)).isTrue();
    assertThat(b.list(b.location().prefix(), TIMEOUT)).isEmpty();
    assertThat(backend.deregister(new Registered(instance("o1", Status.UP), null), TIMEOUT)).isFalse();
  }

  @Test
  void aStageOfMoreThanAThousandInstancesIsReadOnePageOfAThousandPerRequest(TestInfo test) throws Exception {
    try (RequestLog relay = new RequestLog(S3.endpoint())) {
      URI url = URI.create("s3://" + bucket + "/" + test.getTestMethod().orElseThrow().getName()
          + "?endpoint=" + relay.endpoint());
      Bucket b = new Bucket(S3Location.parse(url, Map.of()), CREDENTIALS, JdkTransport::new, Clock.systemUTC());
      S3RegistryBackend backend = backend(b, Clock.systemUTC());
      java.util.stream.IntStream.range(0, 1005).parallel().forEach(i -> backend.register(
          new ServiceInstance("service-" + (i % 7), "i-" + i, URI.create("http://10.0.0.1:" + (1000 + i)),
              "prod", Status.UP, Map.of()), null, TIMEOUT));
      relay.clear();

      StageViews stage = backend.catalog("prod", TIMEOUT).orElseThrow();

      assertThat(stage.views()).hasSize(7);
      assertThat(stage.views().values().stream().mapToInt(v -> v.instances().size()).sum()).isEqualTo(1005);
      assertThat(relay.requests()).hasSize(2)
          .last().asString().contains("continuation-token=");
    }
  }

  @Test
  void aReaderDeletesAFewKeysWhoseLeaseEndedMoreThanAnHourAgo(TestInfo test) {
    Bucket b = bucket(test);
    for (int i = 0; i < 7; i++) {
      backend(b, Clock.systemUTC()).register(instance("o" + i, Status.UP), null, TIMEOUT);
    }
    S3RegistryBackend inTwoHours = backend(b, Clock.offset(Clock.systemUTC(), Duration.ofHours(2)));
    S3RegistryBackend inHalfAnHour = backend(b, Clock.offset(Clock.systemUTC(), Duration.ofMinutes(30)));

    assertThat(inHalfAnHour.catalog("prod", TIMEOUT).orElseThrow().views()).isEmpty();
    assertThat(b.list(b.location().prefix(), TIMEOUT)).hasSize(7); // expired, not long enough
    assertThat(inTwoHours.catalog("prod", TIMEOUT).orElseThrow().views()).isEmpty();
    assertThat(b.list(b.location().prefix(), TIMEOUT)).hasSize(7 - S3RegistryBackend.REMOVALS_PER_READ);
    inTwoHours.catalog("prod", TIMEOUT);
    assertThat(b.list(b.location().prefix(), TIMEOUT)).isEmpty();
  }
}
