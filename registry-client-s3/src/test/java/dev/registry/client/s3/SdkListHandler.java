package dev.registry.client.s3;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;

/**
 * The SDK variant of the cold-start measurement: the AWS SDK v2 S3 client on its lightest HTTP
 * client (the JDK's URL connection), everything given (region, endpoint, credentials provider)
 * so that it looks nothing up; one listing of the stage's prefix per invocation.
 */
public final class SdkListHandler implements RequestStreamHandler {
  private final S3Client s3 = S3Client.builder()
      .httpClient(UrlConnectionHttpClient.create())
      .region(Region.of(System.getenv("AWS_REGION")))
      .endpointOverride(URI.create(System.getenv("S3_ENDPOINT")))
      .forcePathStyle(true)
      .credentialsProvider(EnvironmentVariableCredentialsProvider.create())
      .build();

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context)
      throws IOException {
    input.readAllBytes();
    ListObjectsV2Response listed = s3.listObjectsV2(
        b -> b.bucket(System.getenv("S3_BUCKET")).prefix(System.getenv("S3_PREFIX")));
    output.write(("{\"first\":\"" + listed.contents().get(0).key() + "\"}")
        .getBytes(StandardCharsets.UTF_8));
  }
}
