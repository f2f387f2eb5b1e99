package dev.registry.client.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.registry.client.RegistryClient;
import dev.registry.client.RegistryRejectedException;
import dev.registry.client.RetryPolicy;
import dev.registry.client.ServiceInstance;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Bad input gets a clear error naming the value: URLs refused by the builder, and S3's refusals
 * (a missing bucket, wrong credentials, a clock S3 will not accept) as
 * {@link RegistryRejectedException}s that name the bucket, S3's code and what to check, never
 * retried.
 */
class S3ErrorsTest {
  private static final S3Proxy S3 = S3Proxy.shared();
  private static String bucket;

  @BeforeAll
  static void bucket() {
    bucket = S3.newBucket("errors");
  }

  private static RegistryClient.Builder builder(String url) {
    return RegistryClient.builder().registryUrls(url).stage("prod").shutdownHook(false)
        .retryPolicy(RetryPolicy.none());
  }

  private static ServiceInstance instance() {
    return ServiceInstance.builder("orders").id("o1").address(URI.create("http://10.0.0.1:8080")).build();
  }

  @Test
  void aUrlWithoutBucketIsRefusedByTheBuilder() {
    assertThatThrownBy(() -> builder("s3:///registry?region=eu-west-1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'s3:///registry?region=eu-west-1' names no bucket");
  }

  @Test
  void malformedUrlsAreRefusedByTheBuilderNamingTheValue() {
    assertThatThrownBy(() -> builder("s3://My_Bucket/registry?region=eu-west-1"))
        .hasMessageContaining("'My_Bucket' is not a bucket name");
    assertThatThrownBy(() -> builder("s3://bucket/registry?region=eu-west-1&regoin=x"))
        .hasMessageContaining("unknown parameter 'regoin'");
    assertThatThrownBy(() -> builder("s3://bucket/registry?region=Europe"))
        .hasMessageContaining("'europe' is not an AWS region");
    assertThatThrownBy(() -> builder("s3://bucket/registry?endpoint=ftp://host"))
        .hasMessageContaining("the endpoint 'ftp://host' must be http(s)://host[:port]");
    assertThatThrownBy(() -> builder("s3://bucket/a//b?region=eu-west-1"))
        .hasMessageContaining("the prefix 'a//b'");
  }

  @Test
  void aMissingBucketIsARefusalNamingIt() {
    try (RegistryClient client = builder("s3://no-such-bucket/registry?endpoint=" + S3.endpoint()).build()) {
      assertThatThrownBy(() -> client.register(instance()))
          .isInstanceOf(RegistryRejectedException.class)
          .hasMessageContaining("NoSuchBucket")
          .hasMessageContaining("the bucket 'no-such-bucket'")
          .satisfies(e -> assertThat(((RegistryRejectedException) e).statusCode()).isEqualTo(404));
    }
  }

  @Test
  void wrongCredentialsAreA403RefusalNamingTheAccessKey() {
    System.setProperty("aws.accessKeyId", S3Proxy.ACCESS_KEY);
    System.setProperty("aws.secretAccessKey", "not-the-secret");
    try (RegistryClient client = builder("s3://" + bucket + "/registry?endpoint=" + S3.endpoint()).build()) {
      assertThatThrownBy(() -> client.instances("orders"))
          .isInstanceOf(RegistryRejectedException.class)
          .hasMessageContaining("403 SignatureDoesNotMatch")
          .hasMessageContaining("the access key is " + S3Proxy.ACCESS_KEY)
          .hasMessageNotContaining("not-the-secret");
    } finally {
      System.clearProperty("aws.accessKeyId");
      System.clearProperty("aws.secretAccessKey");
    }
  }

  @Test
  void aClockTwentyMinutesOffIsRefusedSayingWhatTheClockSays() {
    Clock late = Clock.offset(Clock.systemUTC(), Duration.ofMinutes(-20));
    try (RegistryClient client = builder("s3://" + bucket + "/registry?endpoint=" + S3.endpoint())
        .clock(late).build()) {
      assertThatThrownBy(() -> client.register(instance()))
          .isInstanceOf(RegistryRejectedException.class)
          .hasMessageContaining("403 RequestTimeTooSkewed")
          .hasMessageContaining("this machine's clock says");
    }
  }

  @Test
  void moreThanOneS3UrlIsRefusedAtTheFirstCall() {
    String url = "s3://" + bucket + "/registry?endpoint=" + S3.endpoint();
    String other = "s3://" + bucket + "/other?endpoint=" + S3.endpoint();
    try (RegistryClient client = RegistryClient.builder().registryUrls(url, other)
        .shutdownHook(false).build()) {
      assertThatThrownBy(() -> client.instances("orders"))
          .hasMessageContaining("an S3 registry is one bucket");
    }
  }

  @Test
  void theLocationComesFromTheUrlElseTheStandardEnvironment() {
    S3Location aws = S3Location.parse(URI.create("s3://my-bucket/registry"), Map.of("AWS_REGION", "eu-west-1"));
    assertThat(aws.base()).isEqualTo(URI.create("https://my-bucket.s3.eu-west-1.amazonaws.com"));
    assertThat(aws.prefix()).isEqualTo("registry/");
    S3Location dotted = S3Location.parse(URI.create("s3://my.bucket?region=eu-west-1"), Map.of());
    assertThat(dotted.base()).isEqualTo(URI.create("https://s3.eu-west-1.amazonaws.com/my.bucket"));
    assertThat(dotted.prefix()).isEmpty();
    S3Location local = S3Location.parse(URI.create("s3://bkt/p/"),
        Map.of("AWS_ENDPOINT_URL_S3", "http://127.0.0.1:9000"));
    assertThat(local.base()).isEqualTo(URI.create("http://127.0.0.1:9000/bkt"));
    assertThat(local.region()).isEqualTo("us-east-1");
    assertThat(local.listing("p/prod/", null))
        .isEqualTo(URI.create("http://127.0.0.1:9000/bkt?list-type=2&prefix=p%2Fprod%2F"));
    assertThatThrownBy(() -> S3Location.parse(URI.create("s3://bkt/p"), Map.of()))
        .hasMessageContaining("'s3://bkt/p' has no region: add ?region=eu-west-1 or set AWS_REGION");
  }
}
