package dev.registry.client.spi;

import dev.registry.address.AddressPolicy;
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
 * Instances and views in the JSON shape of the reference server's wire (docs/api.md): a view is
 * {@code {"service", "stage", "index", "instances": [{"id", "address", "stage", "status",
 * "metadata"}]}}, and a catalog holds views by service name under {@code "services"}. The HTTP
 * backend reads its answers with it and the core's snapshot file writes and reads its lines
 * with it; a backend that stores registrations as JSON may keep the same shape.
 *
 * <p>Reading skips unknown fields, so a writer may add fields freely, and is strict about the
 * rest: an {@code instances} that holds anything but instance objects, an {@code index} that is
 * not an integer, a {@code service} other than the one asked about, an instance without id or
 * address, or a field that breaks the naming rules of {@link ServiceInstance} is an
 * {@link IOException}, so a cut, garbled or misdirected document never becomes a view. A
 * status this client does not know reads as {@link Status#DOWN}: never chosen. An address whose
 * IPv4 host is written in another notation than a dotted quad is read as the dotted quad
 * ({@link AddressPolicy#canonical}).
 *
 * <p>Stateless and thread-safe.
 */
public final class JsonViews {
  private JsonViews() {}

  /**
   * Returns {@code parsed} as a JSON object.
   *
   * @param parsed a value from {@link Json#parse}
   * @param what what it should be, for the message
   * @return the object's fields
   * @throws IOException if it is not an object
   */
  public static Map<?, ?> object(@Nullable Object parsed, String what) throws IOException {
    if (!(parsed instanceof Map<?, ?> map)) {
      throw new IOException(what + " is not a JSON object");
    }
    return map;
  }

  /**
   * Reads a view from the fields of a view object. The stage of the view and of its instances is
   * the one they name, else {@code stage}; a missing {@code index} is 0.
   *
   * @param fields the view object's fields
   * @param service the service asked about
   * @param stage the stage asked about
   * @param maxInstances the most instances the view may hold ({@link
   *     BackendContext#maxInstancesPerView()}): a longer list is refused before any instance of it
   *     is read
   * @return the view, not stale
   * @throws IOException if the object is not a view of {@code service}, or lists more than
   *     {@code maxInstances} instances (the message names the limit)
   */
  public static ServiceView view(Map<?, ?> fields, String service, String stage, int maxInstances)
      throws IOException {
    try {
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
        if (list.size() > maxInstances) {
          throw new IOException("the view of " + service + " lists " + list.size()
              + " instances, more than the client's maxInstancesPerView (" + maxInstances + ")");
        }
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
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new IOException("unreadable view of " + service + ": " + e.getMessage(), e);
    }
  }

  /**
   * Reads the views of a catalog object: every entry of its {@code "services"} object, in the
   * document's order; none when it has no such field.
   *
   * @param catalog the catalog object's fields
   * @param stage the stage asked about
   * @param maxInstances the most instances one view may hold (see {@link #view})
   * @return the views by service name (mutable, in order)
   * @throws IOException if an entry is not a view, or lists too many instances
   */
  public static Map<String, ServiceView> views(Map<?, ?> catalog, String stage, int maxInstances)
      throws IOException {
    Map<String, ServiceView> views = new LinkedHashMap<>();
    if (catalog.get("services") instanceof Map<?, ?> services) {
      for (Map.Entry<?, ?> e : services.entrySet()) {
        String service = (String) e.getKey();
        views.put(service, view(object(e.getValue(), "service " + service + " of the catalog"),
            service, stage, maxInstances));
      }
    }
    return views;
  }

  /**
   * Writes the instances of a view as a JSON array of instance objects, each with its stage (the
   * view's when it names none).
   *
   * @param view the view
   * @return the array's JSON text
   */
  public static String instances(ServiceView view) {
    StringBuilder out = new StringBuilder("[");
    for (ServiceInstance i : view.instances()) {
      if (out.length() > 1) {
        out.append(',');
      }
      out.append(new Json.ObjectWriter()
          .field("id", i.id())
          .field("address", i.address().toString())
          .field("stage", i.stage() != null ? i.stage() : view.stage())
          .field("status", i.status().name())
          .field("metadata", i.metadata()));
    }
    return out.append(']').toString();
  }

  private static ServiceInstance instance(Map<?, ?> fields, String service, String stage)
      throws IOException {
    if (!(fields.get("id") instanceof String id) || !(fields.get("address") instanceof String address)) {
      throw new IOException("instance of " + service + " without id or address");
    }
    String theStage = fields.get("stage") instanceof String s ? s : stage;
    Status status = fields.get("status") instanceof String s ? status(s) : Status.UP;
    Map<String, String> metadata = new LinkedHashMap<>();
    if (fields.get("metadata") instanceof Map<?, ?> entries) {
      for (Map.Entry<?, ?> e : entries.entrySet()) {
        if (e.getValue() instanceof String value) {
          metadata.put((String) e.getKey(), value);
        }
      }
    }
    // An IPv4 host in another notation (0xA9FEA9FE, 0251.0376.0251.0376, a trailing dot) is
    // written as the dotted quad a caller would connect to, so that it is checked as what it is.
    return new ServiceInstance(service, id, AddressPolicy.canonical(URI.create(address)), theStage,
        status, metadata);
  }

  private static Status status(String text) {
    for (Status s : Status.values()) {
      if (s.name().equals(text)) {
        return s;
      }
    }
    return Status.DOWN;
  }
}
