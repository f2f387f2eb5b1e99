package dev.registry.client.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.registry.client.ServiceInstance;
import dev.registry.client.ServiceView;
import dev.registry.client.Status;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The JSON of the reference server's wire (docs/api.md), written and read with jackson-core's
 * streaming API. No jackson-databind: its ObjectMapper costs hundreds of milliseconds of class
 * loading and reflection at a cold start, for a handful of flat documents. The only class of
 * the client that touches Jackson, and loaded only at the first request.
 */
final class JsonCodec {
  private static final JsonFactory FACTORY = new JsonFactory();

  private JsonCodec() {}

  /** The parts of an error answer: {@code {"error": ..., "message": ...}}. */
  record Error(String error, String message) {}

  static String register(ServiceInstance instance, String stage, long ttlSeconds) {
    return register(instance, stage, ttlSeconds, null);
  }

  static String register(ServiceInstance instance, String stage, long ttlSeconds, @Nullable String secret) {
    return write(g -> {
      g.writeStringField("service", instance.service());
      g.writeStringField("address", instance.address().toString());
      g.writeStringField("id", instance.id());
      g.writeStringField("stage", stage);
      g.writeStringField("status", instance.status().name());
      g.writeObjectFieldStart("metadata");
      for (Map.Entry<String, String> e : instance.metadata().entrySet()) {
        g.writeStringField(e.getKey(), e.getValue());
      }
      g.writeEndObject();
      g.writeNumberField("ttl_seconds", ttlSeconds);
      secret(g, secret);
    });
  }

  static String instanceRef(String service, String id, String stage) {
    return instanceRef(service, id, stage, null);
  }

  static String instanceRef(String service, String id, String stage, @Nullable String secret) {
    return write(g -> {
      g.writeStringField("service", service);
      g.writeStringField("id", id);
      g.writeStringField("stage", stage);
      secret(g, secret);
    });
  }

  static String status(String service, String id, String stage, Status status) {
    return status(service, id, stage, status, null);
  }

  static String status(String service, String id, String stage, Status status, @Nullable String secret) {
    return write(g -> {
      g.writeStringField("service", service);
      g.writeStringField("id", id);
      g.writeStringField("stage", stage);
      g.writeStringField("status", status.name());
      secret(g, secret);
    });
  }

  private static void secret(JsonGenerator g, @Nullable String secret) throws IOException {
    if (secret != null) {
      g.writeStringField("instance_secret", secret);
    }
  }

  /** The {@code id} and {@code instance_secret} of a register answer; each null when absent. */
  record Registered(@Nullable String id, @Nullable String secret) {}

  static Registered registered(String body) throws IOException {
    try (JsonParser p = FACTORY.createParser(body)) {
      expectObject(p);
      String id = null;
      String secret = null;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken value = p.nextToken();
        if ("id".equals(name) && value == JsonToken.VALUE_STRING) {
          id = p.getText();
        } else if ("instance_secret".equals(name) && value == JsonToken.VALUE_STRING) {
          secret = p.getText();
        } else {
          p.skipChildren();
        }
      }
      return new Registered(id, secret);
    }
  }

  /** Reads the {@code id} of a register answer, or null when it has none. */
  static @Nullable String registeredId(String body) throws IOException {
    try (JsonParser p = FACTORY.createParser(body)) {
      expectObject(p);
      String id = null;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken value = p.nextToken();
        if ("id".equals(name) && value == JsonToken.VALUE_STRING) {
          id = p.getText();
        } else {
          p.skipChildren();
        }
      }
      return id;
    }
  }

  /** Reads an error answer leniently: any body that is not one gives empty fields. */
  static Error error(String body) {
    String error = "";
    String message = "";
    try (JsonParser p = FACTORY.createParser(body)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return new Error("", body);
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken value = p.nextToken();
        if ("error".equals(name) && value == JsonToken.VALUE_STRING) {
          error = p.getText();
        } else if ("message".equals(name) && value == JsonToken.VALUE_STRING) {
          message = p.getText();
        } else {
          p.skipChildren();
        }
      }
    } catch (IOException e) {
      return new Error("", body);
    }
    return new Error(error, message);
  }

  /**
   * Reads a discover answer (a 200, or a 404 for an unknown service, which lists no
   * instance). Unknown fields are skipped. Strict about the rest: a body that is not one whole
   * JSON object, whose {@code instances} holds anything but instance objects, whose
   * {@code index} is not an integer, or whose {@code service} is another service, is
   * unreadable, so a cut, garbled or misdirected answer never becomes a view.
   */
  static ServiceView view(String body, String service, String stage) throws IOException {
    try (JsonParser p = FACTORY.createParser(body)) {
      expectObject(p);
      long index = 0;
      String theStage = stage;
      List<ServiceInstance> instances = new ArrayList<>();
      JsonToken token;
      while ((token = p.nextToken()) == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken value = p.nextToken();
        if ("index".equals(name)) {
          if (value != JsonToken.VALUE_NUMBER_INT) {
            throw new IOException("index of " + service + " is not an integer: " + value);
          }
          index = p.getLongValue();
        } else if ("service".equals(name) && value == JsonToken.VALUE_STRING) {
          if (!service.equals(p.getText())) {
            throw new IOException("asked for " + service + ", answered " + p.getText());
          }
        } else if ("stage".equals(name) && value == JsonToken.VALUE_STRING) {
          theStage = p.getText();
        } else if ("instances".equals(name) && value == JsonToken.START_ARRAY) {
          JsonToken item;
          while ((item = p.nextToken()) == JsonToken.START_OBJECT) {
            instances.add(instance(p, service, stage));
          }
          if (item != JsonToken.END_ARRAY) {
            throw new IOException("instances of " + service + " hold a " + item);
          }
        } else if ("instances".equals(name) && value != JsonToken.VALUE_NULL) {
          throw new IOException("instances of " + service + " is a " + value);
        } else {
          p.skipChildren();
        }
      }
      if (token != JsonToken.END_OBJECT || p.nextToken() != null) {
        throw new IOException("the view of " + service + " is not one JSON object");
      }
      return new ServiceView(service, theStage, index, instances, false);
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new IOException("unreadable view of " + service + ": " + e.getMessage(), e);
    }
  }

  /** One view in the wire's discover shape, for the snapshot file. */
  static String viewLine(ServiceView view) {
    return write(g -> {
      g.writeStringField("service", view.service());
      g.writeStringField("stage", view.stage());
      g.writeNumberField("index", view.index());
      g.writeArrayFieldStart("instances");
      for (ServiceInstance i : view.instances()) {
        g.writeStartObject();
        g.writeStringField("id", i.id());
        g.writeStringField("address", i.address().toString());
        g.writeStringField("stage", i.stage() != null ? i.stage() : view.stage());
        g.writeStringField("status", i.status().name());
        g.writeObjectFieldStart("metadata");
        for (Map.Entry<String, String> e : i.metadata().entrySet()) {
          g.writeStringField(e.getKey(), e.getValue());
        }
        g.writeEndObject();
        g.writeEndObject();
      }
      g.writeEndArray();
    });
  }

  /** Reads a line that {@link #viewLine(ServiceView)} wrote. */
  static ServiceView viewLine(String line) throws IOException {
    String service = null;
    String stage = null;
    try (JsonParser p = FACTORY.createParser(line)) {
      expectObject(p);
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken value = p.nextToken();
        if ("service".equals(name) && value == JsonToken.VALUE_STRING) {
          service = p.getText();
        } else if ("stage".equals(name) && value == JsonToken.VALUE_STRING) {
          stage = p.getText();
        } else {
          p.skipChildren();
        }
      }
    }
    if (service == null || stage == null) {
      throw new IOException("a saved view without service or stage");
    }
    return view(line, service, stage);
  }

  private static ServiceInstance instance(JsonParser p, String service, String stage)
      throws IOException {
    String id = null;
    String address = null;
    String theStage = stage;
    Status status = Status.UP;
    Map<String, String> metadata = new LinkedHashMap<>();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken value = p.nextToken();
      if (value == JsonToken.VALUE_STRING && "id".equals(name)) {
        id = p.getText();
      } else if (value == JsonToken.VALUE_STRING && "address".equals(name)) {
        address = p.getText();
      } else if (value == JsonToken.VALUE_STRING && "stage".equals(name)) {
        theStage = p.getText();
      } else if (value == JsonToken.VALUE_STRING && "status".equals(name)) {
        status = parseStatus(p.getText());
      } else if (value == JsonToken.START_OBJECT && "metadata".equals(name)) {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String key = p.currentName();
          if (p.nextToken() == JsonToken.VALUE_STRING) {
            metadata.put(key, p.getText());
          } else {
            p.skipChildren();
          }
        }
      } else {
        p.skipChildren();
      }
    }
    if (id == null || address == null) {
      throw new IOException("instance of " + service + " without id or address");
    }
    return new ServiceInstance(service, id, URI.create(address), theStage, status, metadata);
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

  private static void expectObject(JsonParser p) throws IOException {
    if (p.nextToken() != JsonToken.START_OBJECT) {
      throw new IOException("expected a JSON object");
    }
  }

  private interface Fields {
    void write(JsonGenerator g) throws IOException;
  }

  private static String write(Fields fields) {
    StringWriter out = new StringWriter(256);
    try (JsonGenerator g = FACTORY.createGenerator(out)) {
      g.writeStartObject();
      fields.write(g);
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a StringWriter does not fail
    }
    return out.toString();
  }
}
