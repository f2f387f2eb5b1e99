package dev.registry.client.s3;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.time.Instant;
import java.util.Map;

/**
 * Our variant of the cold-start measurement: the same listing signed by {@link Signer} and sent
 * with the JDK's {@code HttpURLConnection}, as the core's inline transport sends it; the first
 * key cut out of the XML.
 */
public final class SignerListHandler implements RequestStreamHandler {
  private final Signer signer = new Signer(System.getenv("AWS_REGION"), "s3");
  private final AwsCredentials credentials = AwsCredentials.standard(System.getProperties(), System.getenv());

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context)
      throws IOException {
    input.readAllBytes();
    URI uri = URI.create(System.getenv("S3_ENDPOINT") + "/" + System.getenv("S3_BUCKET") + "?"
        + Signer.canonicalQuery(Map.of("list-type", "2", "prefix", System.getenv("S3_PREFIX"))));
    HttpURLConnection c = (HttpURLConnection) uri.toURL().openConnection();
    signer.sign("GET", uri, Map.of(), Signer.EMPTY_SHA256, credentials, Instant.now())
        .forEach(c::setRequestProperty);
    String xml;
    try (InputStream in = c.getInputStream()) {
      xml = new String(in.readAllBytes(), UTF_8);
    }
    int start = xml.indexOf("<Key>") + 5;
    output.write(("{\"first\":\"" + xml.substring(start, xml.indexOf("</Key>", start)) + "\"}")
        .getBytes(UTF_8));
  }
}
