package dev.registry.client.lambda.coldstart;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * The naive path the issue compares against: an {@code OkHttpClient} and an
 * {@code ObjectMapper} built at init, one GET of the service per invocation, parsed with
 * databind, the first UP instance answered.
 */
public final class NaiveHandler implements RequestStreamHandler {
  private final OkHttpClient http = new OkHttpClient();
  private final ObjectMapper mapper = new ObjectMapper();
  private final String registry = System.getenv("REGISTRY_URLS");

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context)
      throws IOException {
    input.readAllBytes();
    String stage = context.getInvokedFunctionArn().substring(
        context.getInvokedFunctionArn().lastIndexOf(':') + 1);
    Request request = new Request.Builder()
        .url(registry + "/discover/payment-service?stage=" + stage).build();
    try (Response response = http.newCall(request).execute()) {
      JsonNode view = mapper.readTree(response.body().string());
      for (JsonNode instance : view.path("instances")) {
        if ("UP".equals(instance.path("status").asText())) {
          output.write(("{\"target\":\"" + instance.path("address").asText() + "\"}")
              .getBytes(StandardCharsets.UTF_8));
          return;
        }
      }
      throw new IOException("no UP instance of payment-service");
    }
  }
}
