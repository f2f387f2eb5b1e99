package dev.registry.client.internal;

import dev.registry.client.ServiceInstance;
import dev.registry.client.ServiceView;
import dev.registry.client.Status;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The JSON of the reference server's wire (docs/api.md), on the small {@link Json} reader and
 * writer. No Jackson: jackson-databind's ObjectMapper costs hundreds of milliseconds of class
 * loading and reflection at a cold start, and even jackson-core's {@code JsonFactory} some
 * seventy classes (about 50 ms of a Lambda cold start, measured), for a handful of flat
 * documents. Unknown fields are skipped, so the server may add fields freely.
 */
final class JsonCodec {
  private JsonCodec() {}

  /** The parts of an error answer: {@code {"error": ..., "message": ...}}. */
  record Error(String error, String message) {}

  static String register(ServiceInstance instance, String stage, long ttlSeconds) {
    return register(instance, stage, ttlSeconds, null);
  }

  static String register(ServiceInstance instance, String stage, long ttlSeconds,
      @Nullable String secret) {
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

  static String instanceRef(String service, String id, String stage) {
    return instanceRef(service, id, stage, null);
  }

  static String instanceRef(String service, String id, String stage, @Nullable String secret) {
    return secret(new Json.ObjectWriter()
        .field("service", service)
        .field("id", id)
        .field("stage", stage), secret)
        .toString();
  }

  static String status(String service, String id, String stage, Status status) {
    return status(service, id, stage, status, null);
  }

  static String status(String service, String id, String stage, Status status,
      @Nullable String secret) {
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

  /** The {@code id} and {@code instance_secret} of a register answer; each null when absent. */
  record Registered(@Nullable String id, @Nullable String secret) {}

  static Registered registered(String body) throws IOException {
    Map<?, ?> answer = object(Json.parse(body), "a register answer");
    return new Registered(answer.get("id") instanceof String id ? id : null,
        answer.get("instance_secret") instanceof String secret ? secret : null);
  }

  /** Reads the {@code id} of a register answer, or null when it has none. */
  static @Nullable String registeredId(String body) throws IOException {
    Map<?, ?> answer = object(Json.parse(body), "a register answer");
    return answer.get("id") instanceof String id ? id : null;
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
   * instance). Unknown fields are skipped. Strict about the rest: a body that is not one whole
   * JSON object, whose {@code instances} holds anything but instance objects, whose
   * {@code index} is not an integer, or whose {@code service} is another service, is
   * unreadable, so a cut, garbled or misdirected answer never becomes a view.
   */
  static ServiceView view(String body, String service, String stage) throws IOException {
    try {
      return view(object(Json.parse(body), "a view of " + service), service, stage);
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new IOException("unreadable view of " + service + ": " + e.getMessage(), e);
    }
  }

  /**
   * Reads a catalog answer ({@code GET /catalog}): every service of the stage with its view,
   * in the registry's order. Unknown fields are skipped.
   */
  static Map<String, ServiceView> catalog(String body, String stage) throws IOException {
    try {
      return views(object(Json.parse(body), "a catalog"), stage);
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new IOException("unreadable catalog of stage " + stage + ": " + e.getMessage(), e);
    }
  }

  /**
   * Reads an answer of {@code GET /catalog?services=}: null when it carries no {@code delta}
   * (a registry that ignored the list and answered its whole catalog).
   */
  static RegistryBackend.@Nullable ServiceCatalog serviceCatalog(String body, String stage) throws IOException {
    try {
      Map<?, ?> catalog = object(Json.parse(body), "a catalog");
      if (!(catalog.get("delta") instanceof Boolean delta)) {
        return null;
      }
      if (!(catalog.get("index") instanceof Long index)) {
        throw new IOException("index of the catalog is not an integer: " + catalog.get("index"));
      }
      return new RegistryBackend.ServiceCatalog(index, delta, views(catalog, stage),
          catalog.get("epoch") instanceof String epoch ? epoch : null);
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new IOException("unreadable catalog of stage " + stage + ": " + e.getMessage(), e);
    }
  }

  private static Map<String, ServiceView> views(Map<?, ?> catalog, String stage) throws IOException {
    Map<String, ServiceView> views = new LinkedHashMap<>();
    if (catalog.get("services") instanceof Map<?, ?> services) {
      for (Map.Entry<?, ?> e : services.entrySet()) {
        String service = (String) e.getKey();
        views.put(service, view(object(e.getValue(), "service " + service + " of the catalog"),
            service, stage));
      }
    }
    return views;
  }

  /** The fields of a view object. */
  private static ServiceView view(Map<?, ?> fields, String service, String stage)
      throws IOException {
    Object index = fields.get("index");
    if (index != null && !(index instanceof Long)) {
      throw new IOException("index of " + service + " is not an integer: " + index);
    }
    if (fields.get("service") instanceof String named && !named.equals(service)) {
      throw new IOException("asked for " + service + ", answered " + named);
    }
    String theStage = fields.get("stage") instanceof String s ? s : stage;
    List<ServiceInstance> instances = new ArrayList<>();
    Object listed = fields.get("instances");
    if (listed instanceof List<?> list) {
      for (Object item : list) {
        if (!(item instanceof Map<?, ?> instance)) {
          throw new IOException("instances of " + service + " hold a " + item);
        }
        instances.add(instance(instance, service, stage));
      }
    } else if (listed != null) {
      throw new IOException("instances of " + service + " is a " + listed);
    }
    return new ServiceView(service, theStage, index == null ? 0 : (Long) index, instances, false);
  }

  /**
   * One view in the wire's discover shape, on one line, for the snapshot file, with the time
   * the registry last confirmed it ({@code saved_at}, epoch millis of the client's clock).
   */
  static String viewLine(ServiceView view, long savedAtMillis) {
    StringBuilder instances = new StringBuilder("[");
    for (ServiceInstance i : view.instances()) {
      if (instances.length() > 1) {
        instances.append(',');
      }
      instances.append(new Json.ObjectWriter()
          .field("id", i.id())
          .field("address", i.address().toString())
          .field("stage", i.stage() != null ? i.stage() : view.stage())
          .field("status", i.status().name())
          .field("metadata", i.metadata()));
    }
    return new Json.ObjectWriter()
        .field("service", view.service())
        .field("stage", view.stage())
        .field("index", view.index())
        .field("saved_at", savedAtMillis)
        .rawField("instances", instances.append(']').toString())
        .toString();
  }

  /**
   * A view read from the snapshot file.
   *
   * @param savedAtMillis its {@code saved_at}, or null in a line without one (written by an
   *     earlier version of the client)
   */
  record SavedView(ServiceView view, @Nullable Long savedAtMillis) {}

  /** Reads a line that {@link #viewLine(ServiceView, long)} wrote. */
  static SavedView viewLine(String line) throws IOException {
    Map<?, ?> fields = object(Json.parse(line), "a saved view");
    if (!(fields.get("service") instanceof String service)
        || !(fields.get("stage") instanceof String stage)) {
      throw new IOException("a saved view without service or stage");
    }
    Object savedAt = fields.get("saved_at");
    if (savedAt != null && !(savedAt instanceof Long)) {
      throw new IOException("saved_at of the saved view of " + service + " is not an integer: " + savedAt);
    }
    try {
      return new SavedView(view(fields, service, stage), (Long) savedAt);
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new IOException("unreadable saved view of " + service + ": " + e.getMessage(), e);
    }
  }

  private static ServiceInstance instance(Map<?, ?> fields, String service, String stage)
      throws IOException {
    Object id = fields.get("id");
    Object address = fields.get("address");
    if (!(id instanceof String theId) || !(address instanceof String theAddress)) {
      throw new IOException("instance of " + service + " without id or address");
    }
    String theStage = fields.get("stage") instanceof String s ? s : stage;
    Status status = fields.get("status") instanceof String s ? parseStatus(s) : Status.UP;
    Map<String, String> metadata = new LinkedHashMap<>();
    if (fields.get("metadata") instanceof Map<?, ?> entries) {
      for (Map.Entry<?, ?> e : entries.entrySet()) {
        if (e.getValue() instanceof String value) {
          metadata.put((String) e.getKey(), value);
        }
      }
    }
    return new ServiceInstance(service, theId, URI.create(theAddress), theStage, status, metadata);
  }

  private static Map<?, ?> object(@Nullable Object parsed, String what) throws IOException {
    if (!(parsed instanceof Map<?, ?> map)) {
      throw new IOException(what + " is not a JSON object");
    }
    return map;
  }

  private static Status parseStatus(String text) {
    for (Status s : Status.values()) {
      if (s.name().equals(text)) {
        return s;
      }
    }
    // A status this client does not know is not UP: never chosen.
    return Status.DOWN;
  }
}
