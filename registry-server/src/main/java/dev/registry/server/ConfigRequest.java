package dev.registry.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.eclipse.jetty.util.Fields;
import org.jspecify.annotations.Nullable;

/**
 * The configuration routes' input rules: the body of a write ({@code POST /config/{service}})
 * and the reader's scope in a read's query. Every refusal is an {@link ApiException} naming the
 * field or key and the bad value; nothing is changed by a refused request.
 */
final class ConfigRequest {
  static final int MAX_KEY = 256;
  static final int MAX_DESCRIPTION = 256;
  static final Pattern KEY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._\\-\\[\\]]{0,255}");

  private ConfigRequest() {}

  /**
   * The write a body asks for: {@code stage}, {@code region}, {@code client} (each optional: absent
   * means every one), and at least one of {@code set} (an object of string values), {@code
   * delete} (an array of keys) and {@code defaults} (an object of string values, or of {@code
   * {"value": ..., "description": ...}}).
   */
  static ConfigWrite write(RequestBody body, Limits limits) {
    ConfigScope scope = new ConfigScope(optionalName(body, "stage"), optionalName(body, "region"),
        optionalName(body, "client"));
    Map<String, String> set = new LinkedHashMap<>();
    JsonNode setNode = object(body, "set");
    if (setNode != null) {
      for (var e : setNode.properties()) {
        set.put(key("set", e.getKey()), value("set." + e.getKey(), e.getValue(), limits));
      }
    }
    Set<String> delete = new LinkedHashSet<>();
    JsonNode deleteNode = body.field("delete");
    if (deleteNode != null && !deleteNode.isNull()) {
      if (!deleteNode.isArray()) {
        throw ApiException.invalidField("delete must be an array of keys, not " + RequestBody.kind(deleteNode));
      }
      for (JsonNode k : deleteNode) {
        if (!k.isTextual()) {
          throw ApiException.invalidField("delete must hold keys (strings), not " + RequestBody.kind(k));
        }
        delete.add(key("delete", k.textValue()));
      }
    }
    Map<String, ConfigWrite.Declared> defaults = new LinkedHashMap<>();
    JsonNode defaultsNode = object(body, "defaults");
    if (defaultsNode != null) {
      for (var e : defaultsNode.properties()) {
        defaults.put(key("defaults", e.getKey()), declared(e.getKey(), e.getValue(), limits));
      }
    }
    if (set.isEmpty() && delete.isEmpty() && defaults.isEmpty()) {
      throw new ApiException(400, "missing_field", "set, delete or defaults is required, with at least one key");
    }
    checkOnce(set.keySet(), delete, defaults.keySet());
    int keys = set.size() + delete.size() + defaults.size();
    if (keys > limits.maxConfigEntries()) {
      throw ApiException.invalidField("a write names " + keys + " keys; at most " + limits.maxConfigEntries()
          + " are allowed");
    }
    return new ConfigWrite(scope, set, delete, defaults);
  }

  /** A reader's scope from {@code ?stage=&region=&client=}: the stage is {@code default} when absent. */
  static ConfigScope reader(Fields query, String stage) {
    return new ConfigScope(stage, queryName(query, "region"), queryName(query, "client"));
  }

  private static @Nullable String queryName(Fields query, String field) {
    String value = query.getValue(field);
    if (value == null) {
      return null;
    }
    try {
      return RequestBody.name(field, value);
    } catch (ApiException e) {
      throw ApiException.invalidQuery(e.getMessage());
    }
  }

  private static @Nullable String optionalName(RequestBody body, String field) {
    JsonNode node = body.field(field);
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isTextual()) {
      throw ApiException.invalidField(field + " must be a string, not " + RequestBody.kind(node));
    }
    return RequestBody.name(field, node.textValue());
  }

  private static @Nullable JsonNode object(RequestBody body, String field) {
    JsonNode node = body.field(field);
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isObject()) {
      throw ApiException.invalidField(field + " must be an object of keys and values, not " + RequestBody.kind(node));
    }
    return node;
  }

  /** Checks a configuration key. */
  static String key(String field, String key) {
    if (!KEY.matcher(key).matches()) {
      throw ApiException.invalidField("the key " + RequestBody.quote(key) + " in " + field + " must be 1 to "
          + MAX_KEY + " characters from A-Z a-z 0-9 . _ - [ ], starting with a letter or digit");
    }
    return key;
  }

  private static String value(String field, JsonNode node, Limits limits) {
    if (!node.isTextual()) {
      throw ApiException.invalidField(RequestBody.truncate(field) + " must be a string, not " + RequestBody.kind(node));
    }
    String value = node.textValue();
    if (value.length() > limits.maxConfigValueLength()) {
      throw ApiException.invalidField(RequestBody.truncate(field) + " is longer than " + limits.maxConfigValueLength()
          + " characters (" + value.length() + ")");
    }
    return value;
  }

  private static ConfigWrite.Declared declared(String key, JsonNode node, Limits limits) {
    String field = "defaults." + key;
    if (node.isTextual()) {
      return new ConfigWrite.Declared(value(field, node, limits), null);
    }
    if (!node.isObject()) {
      throw ApiException.invalidField(RequestBody.truncate(field)
          + " must be a string or {\"value\": ..., \"description\": ...}, not " + RequestBody.kind(node));
    }
    JsonNode value = node.get("value");
    if (value == null || value.isNull()) {
      throw new ApiException(400, "missing_field", RequestBody.truncate(field) + ".value is required");
    }
    JsonNode description = node.get("description");
    String text = null;
    if (description != null && !description.isNull()) {
      if (!description.isTextual()) {
        throw ApiException.invalidField(RequestBody.truncate(field) + ".description must be a string, not "
            + RequestBody.kind(description));
      }
      text = description.textValue();
      if (text.length() > MAX_DESCRIPTION || text.indexOf('\n') >= 0 || text.indexOf('\r') >= 0) {
        throw ApiException.invalidField(RequestBody.truncate(field) + ".description must be one line of at most "
            + MAX_DESCRIPTION + " characters");
      }
    }
    return new ConfigWrite.Declared(value(field + ".value", value, limits), text);
  }

  private static void checkOnce(Set<String> set, Set<String> delete, Set<String> defaults) {
    Map<String, String> seen = new HashMap<>();
    for (String k : set) {
      seen.put(k, "set");
    }
    for (String k : delete) {
      String other = seen.put(k, "delete");
      if (other != null) {
        throw ApiException.invalidField("the key " + RequestBody.quote(k) + " is in both " + other + " and delete");
      }
    }
    for (String k : defaults) {
      String other = seen.put(k, "defaults");
      if (other != null) {
        throw ApiException.invalidField("the key " + RequestBody.quote(k) + " is in both " + other + " and defaults");
      }
    }
  }
}
