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

  /**
   * The body of a heartbeat or deregistration: the instance by its id, and by its address too,
   * for a registry that knows instances only by their address (the seed's).
   */
  static String instanceRef(ServiceInstance instance, String stage, @Nullable String secret) {
    return refWriter(instance, stage, secret).toString();
  }

  /** A heartbeat that reports the configuration index the instance applied ({@code config_index}). */
  static String heartbeat(ServiceInstance instance, String stage, @Nullable String secret, long configIndex) {
    return refWriter(instance, stage, secret).field("config_index", configIndex).toString();
  }

  /** The body of {@code POST /status}: the instance as for a heartbeat, and its new status. */
  static String status(ServiceInstance instance, String stage, Status status, @Nullable String secret) {
    return refWriter(instance, stage, secret).field("status", status.name()).toString();
  }

  private static Json.ObjectWriter refWriter(ServiceInstance instance, String stage, @Nullable String secret) {
    return secret(new Json.ObjectWriter()
        .field("service", instance.service())
        .field("id", instance.id())
        .field("address", instance.address().toString())
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

  private static Json.ObjectWriter secret(Json.ObjectWriter w, @Nullable String secret) {
    return secret == null ? w : w.field("instance_secret", secret);
  }

  static Registered registered(String body) throws IOException {
    Map<?, ?> answer = JsonViews.object(Json.parse(body), "a register answer");
    return new Registered(answer.get("id") instanceof String id ? id : null,
        answer.get("instance_secret") instanceof String secret ? secret : null);
  }

  /** A top-level field of a JSON object, or null when the body is not one or has no such field. */
  private static @Nullable Object field(String body, String name) {
    try {
      return Json.parse(body) instanceof Map<?, ?> answer ? answer.get(name) : null;
    } catch (IOException e) {
      return null;
    }
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
   * Whether a 404 says that the registry does not know the service or instance asked about: our
   * {@code unknown_service} and {@code unknown_instance}, or the seed's {@code "status":
   * "not_found"} (a 404 for a route that does not exist says neither).
   */
  static boolean unknown(String body) {
    Error error = error(body);
    return error.error().equals("unknown_service") || error.error().equals("unknown_instance")
        || (error.error().isEmpty() && "not_found".equals(field(body, "status")));
  }

  /**
   * Whether a 404 says that the route does not exist: the reference server's {@code not_found},
   * or an answer without a registry's JSON error (another web server at that URL, or the seed's),
   * unless it is the seed's word for an unknown service or instance ({@link #unknown}).
   */
  static boolean noSuchRoute(String body) {
    String error = error(body).error();
    return (error.equals("not_found") || error.isEmpty()) && !unknown(body);
  }

  /**
   * Whether a 404 to {@code GET /discover/{service}} says that the registry does not know the
   * service: {@link #unknown}, or, as the seed answers, a view of it that lists no instance.
   */
  static boolean unknownService(String body, String service) {
    return unknown(body)
        || (service.equals(field(body, "service")) && field(body, "instances") instanceof List<?> none && none.isEmpty());
  }

  /** A discover answer's view in an answer of its own, and whether it carried an {@code index}. */
  record Indexed(StageViews views, boolean indexed) {}

  /**
   * Reads a discover answer (a 200, or a 404 for an unknown service, which lists no
   * instance), complete for its one service, with the run that answered. Strict about its
   * structure ({@link JsonViews}), so a cut, garbled or misdirected answer never becomes a view.
   */
  static Indexed view(String body, String service, String stage, int maxInstances) throws IOException {
    Map<?, ?> fields = JsonViews.object(Json.parse(body), "a view of " + service);
    ServiceView view = JsonViews.view(fields, service, stage, maxInstances);
    return new Indexed(new StageViews(view.stage(), view.index(), epoch(fields), true, Map.of(service, view)),
        fields.get("index") != null);
  }

  /**
   * Reads the seed's {@code GET /services} answer, {@code {"services": {"name":
   * {"active_instances": 2, ...}}}}: the names of the services with an active instance (every
   * name listed, when it does not count them), sorted.
   */
  static List<String> serviceNames(String body) throws IOException {
    Map<?, ?> answer = JsonViews.object(Json.parse(body), "a list of services");
    if (!(answer.get("services") instanceof Map<?, ?> services)) {
      throw new IOException("a list of services has no services object");
    }
    List<String> names = new ArrayList<>();
    for (var e : services.entrySet()) {
      Object active = e.getValue() instanceof Map<?, ?> counts ? counts.get("active_instances") : null;
      if (!(active instanceof Long n) || n > 0) {
        names.add((String) e.getKey());
      }
    }
    names.sort(null);
    return names;
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
