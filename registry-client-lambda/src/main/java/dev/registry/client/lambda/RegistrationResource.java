package dev.registry.client.lambda;

import static java.util.Objects.requireNonNull;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.CloudFormationCustomResourceEvent;
import dev.registry.client.InlineRegistryClient;
import dev.registry.client.RegistryException;
import dev.registry.client.RegistryRejectedException;
import dev.registry.client.RetryPolicy;
import dev.registry.client.ServiceInstance;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A CloudFormation custom resource that registers an endpoint with the registry for the life
 * of a stack: Create and Update register it, Delete deregisters it. A stack deploy registers
 * the service; a stack delete removes it.
 *
 * <pre>{@code
 * OrdersRegistration:
 *   Type: Custom::ServiceRegistration
 *   Properties:
 *     ServiceToken: !GetAtt RegistrationFunction.Arn   # a function with this handler
 *     ServiceName: orders
 *     Address: !Sub "https://${OrdersApi}.execute-api.${AWS::Region}.amazonaws.com/prod"
 *     Stage: prod                     # optional, default "default"
 *     InstanceId: orders-api          # optional, default the logical id
 *     Metadata: {version: "1.4.2"}    # optional, string values
 * }</pre>
 *
 * <p>The registry URLs and the lease come from the function's environment
 * ({@code REGISTRY_URLS}, {@code REGISTRY_LEASE_TTL}, {@code REGISTRY_REQUEST_TIMEOUT}; see
 * {@link LambdaSettings}). The registry's leases last at most an hour: keep the registration
 * alive with the registered function's own self-registration (same service, stage, id and
 * address), whose invocations renew it.
 *
 * <p>Every event is answered, through a plain HTTP {@code PUT} of the pre-signed
 * {@code ResponseURL}: {@code SUCCESS}, or {@code FAILED} with a reason (bad properties, the
 * registry refused or could not be reached, not enough time left), so that CloudFormation is
 * never left waiting for its hour-long timeout. A Delete succeeds even when the registry
 * cannot be reached, so that a stack can always be deleted: the lease then ends by itself.
 * The physical resource id is {@code service:stage:id}; an Update that changes it makes
 * CloudFormation delete the old registration.
 */
public class RegistrationResource implements RequestHandler<CloudFormationCustomResourceEvent, Void> {
  /** Made at its first use: slf4j's initialisation costs a cold start (see LambdaRegistry). */
  private static Logger log() {
    return LoggerFactory.getLogger("dev.registry.client.lambda");
  }

  /** Time kept back to answer CloudFormation after the registry call. */
  private static final long ANSWER_MARGIN_MILLIS = 2_000;

  private final InlineRegistryClient client;
  private final Duration callBound;

  /**
   * Makes the client from the environment ({@link LambdaSettings}; up to 3 attempts per call).
   * No I/O.
   *
   * @throws IllegalArgumentException if a variable is missing or malformed
   */
  public RegistrationResource() {
    this(LambdaSettings.fromEnvironment());
  }

  /**
   * Makes the client from {@code settings}, with up to 3 attempts per call (backoff at most
   * 1 s). No I/O.
   *
   * @param settings the settings (registry URLs, request timeout, lease TTL)
   */
  public RegistrationResource(LambdaSettings settings) {
    this(settings.clientBuilder()
        .retryPolicy(RetryPolicy.builder().maxAttempts(3).initialBackoff(Duration.ofMillis(100))
            .maxBackoff(Duration.ofSeconds(1)).build())
        .buildInline(), settings.requestTimeout().multipliedBy(3).plusSeconds(2));
  }

  /**
   * Uses {@code client}. The resource never closes it: a registration belongs to the stack,
   * not to the container, and closing the client would deregister it.
   *
   * @param client the client
   * @param callBound the longest one registry call of the client may take, retries and
   *     backoff included: an event with less time left (plus 2 s to answer) is answered FAILED
   *     without calling the registry
   * @throws IllegalArgumentException if the bound is not positive
   */
  public RegistrationResource(InlineRegistryClient client, Duration callBound) {
    this.client = requireNonNull(client, "client");
    requireNonNull(callBound, "callBound");
    if (callBound.isNegative() || callBound.isZero()) {
      throw new IllegalArgumentException("callBound must be > 0: " + callBound);
    }
    this.callBound = callBound;
  }

  /**
   * Handles the event and answers CloudFormation through its {@code ResponseURL}.
   *
   * @param event the custom resource event
   * @param context the invocation's context
   * @return nothing
   * @throws IllegalArgumentException if the event has no valid ResponseURL (nothing can be
   *     answered then)
   * @throws java.io.UncheckedIOException if the answer could not be delivered
   */
  @Override
  public @Nullable Void handleRequest(CloudFormationCustomResourceEvent event, Context context) {
    requireNonNull(event, "event");
    requireNonNull(context, "context");
    URI responseUrl = responseUrl(event.getResponseUrl());
    Answer answer;
    try {
      answer = answer(event, context);
    } catch (RuntimeException e) {
      log().error("Custom resource {} failed unexpectedly", event.getLogicalResourceId(), e);
      answer = Answer.failed(fallbackId(event), "Unexpected failure: " + e);
    }
    send(responseUrl, body(event, answer));
    return null;
  }

  /** What CloudFormation is told. */
  record Answer(boolean success, String physicalId, @Nullable String reason, Map<String, String> data) {
    static Answer failed(String physicalId, String reason) {
      return new Answer(false, physicalId, reason, Map.of());
    }
  }

  private Answer answer(CloudFormationCustomResourceEvent event, Context context) {
    String type = event.getRequestType();
    if (!"Create".equals(type) && !"Update".equals(type) && !"Delete".equals(type)) {
      return Answer.failed(fallbackId(event), "Unknown RequestType: " + type);
    }
    ServiceInstance instance;
    try {
      instance = instance(event);
    } catch (IllegalArgumentException | NullPointerException e) {
      if ("Delete".equals(type)) {
        // A resource whose Create failed on its properties registered nothing.
        return new Answer(true, fallbackId(event), "Nothing registered: " + e.getMessage(), Map.of());
      }
      return Answer.failed(fallbackId(event), "Invalid properties: " + e.getMessage());
    }
    String physicalId = instance.service() + ":" + instance.stage() + ":" + instance.id();
    if (context.getRemainingTimeInMillis() < callBound.toMillis() + ANSWER_MARGIN_MILLIS) {
      return Answer.failed("Delete".equals(type) ? fallbackId(event) : physicalId,
          "Not enough time left to call the registry: " + context.getRemainingTimeInMillis() + " ms");
    }
    if ("Delete".equals(type)) {
      String deleted = event.getPhysicalResourceId() != null ? event.getPhysicalResourceId() : physicalId;
      try {
        boolean known = client.deregister(instance);
        return new Answer(true, deleted, known ? null : "The registry did not hold " + physicalId,
            Map.of());
      } catch (RegistryRejectedException e) {
        return new Answer(true, deleted, "The registry refused the deregistration: "
            + e.getMessage(), Map.of());
      } catch (RegistryException e) {
        return new Answer(true, deleted, "Registry unreachable, the lease of " + physicalId
            + " ends by itself: " + e.getMessage(), Map.of());
      }
    }
    try {
      ServiceInstance registered = client.register(instance).instance();
      Map<String, String> data = new LinkedHashMap<>();
      data.put("ServiceName", registered.service());
      data.put("Stage", String.valueOf(registered.stage()));
      data.put("InstanceId", registered.id());
      data.put("Address", registered.address().toString());
      return new Answer(true, physicalId, null, data);
    } catch (RegistryException e) {
      return Answer.failed(physicalId, "Registration of " + physicalId + " failed: " + e.getMessage());
    }
  }

  private static ServiceInstance instance(CloudFormationCustomResourceEvent event) {
    Map<String, Object> props = event.getResourceProperties();
    if (props == null) {
      throw new IllegalArgumentException("ResourceProperties are missing");
    }
    String service = string(props, "ServiceName", null);
    String address = string(props, "Address", null);
    String stage = string(props, "Stage", "default");
    String id = string(props, "InstanceId", event.getLogicalResourceId());
    ServiceInstance.Builder builder = ServiceInstance.builder(service).id(id).address(address).stage(stage);
    Object metadata = props.get("Metadata");
    if (metadata instanceof Map<?, ?> entries) {
      for (Map.Entry<?, ?> e : entries.entrySet()) {
        builder.metadata(String.valueOf(e.getKey()), String.valueOf(e.getValue()));
      }
    } else if (metadata != null) {
      throw new IllegalArgumentException("Metadata must be a map of strings: " + metadata);
    }
    return builder.build();
  }

  private static String string(Map<String, Object> props, String name, @Nullable String fallback) {
    Object value = props.get(name);
    if (value == null) {
      if (fallback == null) {
        throw new IllegalArgumentException(name + " is required");
      }
      return fallback;
    }
    if (!(value instanceof String s)) {
      throw new IllegalArgumentException(name + " must be a string: " + value);
    }
    return s;
  }

  private static String fallbackId(CloudFormationCustomResourceEvent event) {
    if (event.getPhysicalResourceId() != null && !event.getPhysicalResourceId().isEmpty()) {
      return event.getPhysicalResourceId();
    }
    return "registration-" + event.getLogicalResourceId() + "-" + event.getRequestId();
  }

  private static URI responseUrl(@Nullable String url) {
    if (url == null) {
      throw new IllegalArgumentException("ResponseURL is missing: CloudFormation cannot be answered");
    }
    try {
      URI uri = URI.create(url);
      if (uri.getHost() == null || !("https".equals(uri.getScheme()) || "http".equals(uri.getScheme()))) {
        throw new IllegalArgumentException("ResponseURL must be an http(s) URL: '" + url + "'");
      }
      return uri;
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("ResponseURL must be an http(s) URL: '" + url + "'", e);
    }
  }

  static String body(CloudFormationCustomResourceEvent event, Answer answer) {
    StringBuilder json = new StringBuilder(256).append('{');
    field(json, "Status", answer.success() ? "SUCCESS" : "FAILED").append(',');
    if (answer.reason() != null) {
      field(json, "Reason", truncate(answer.reason())).append(',');
    }
    field(json, "PhysicalResourceId", answer.physicalId()).append(',');
    field(json, "StackId", event.getStackId()).append(',');
    field(json, "RequestId", event.getRequestId()).append(',');
    field(json, "LogicalResourceId", event.getLogicalResourceId()).append(',');
    json.append("\"Data\":{");
    boolean first = true;
    for (Map.Entry<String, String> e : answer.data().entrySet()) {
      if (!first) {
        json.append(',');
      }
      first = false;
      field(json, e.getKey(), e.getValue());
    }
    return json.append("}}").toString();
  }

  /** CloudFormation takes at most 4 KB for the whole answer; reasons are kept well below. */
  private static String truncate(String reason) {
    return reason.length() <= 1000 ? reason : reason.substring(0, 1000) + "...";
  }

  private static StringBuilder field(StringBuilder json, String name, @Nullable String value) {
    quote(json, name).append(':');
    return value == null ? json.append("null") : quote(json, value);
  }

  private static StringBuilder quote(StringBuilder json, String s) {
    json.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> json.append("\\\"");
        case '\\' -> json.append("\\\\");
        case '\n' -> json.append("\\n");
        case '\r' -> json.append("\\r");
        case '\t' -> json.append("\\t");
        default -> {
          if (c < 0x20) {
            json.append(String.format("\\u%04x", (int) c));
          } else {
            json.append(c);
          }
        }
      }
    }
    return json.append('"');
  }

  /**
   * PUTs the answer to the pre-signed URL: no content type (the URL is signed without one),
   * three attempts, as CloudFormation's own helper does.
   */
  private void send(URI url, String body) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    IOException last = null;
    for (int attempt = 1; attempt <= 3; attempt++) {
      try {
        HttpURLConnection connection = (HttpURLConnection) url.toURL().openConnection();
        connection.setRequestMethod("PUT");
        connection.setConnectTimeout(5_000);
        connection.setReadTimeout(10_000);
        connection.setDoOutput(true);
        connection.setRequestProperty("Content-Type", "");
        connection.setFixedLengthStreamingMode(bytes.length);
        try (OutputStream out = connection.getOutputStream()) {
          out.write(bytes);
        }
        int code = connection.getResponseCode();
        InputStream in = code >= 400 ? connection.getErrorStream() : connection.getInputStream();
        if (in != null) {
          in.readAllBytes();
          in.close();
        }
        if (code / 100 == 2) {
          return;
        }
        last = new IOException("PUT " + url.getHost() + url.getPath() + " answered " + code);
      } catch (IOException e) {
        last = e;
      }
      log().warn("Answering CloudFormation failed (attempt {} of 3): {}", attempt, last.toString());
    }
    throw new java.io.UncheckedIOException("CloudFormation could not be answered", last);
  }
}
