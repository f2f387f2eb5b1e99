package dev.registry.examples.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.registry.client.NoInstanceAvailableException;
import dev.registry.client.Outcome;
import dev.registry.client.RegistryException;
import dev.registry.client.ServiceInstance;
import dev.registry.client.lambda.Discovery;
import dev.registry.client.lambda.DiscoveryRequestHandler;
import dev.registry.client.lambda.LambdaRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;

/**
 * Server-side discovery, for callers that cannot run the library: an HTTP API in front of this
 * function takes {@code /{service}/{path...}}, the function resolves the service by name in its
 * stage (the alias it was invoked through) and either redirects the caller to the chosen
 * instance (307, the default) or, with {@code PROXY_MODE=forward}, forwards the request and
 * answers what the instance answered.
 *
 * <pre>
 *   GET https://api.example.test/user-service/users/7?x=1
 *     → 307 Location: http://10.0.0.9:8080/users/7?x=1
 * </pre>
 *
 * <p>An unknown service or one without an UP instance is a 503 with a JSON error; so is a
 * registry that this container never reached. Handler:
 * {@code dev.registry.examples.lambda.DiscoveryProxyFunction::handleRequest}.
 */
public final class DiscoveryProxyFunction
    extends DiscoveryRequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
  private static final Set<String> HOP_BY_HOP = Set.of("connection", "content-length", "host",
      "keep-alive", "transfer-encoding", "upgrade");

  private final boolean forward;

  /** Lambda's constructor: the registry and {@code PROXY_MODE} from the environment. */
  public DiscoveryProxyFunction() {
    this.forward = "forward".equalsIgnoreCase(System.getenv("PROXY_MODE"));
  }

  /**
   * With a registry of your own (tests).
   *
   * @param registry the container's registry
   * @param forward forward requests instead of redirecting
   */
  public DiscoveryProxyFunction(LambdaRegistry registry, boolean forward) {
    super(registry);
    this.forward = forward;
  }

  @Override
  protected APIGatewayV2HTTPResponse handleRequest(
      APIGatewayV2HTTPEvent request, Context context, Discovery discovery) {
    String path = request.getRawPath() == null ? "/" : request.getRawPath();
    String[] parts = path.split("/", 3); // "", service, rest
    if (parts.length < 2 || parts[1].isEmpty()) {
      return error(404, "not_found", "expected /{service}/{path}: " + path);
    }
    String service = parts[1];
    ServiceInstance target;
    try {
      target = discovery.choose(service);
    } catch (IllegalArgumentException e) {
      return error(400, "invalid_service", e.getMessage());
    } catch (NoInstanceAvailableException e) {
      return error(503, "no_instance", e.getMessage());
    } catch (RegistryException e) {
      return error(503, "registry_unavailable", e.getMessage());
    }
    String query = request.getRawQueryString();
    URI location = URI.create(stripSlash(target.address().toString())
        + "/" + (parts.length > 2 ? parts[2] : "")
        + (query == null || query.isEmpty() ? "" : "?" + query));
    if (!forward) {
      return response(307, Map.of("Location", location.toString()), "");
    }
    try {
      APIGatewayV2HTTPResponse answer = forward(request, location);
      discovery.client().report(target, Outcome.ofStatus(answer.getStatusCode()));
      return answer;
    } catch (IOException e) {
      // Refused or timed out: after a few in a row the client skips this instance for a while,
      // also in the next invocations of this container (it keeps the client).
      discovery.client().report(target, Outcome.of(e));
      return error(502, "bad_gateway", service + " at " + target.address() + " failed: " + e);
    }
  }

  private static APIGatewayV2HTTPResponse forward(APIGatewayV2HTTPEvent request, URI location)
      throws IOException {
    String method = request.getRequestContext() != null && request.getRequestContext().getHttp() != null
        ? request.getRequestContext().getHttp().getMethod() : "GET";
    HttpURLConnection connection = (HttpURLConnection) location.toURL().openConnection();
    connection.setRequestMethod(method);
    connection.setConnectTimeout(2_000);
    connection.setReadTimeout(10_000);
    connection.setInstanceFollowRedirects(false);
    if (request.getHeaders() != null) {
      request.getHeaders().forEach((name, value) -> {
        if (!HOP_BY_HOP.contains(name.toLowerCase(java.util.Locale.ROOT))) {
          connection.setRequestProperty(name, value);
        }
      });
    }
    String body = request.getBody();
    if (body != null && !body.isEmpty()) {
      byte[] bytes = request.getIsBase64Encoded()
          ? java.util.Base64.getDecoder().decode(body) : body.getBytes(StandardCharsets.UTF_8);
      connection.setDoOutput(true);
      connection.setFixedLengthStreamingMode(bytes.length);
      try (OutputStream out = connection.getOutputStream()) {
        out.write(bytes);
      }
    }
    int code = connection.getResponseCode();
    InputStream in = code >= 400 ? connection.getErrorStream() : connection.getInputStream();
    String answer = "";
    if (in != null) {
      try (in) {
        answer = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
    }
    String type = connection.getContentType();
    return response(code, type == null ? Map.of() : Map.of("Content-Type", type), answer);
  }

  private static String stripSlash(String s) {
    return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }

  private static APIGatewayV2HTTPResponse error(int code, String error, String message) {
    String body = "{\"error\":\"" + error + "\",\"message\":\""
        + message.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}";
    return response(code, Map.of("Content-Type", "application/json"), body);
  }

  private static APIGatewayV2HTTPResponse response(int code, Map<String, String> headers, String body) {
    APIGatewayV2HTTPResponse response = new APIGatewayV2HTTPResponse();
    response.setStatusCode(code);
    response.setHeaders(headers);
    response.setBody(body);
    return response;
  }
}
