package dev.registry.server;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A parsed JSON request body with the contract's field rules. Every accessor throws an {@link
 * ApiException} naming the field and the bad value. A JSON {@code null} counts as absent.
 */
final class RequestBody {
  static final int MAX_NAME = 128;
  static final int MAX_ADDRESS = 2048;
  static final int MAX_TTL_SECONDS = 3600;
  static final int MAX_SECRET = 256;

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

  private static final ObjectMapper MAPPER = new ObjectMapper()
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  private final ObjectNode json;

  private RequestBody(ObjectNode json) {
    this.json = json;
  }

  /** Parses a body. @throws ApiException {@code malformed_json} or {@code invalid_body} */
  static RequestBody parse(byte[] bytes) {
    if (bytes.length == 0 || isBlank(bytes)) {
      throw new ApiException(400, "malformed_json", "the request body is empty; expected a JSON object");
    }
    JsonNode node;
    try {
      node = MAPPER.readTree(bytes);
    } catch (JsonProcessingException e) {
      throw new ApiException(400, "malformed_json", "the request body is not valid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new ApiException(400, "malformed_json", "the request body is not valid JSON: " + e.getMessage());
    }
    if (node == null || node.isMissingNode()) {
      throw new ApiException(400, "malformed_json", "the request body is empty; expected a JSON object");
    }
    if (!(node instanceof ObjectNode object)) {
      throw new ApiException(400, "invalid_body", "the request body must be a JSON object, not " + kind(node));
    }
    return new RequestBody(object);
  }

  private static boolean isBlank(byte[] bytes) {
    for (byte b : bytes) {
      if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
        return false;
      }
    }
    return true;
  }

  /** A service name (required). */
  String service() {
    return name("service", requiredString("service"));
  }

  /** The stage, {@code "default"} when absent. */
  String stage() {
    String stage = optionalString("stage");
    return stage == null ? Registry.DEFAULT_STAGE : name("stage", stage);
  }

  @Nullable String id() {
    String id = optionalString("id");
    if (id != null && !ID.matcher(id).matches()) {
      throw ApiException.invalidField(
          "id must be 1 to 128 characters from A-Z a-z 0-9 . _ - : : " + quote(id));
    }
    return id;
  }

  String address() {
    return address(requiredString("address"));
  }

  @Nullable String optionalAddress() {
    String address = optionalString("address");
    return address == null ? null : address(address);
  }

  /**
   * The instance a heartbeat, deregistration or status change names: {@code id} wins over {@code
   * address}; with the secret of the {@code X-Instance-Secret} header, else of the body, and
   * whether the operator asks.
   */
  Registry.InstanceRef instanceRef(@Nullable String secretHeader, Caller caller) {
    String id = id();
    String address = optionalAddress();
    if (id == null && address == null) {
      throw new ApiException(400, "missing_field", "address (or id) is required");
    }
    return new Registry.InstanceRef(id, id != null ? null : address, instanceSecret(secretHeader),
        caller == Caller.OPERATOR);
  }

  /** The instance secret presented: the {@code X-Instance-Secret} header, else {@code instance_secret}. */
  @Nullable String instanceSecret(@Nullable String secretHeader) {
    String secret = secretHeader != null ? secretHeader : optionalString("instance_secret");
    if (secret != null && (secret.isEmpty() || secret.length() > MAX_SECRET)) {
      throw ApiException.invalidField("instance_secret must be 1 to " + MAX_SECRET + " characters");
    }
    return secret;
  }

  @Nullable InstanceStatus status() {
    String status = optionalString("status");
    if (status == null) {
      return null;
    }
    try {
      return InstanceStatus.valueOf(status);
    } catch (IllegalArgumentException e) {
      throw ApiException.invalidField(
          "status must be one of UP, DOWN, STARTING, OUT_OF_SERVICE: " + quote(status));
    }
  }

  InstanceStatus requiredStatus() {
    InstanceStatus status = status();
    if (status == null) {
      throw ApiException.missingField("status");
    }
    return status;
  }

  Map<String, String> metadata(Limits limits) {
    JsonNode node = json.get("metadata");
    if (node == null || node.isNull()) {
      return Map.of();
    }
    if (!node.isObject()) {
      throw ApiException.invalidField("metadata must be an object of string values, not " + kind(node));
    }
    if (node.size() > limits.maxMetadataEntries()) {
      throw ApiException.invalidField(
          "metadata has " + node.size() + " entries; at most " + limits.maxMetadataEntries() + " are allowed");
    }
    Map<String, String> metadata = new LinkedHashMap<>();
    for (var e : node.properties()) {
      String key = e.getKey();
      if (key.isEmpty() || key.length() > limits.maxMetadataKeyLength()) {
        throw ApiException.invalidField(
            "metadata keys must be 1 to " + limits.maxMetadataKeyLength() + " characters: " + quote(key));
      }
      JsonNode value = e.getValue();
      if (!value.isTextual()) {
        throw ApiException.invalidField(
            "metadata." + truncate(key) + " must be a string, not " + kind(value));
      }
      if (value.textValue().length() > limits.maxMetadataValueLength()) {
        throw ApiException.invalidField("metadata." + truncate(key) + " is longer than "
            + limits.maxMetadataValueLength() + " characters (" + value.textValue().length() + ")");
      }
      metadata.put(key, value.textValue());
    }
    return metadata;
  }

  /** The {@code check} the registry runs against the instance (see {@link HealthCheck#parse}); null when absent. */
  @Nullable HealthCheck check() {
    JsonNode node = json.get("check");
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isObject()) {
      throw ApiException.invalidField("check must be an object, not " + kind(node));
    }
    Map<String, Object> fields = new LinkedHashMap<>();
    for (var e : node.properties()) {
      JsonNode v = e.getValue();
      fields.put(e.getKey(), v.isTextual() ? v.textValue() : v.isInt() ? (Object) v.intValue() : v.toString());
    }
    try {
      return HealthCheck.parse(fields);
    } catch (IllegalArgumentException e) {
      throw ApiException.invalidField(e.getMessage());
    }
  }

  /**
   * {@code config_index}: the configuration index the instance has applied, sent with its
   * registration and heartbeats; null when absent.
   */
  @Nullable Long configIndex() {
    JsonNode node = json.get("config_index");
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isIntegralNumber() || !node.canConvertToLong() || node.longValue() < 0) {
      throw ApiException.invalidField("config_index must be a non-negative integer: " + truncate(node.toString()));
    }
    return node.longValue();
  }

  /** A field as parsed, null when absent; for the bodies other classes read ({@link ConfigRequest}). */
  @Nullable JsonNode field(String name) {
    return json.get(name);
  }

  /** {@code ttl_seconds} in milliseconds, or {@code defaultMillis} when absent. */
  long ttlMillis(long defaultMillis) {
    JsonNode node = json.get("ttl_seconds");
    if (node == null || node.isNull()) {
      return defaultMillis;
    }
    if (!node.isIntegralNumber() || !node.canConvertToInt()
        || node.intValue() < 1 || node.intValue() > MAX_TTL_SECONDS) {
      throw ApiException.invalidField(
          "ttl_seconds must be an integer from 1 to " + MAX_TTL_SECONDS + ": " + truncate(node.toString()));
    }
    return node.intValue() * 1000L;
  }

  private String requiredString(String field) {
    String value = optionalString(field);
    if (value == null) {
      throw ApiException.missingField(field);
    }
    return value;
  }

  private @Nullable String optionalString(String field) {
    JsonNode node = json.get(field);
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isTextual()) {
      throw ApiException.invalidField(field + " must be a string, not " + kind(node));
    }
    return node.textValue();
  }

  /** Checks a service or stage name. */
  static String name(String field, String value) {
    if (!NAME.matcher(value).matches()) {
      throw ApiException.invalidField(field
          + " must be 1 to 128 characters from A-Z a-z 0-9 . _ -, starting with a letter or digit: "
          + quote(value));
    }
    return value;
  }

  static String address(String value) {
    if (value.length() > MAX_ADDRESS) {
      throw ApiException.invalidField(
          "address is longer than " + MAX_ADDRESS + " characters (" + value.length() + ")");
    }
    URI uri;
    try {
      uri = new URI(value);
    } catch (URISyntaxException e) {
      throw ApiException.invalidField("address must be an absolute http(s) URI: " + quote(value));
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null || uri.getHost().isEmpty()) {
      throw ApiException.invalidField("address must be an absolute http(s) URI: " + quote(value));
    }
    if (uri.getPort() != -1 && (uri.getPort() < 1 || uri.getPort() > 65535)) {
      throw ApiException.invalidField("address must have a port from 1 to 65535: " + quote(value));
    }
    return value;
  }

  static String kind(JsonNode node) {
    return switch (node.getNodeType()) {
      case ARRAY -> "an array";
      case OBJECT -> "an object";
      case STRING -> "a string";
      case NUMBER -> "a number";
      case BOOLEAN -> "a boolean";
      case NULL -> "null";
      default -> node.getNodeType().toString().toLowerCase(Locale.ROOT);
    };
  }

  static String quote(String value) {
    return "'" + truncate(value) + "'";
  }

  static String truncate(String value) {
    return value.length() <= 200 ? value : value.substring(0, 200) + "...";
  }
}
