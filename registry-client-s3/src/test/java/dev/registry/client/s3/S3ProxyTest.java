package dev.registry.client.s3;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registry.client.s3.S3Proxy.Response;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The test support and what the S3 backend may rely on in s3proxy 2.6.0: our signatures are
 * accepted, a wrong secret or a skewed clock is refused with 403, the relay counts every request,
 * a conditional GET answers 304; and conditional writes are NOT honoured (docs/s3.md, "Why no
 * catalog object"), which this test pins so that an upgrade that changes it is noticed.
 */
class S3ProxyTest {
  private static final S3Proxy S3 = S3Proxy.shared();
  private static String bucket;
  private static RequestLog relay;

  @BeforeAll
  static void bucket() throws Exception {
    bucket = S3.newBucket("s3proxy-test");
    relay = new RequestLog(S3.endpoint());
  }

  @AfterAll
  static void stopRelay() throws Exception {
    relay.close();
  }

  private static Response send(String method, String path, Map<String, String> headers, String body) {
    return S3Proxy.send(relay.endpoint(), method, path, headers, body,
        S3Proxy.ACCESS_KEY, S3Proxy.SECRET_KEY, Instant.now());
  }

  @Test
  void acceptsOurSignaturesForWritesReadsAndListings() {
    assertThat(send("PUT", "/" + bucket + "/a/key%3A1", Map.of(), "{\"x\":1}").code()).isEqualTo(200);
    assertThat(send("GET", "/" + bucket + "/a/key%3A1", Map.of(), null).body()).isEqualTo("{\"x\":1}");
    assertThat(send("GET", "/" + bucket + "?list-type=2&prefix=a%2F", Map.of(), null).body())
        .contains("<Key>a/key:1</Key>");
  }

  @Test
  void refusesAWrongSecretWith403() {
    Response refused = S3Proxy.send(relay.endpoint(), "GET", "/" + bucket + "?list-type=2",
        Map.of(), null, S3Proxy.ACCESS_KEY, "not-the-secret", Instant.now());
    assertThat(refused.code()).isEqualTo(403);
    assertThat(refused.body()).contains("<Code>SignatureDoesNotMatch</Code>");
  }

  @Test
  void refusesARequestSignedTwentyMinutesAgoWith403() {
    Response refused = S3Proxy.send(relay.endpoint(), "GET", "/" + bucket + "?list-type=2",
        Map.of(), null, S3Proxy.ACCESS_KEY, S3Proxy.SECRET_KEY,
        Instant.now().minus(Duration.ofMinutes(20)));
    assertThat(refused.code()).isEqualTo(403);
    assertThat(refused.body()).contains("<Code>RequestTimeTooSkewed</Code>");
  }

  @Test
  void theRelayRecordsEveryRequestItPasses() {
    relay.clear();
    send("PUT", "/" + bucket + "/counted", Map.of(), "one");
    send("GET", "/" + bucket + "/counted", Map.of(), null);
    send("GET", "/" + bucket + "?list-type=2&prefix=counted", Map.of(), null);
    assertThat(relay.requests()).containsExactly(
        "PUT /" + bucket + "/counted HTTP/1.1",
        "GET /" + bucket + "/counted HTTP/1.1",
        "GET /" + bucket + "?list-type=2&prefix=counted HTTP/1.1");
  }

  @Test
  void answersAConditionalGetOfAnUnchangedObjectWith304() {
    String etag = send("PUT", "/" + bucket + "/conditional", Map.of(), "v1").etag();
    assertThat(send("GET", "/" + bucket + "/conditional", Map.of("If-None-Match", etag), null).code())
        .isEqualTo(304);
  }

  @Test
  void ignoresConditionalWritesWhichRealS3Honours() {
    send("PUT", "/" + bucket + "/cas", Map.of(), "v1");
    // S3 answers 412 to both since November 2024; s3proxy 2.6.0 overwrites (gaul/s3proxy#831).
    assertThat(send("PUT", "/" + bucket + "/cas", Map.of("If-None-Match", "*"), "v2").code())
        .isEqualTo(200);
    assertThat(send("PUT", "/" + bucket + "/cas", Map.of("If-Match", "\"not-the-etag\""), "v3").code())
        .isEqualTo(200);
    assertThat(send("GET", "/" + bucket + "/cas", Map.of(), null).body()).isEqualTo("v3");
  }
}
