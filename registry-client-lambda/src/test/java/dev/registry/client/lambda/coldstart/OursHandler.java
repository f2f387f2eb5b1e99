package dev.registry.client.lambda.coldstart;

import com.amazonaws.services.lambda.runtime.Context;
import dev.registry.client.lambda.Discovery;
import dev.registry.client.lambda.DiscoveryStreamHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** The adapter's path: the wrapper from the environment, one lookup per invocation. */
public final class OursHandler extends DiscoveryStreamHandler {
  @Override
  protected void handleRequest(
      InputStream input, OutputStream output, Context context, Discovery discovery)
      throws IOException {
    input.readAllBytes();
    output.write(("{\"target\":\"" + discovery.choose("payment-service").address() + "\"}")
        .getBytes(StandardCharsets.UTF_8));
  }
}
