package dev.registry.client.s3;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The signer against AWS's published examples: the four of the Amazon S3 API Reference,
 * "Signature Calculations for the Authorization Header: Transferring Payload in a Single Chunk
 * (AWS Signature Version 4)", section "Examples: Signature Calculations"
 * (https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html). Each gives
 * the credentials, the request and the resulting {@code Authorization} header; the signature of
 * each is copied from there. That s3proxy accepts our signatures and refuses wrong ones is
 * {@code S3ProxyTest}'s.
 */
class SignerTest {
  private static final AwsCredentials EXAMPLE = new AwsCredentials(
      "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", null);
  private static final Instant TIME = Instant.parse("2013-05-24T00:00:00Z");
  private static final Signer SIGNER = new Signer("us-east-1", "s3");

  private static String authorization(String method, String uri, Map<String, String> headers,
      String payloadSha256) {
    return SIGNER.sign(method, URI.create(uri), headers, payloadSha256, EXAMPLE, TIME)
        .get("Authorization");
  }

  @Test
  void getObjectWithARangeMatchesTheExample() {
    assertThat(authorization("GET", "https://examplebucket.s3.amazonaws.com/test.txt",
        Map.of("Range", "bytes=0-9"), Signer.EMPTY_SHA256))
        .isEqualTo("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
            + " SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,"
            + " Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
  }

  @Test
  void putObjectSignsItsPayloadAndEncodesTheDollarOfItsKey() {
    String payload = Signer.sha256Hex("Welcome to Amazon S3.".getBytes(UTF_8));
    assertThat(payload).isEqualTo("44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072");
    assertThat(authorization("PUT", "https://examplebucket.s3.amazonaws.com/test$file.text",
        Map.of("Date", "Fri, 24 May 2013 00:00:00 GMT", "x-amz-storage-class", "REDUCED_REDUNDANCY"),
        payload))
        .isEqualTo("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
            + " SignedHeaders=date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class,"
            + " Signature=98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd");
  }

  @Test
  void aParameterWithoutValueIsSignedWithAnEmptyOne() {
    assertThat(authorization("GET", "https://examplebucket.s3.amazonaws.com/?lifecycle",
        Map.of(), Signer.EMPTY_SHA256))
        .endsWith("SignedHeaders=host;x-amz-content-sha256;x-amz-date,"
            + " Signature=fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543");
  }

  @Test
  void aListingSignsItsParametersSorted() {
    String expected = "Signature=34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7";
    assertThat(authorization("GET", "https://examplebucket.s3.amazonaws.com/?max-keys=2&prefix=J",
        Map.of(), Signer.EMPTY_SHA256)).endsWith(expected);
    assertThat(authorization("GET", "https://examplebucket.s3.amazonaws.com/?prefix=J&max-keys=2",
        Map.of(), Signer.EMPTY_SHA256)).endsWith(expected);
  }

  @Test
  void sendsTheDateThePayloadHashAndTheSessionTokenItSigned() {
    AwsCredentials session = new AwsCredentials("ASIAEXAMPLE", "secret", "the-token");
    Map<String, String> headers = SIGNER.sign("GET",
        URI.create("http://127.0.0.1:9000/bucket/key"), Map.of(), Signer.EMPTY_SHA256, session, TIME);
    assertThat(headers).containsEntry("x-amz-date", "20130524T000000Z")
        .containsEntry("x-amz-content-sha256", Signer.EMPTY_SHA256)
        .containsEntry("x-amz-security-token", "the-token")
        .doesNotContainKey("Host");
    assertThat(headers.get("Authorization"))
        .contains("SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-security-token,");
  }

  @Test
  void canonicalFormsEncodeEveryByteButTheUnreservedOnes() {
    assertThat(Signer.canonicalPath("/b/registry/prod/svc/id:1/UP~15~a b+é"))
        .isEqualTo("/b/registry/prod/svc/id%3A1/UP~15~a%20b%2B%C3%A9");
    assertThat(Signer.canonicalQuery(Map.of("prefix", "registry/prod/", "list-type", "2")))
        .isEqualTo("list-type=2&prefix=registry%2Fprod%2F");
  }

  @Test
  void signsAHeaderValueTrimmedWithItsSpacesFolded() {
    assertThat(authorization("GET", "https://examplebucket.s3.amazonaws.com/test.txt",
        Map.of("Range", "  bytes=0-9  "), Signer.EMPTY_SHA256)).endsWith(
        "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
    assertThat(authorization("GET", "https://examplebucket.s3.amazonaws.com/test.txt",
        Map.of("x-amz-meta-note", "a   b"), Signer.EMPTY_SHA256))
        .isEqualTo(authorization("GET", "https://examplebucket.s3.amazonaws.com/test.txt",
            Map.of("x-amz-meta-note", "a b"), Signer.EMPTY_SHA256));
  }

  @Test
  void credentialsNeverShowTheirSecrets() {
    AwsCredentials credentials = new AwsCredentials("AKID", "the-secret", "the-token");
    assertThat(credentials.toString()).contains("AKID").doesNotContain("the-secret", "the-token");
  }
}
