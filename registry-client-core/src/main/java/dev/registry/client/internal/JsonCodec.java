package dev.registry.client.internal;

import dev.registry.client.ConfigKey;
import dev.registry.client.ServiceInstance;
import dev.registry.client.ServiceView;
import dev.registry.client.Status;
import dev.registry.client.spi.ConfigAnswer;
import dev.registry.client.spi.Json;
import dev.registry.client.spi.JsonViews;
import dev.registry.client.spi.StageViews;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The reference server's documents (docs/api.md): request bodies, and reading its answers, on
 * the small {@link Json} reader and writer and {@link JsonViews}. Unknown fields are skipped,
 * so the server may add fields freely.
 */
final class JsonCodec {
  private JsonCodec() {}

  /** The parts of an error answer: {@code {"error": ..., "message": ...}}. */
  record Error(String error, String message) {}

  /** The {@code id} and {@code instance_secret} of a register answer; each null when absent. */
  record Registered(@Nullable String id, @Nullable String secret) {}

  static String register(ServiceInstance instance, String stage, long ttlSeconds, @Nullable String secret) {
    return secret(new Json.ObjectWriter()
        .field("service", instance.service())
        .field("address", instance.address().toString())
        .field("id", instance.id())
        .field("stage", stage)
        .field("status", instance.status().name())
        .field("metadata", instance.metadata())
        .field("ttl_seconds", ttlSeconds), secret)
        .toString();
  }

  static String instanceRef(String service, String id, String stage, @Nullable String secret) {
    return refWriter(service, id, stage, secret).toString();
  }

  /** A heartbeat that reports the configuration index the instance applied ({@code config_index}). */
  static String heartbeat(String service, String id, String stage, @Nullable String secret, long configIndex) {
    return refWriter(service, id, stage, secret).field("config_index", configIndex).toString();
  }

  private static Json.ObjectWriter refWriter(String service, String id, String stage, @Nullable String secret) {
    return secret(new Json.ObjectWriter()
        .field("service", service)
        .field("id", id)
        .field("stage", stage), secret);
  }

  /** The body of {@code POST /config/{service}} that declares keys: {@code defaults}, at the service's scope. */
  static String declare(List<ConfigKey> keys) {
    Json.ObjectWriter defaults = new Json.ObjectWriter();
    for (ConfigKey key : keys) {
      Json.ObjectWriter declared = new Json.ObjectWriter().field("value", key.defaultValue());
      if (key.description() != null) {
        declared.field("description", key.description());
      }
      defaults.rawField(key.name(), declared.toString());
    }
    return new Json.ObjectWriter().rawField("defaults", defaults.toString()).toString();
  }

  /** Reads the {@code index} of a write's answer ({@code POST /config/{service}}). */
  static long writtenIndex(String body) throws IOException {
    return index(JsonViews.object(Json.parse(body), "a configuration write's answer"), "a configuration write");
  }

  /**
   * Reads an answer of {@code GET /config/{service}}: strict about its structure, as for views,
   * so that a cut or garbled answer never becomes a configuration.
   */
  static ConfigAnswer config(String body, String service) throws IOException {
    Map<?, ?> answer = JsonViews.object(Json.parse(body), "the configuration of " + service);
    if (!service.equals(answer.get("service"))) {
      throw new IOException("the configuration of " + answer.get("service") + " came for " + service);
    }
    if (!(answer.get("entries") instanceof Map<?, ?> entries)) {
      throw new IOException("the configuration of " + service + " has no entries object");
    }
    Map<String, String> values = new HashMap<>();
    for (var e : entries.entrySet()) {
      if (!(e.getValue() instanceof Map<?, ?> entry) || !(entry.get("value") instanceof String value)) {
        throw new IOException("the entry " + e.getKey() + " of the configuration of " + service + " has no string value");
      }
      values.put((String) e.getKey(), value);
    }
    return new ConfigAnswer(index(answer, "the configuration of " + service), epoch(answer), values);
  }

  static String status(String service, String id, String stage, Status status, @Nullable String secret) {
    return secret(new Json.ObjectWriter()
        .field("service", service)
        .field("id", id)
        .field("stage", stage)
        .field("status", status.name()), secret)
        .toString();
  }

  private static Json.ObjectWriter secret(Json.ObjectWriter w, @Nullable String secret) {
    return secret == null ? w : w.field("instance_secret", secret);
  }

  static Registered registered(String body) throws IOException {
    Map<?, ?> answer = JsonViews.object(Json.parse(body), "a register answer");
    return new Registered(answer.get("id") instanceof String id ? id : null,
        answer.get("instance_secret") instanceof String secret ? secret : null);
  }

  /** Reads the stage names of a {@code GET /stages} answer. */
  static List<String> stages(String body) throws IOException {
    Map<?, ?> answer = JsonViews.object(Json.parse(body), "a stages answer");
    Map<?, ?> stages = JsonViews.object(answer.get("stages"), "the stages of a stages answer");
    List<String> names = new ArrayList<>();
    for (Object name : stages.keySet()) {
      names.add((String) name);
    }
    return names;
  }

  /** Reads an error answer leniently: any body that is not one gives empty fields. */
  static Error error(String body) {
    Object parsed;
    try {
      parsed = Json.parse(body);
    } catch (IOException e) {
      return new Error("", body);
    }
    if (!(parsed instanceof Map<?, ?> answer)) {
      return new Error("", body);
    }
    return new Error(answer.get("error") instanceof String e ? e : "",
        answer.get("message") instanceof String m ? m : "");
  }

  /**
   * Reads a discover answer (a 200, or a 404 for an unknown service, which lists no
   * instance). Strict about its structure ({@link JsonViews}), so a cut, garbled or
   * misdirected answer never becomes a view.
   */
  static ServiceView view(String body, String service, String stage, int maxInstances) throws IOException {
    return JsonViews.view(JsonViews.object(Json.parse(body), "a view of " + service), service, stage,
        maxInstances);
  }

  /** Reads a catalog answer ({@code GET /catalog}): every service of the stage, complete. */
  static StageViews catalog(String body, String stage, int maxInstances) throws IOException {
    Map<?, ?> catalog = JsonViews.object(Json.parse(body), "a catalog");
    return new StageViews(stage, index(catalog, "the catalog of stage " + stage), epoch(catalog), true,
        JsonViews.views(catalog, stage, maxInstances));
  }

  /**
   * An answer of {@code GET /catalog?services=}: whether it holds only the views that changed
   * ({@code delta}), and the answer.
   */
  record ServiceCatalog(boolean delta, StageViews answer) {}

  /**
   * Reads an answer of {@code GET /catalog?services=}: null when it carries no {@code delta}
   * (a registry that ignored the list and answered its whole catalog).
   */
  static @Nullable ServiceCatalog serviceCatalog(String body, String stage, int maxInstances)
      throws IOException {
    Map<?, ?> catalog = JsonViews.object(Json.parse(body), "a catalog");
    if (!(catalog.get("delta") instanceof Boolean delta)) {
      return null;
    }
    return new ServiceCatalog(delta, new StageViews(stage, index(catalog, "the catalog of stage " + stage),
        epoch(catalog), false, JsonViews.views(catalog, stage, maxInstances)));
  }

  private static long index(Map<?, ?> answer, String of) throws IOException {
    Object index = answer.get("index");
    if (index == null) {
      return 0;
    }
    if (!(index instanceof Long value) || value < 0) {
      throw new IOException("index of " + of + " is not an integer: " + index);
    }
    return value;
  }

  private static @Nullable String epoch(Map<?, ?> answer) {
    return answer.get("epoch") instanceof String epoch ? epoch : null;
  }
}
