package dev.registry.client.s3;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import java.util.Properties;
import org.jspecify.annotations.Nullable;

/**
 * AWS credentials: an access key, its secret, and the session token of temporary credentials
 * (which AWS Lambda gives every function).
 *
 * @param accessKeyId the access key id
 * @param secretAccessKey the secret access key; never shown
 * @param sessionToken the session token, or null for long-term credentials; never shown
 */
record AwsCredentials(String accessKeyId, String secretAccessKey, @Nullable String sessionToken) {

  AwsCredentials {
    requireNonNull(accessKeyId, "accessKeyId");
    requireNonNull(secretAccessKey, "secretAccessKey");
    if (accessKeyId.isBlank() || secretAccessKey.isBlank()) {
      throw new IllegalArgumentException("AWS credentials must not be blank");
    }
  }

  /**
   * The credentials of the standard chain's first two links, in the AWS SDKs' order: the Java
   * system properties {@code aws.accessKeyId}, {@code aws.secretAccessKey} and
   * {@code aws.sessionToken}, else the environment variables {@code AWS_ACCESS_KEY_ID},
   * {@code AWS_SECRET_ACCESS_KEY} and {@code AWS_SESSION_TOKEN} (as Lambda sets them).
   *
   * @throws IllegalStateException if neither holds an access key and its secret
   */
  static AwsCredentials standard(Properties system, Map<String, String> environment) {
    AwsCredentials fromSystem = of(system.getProperty("aws.accessKeyId"),
        system.getProperty("aws.secretAccessKey"), system.getProperty("aws.sessionToken"));
    if (fromSystem != null) {
      return fromSystem;
    }
    AwsCredentials fromEnvironment = of(environment.get("AWS_ACCESS_KEY_ID"),
        environment.get("AWS_SECRET_ACCESS_KEY"), environment.get("AWS_SESSION_TOKEN"));
    if (fromEnvironment != null) {
      return fromEnvironment;
    }
    throw new IllegalStateException("no AWS credentials: set AWS_ACCESS_KEY_ID and"
        + " AWS_SECRET_ACCESS_KEY (AWS Lambda sets them), or the system properties"
        + " aws.accessKeyId and aws.secretAccessKey");
  }

  private static @Nullable AwsCredentials of(
      @Nullable String id, @Nullable String secret, @Nullable String token) {
    if (id == null || id.isBlank() || secret == null || secret.isBlank()) {
      return null;
    }
    return new AwsCredentials(id.strip(), secret.strip(),
        token == null || token.isBlank() ? null : token.strip());
  }

  @Override
  public String toString() {
    return "AwsCredentials[" + accessKeyId + (sessionToken != null ? ", session" : "") + "]";
  }
}
