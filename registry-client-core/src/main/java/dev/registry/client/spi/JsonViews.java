package dev.registry.client.spi;

import dev.registry.address.AddressPolicy;
import dev.registry.client.ServiceInstance;
import dev.registry.client.ServiceView;
import dev.registry.client.Status;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
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
 * not an integer, a {@code service} other than the one asked about, an instance without
 * address, or a field that breaks the naming rules of {@link ServiceInstance} is an
 * {@link IOException}, so a cut, garbled or misdirected document never becomes a view. A
 * status this client does not know reads as {@link Status#DOWN}: never chosen. An address whose
 * IPv4 host is written in another notation than a dotted quad is read as the dotted quad
 * ({@link AddressPolicy#canonical}). An instance listed without an {@code id} (the seed's
 * registry lists none) is identified by its address: its id is the address without the
 * {@code //} ({@code http:10.0.0.5:8080}), or, when that breaks the id rule, a UUID derived
 * from the address.
 *
 * <p>Stateless and thread-safe.
 */
public final class JsonViews {
  /** The id rule of docs/api.md ("Names and limits"). */
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

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
      if (index != null && (!(index instanceof Long value) || value < 0)) {
        throw new IOException("index of " + service + " is not an integer of 0 or more: " + index);
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
    if (!(fields.get("address") instanceof String address)) {
      throw new IOException("instance of " + service + " without address");
    }
    Object listedId = fields.get("id");
    if (listedId != null && !(listedId instanceof String)) {
      throw new IOException("instance of " + service + " at " + address + " has an id that is not a string: " + listedId);
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
    URI canonical = AddressPolicy.canonical(URI.create(address));
    String id = listedId != null ? (String) listedId : addressId(canonical);
    return new ServiceInstance(service, id, canonical, theStage, status, metadata);
  }

  /**
   * The id of an instance listed without one (a registry that, as the seed's, knows instances
   * only by their address): the address without the {@code //} after its scheme
   * ({@code http:10.0.0.5:8080}) when that is a valid id, else a UUID derived from the address.
   * Either way two instances have the same id exactly when they have the same address.
   */
  private static String addressId(URI address) {
    String text = address.toString();
    String scheme = address.getScheme() + "://";
    String readable = text.startsWith(scheme) ? address.getScheme() + ":" + text.substring(scheme.length()) : text;
    return ID.matcher(readable).matches() ? readable
        : UUID.nameUUIDFromBytes(text.getBytes(StandardCharsets.UTF_8)).toString();
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
