package dev.registry.client;

import dev.registry.client.spi.Json;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;

/**
 * A registry that speaks only the plain seed API (../shared/seeds/004_*.txt, the Flask registry
 * our server's routes copy), for MockWebServer: {@code POST /register} (201 new, 200 known),
 * {@code GET /discover/{service}} (404 with no instance for an unknown service),
 * {@code POST /heartbeat} and {@code /deregister} by {@code service} and {@code address} (404
 * unknown), 400 when either field is missing, {@code GET /services} and {@code /health} in the
 * seed's shapes. Its answers carry no id, stage, index, lease or secret; it ignores every field
 * and query parameter it does not know; any other route is Flask's HTML 404. Instances whose
 * last heartbeat is older than the timeout are left out, as the seed's are. Shared with the
 * adapters' tests (this module's test jar).
 */
public final class SeedRegistry extends Dispatcher {
  private static final long HEARTBEAT_TIMEOUT_MILLIS = 30_000;
  private static final String MISSING = "{\"status\":\"error\",\"message\":\"Missing required fields: service and address\"}";

  /** One registered address: the seed keeps no more. */
  private static final class Entry {
    final String address;
    final long registeredAt = System.currentTimeMillis();
    volatile long lastHeartbeat = registeredAt;

    Entry(String address) {
      this.address = address;
    }

    boolean active() {
      return System.currentTimeMillis() - lastHeartbeat < HEARTBEAT_TIMEOUT_MILLIS;
    }
  }

  private final Map<String, List<Entry>> registry = new LinkedHashMap<>();
  /** Every request, in order. */
  public final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();

  /** The registry's memory is lost, as when the seed's process restarts. */
  public synchronized void forgetEverything() {
    registry.clear();
  }

  /** The addresses of the active instances of {@code service}. */
  public synchronized List<String> addresses(String service) {
    List<String> addresses = new ArrayList<>();
    for (Entry e : registry.getOrDefault(service, List.of())) {
      if (e.active()) {
        addresses.add(e.address);
      }
    }
    return addresses;
  }

  public List<RecordedRequest> requests(String path) {
    return requests.stream().filter(r -> r.getUrl().encodedPath().equals(path)).toList();
  }

  /** The fields of a request's JSON body. */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> body(RecordedRequest request) {
    try {
      return (Map<String, Object>) Json.parse(request.getBody().utf8());
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    requests.add(request);
    String path = request.getUrl().encodedPath();
    String method = request.getMethod();
    synchronized (this) {
      if (method.equals("GET") && path.startsWith("/discover/") && path.indexOf('/', 10) < 0) {
        return discover(path.substring("/discover/".length()));
      }
      if (method.equals("GET") && path.equals("/services")) {
        return services();
      }
      if (method.equals("GET") && path.equals("/health")) {
        return json(200, "{\"status\":\"healthy\",\"timestamp\":\"" + Instant.now() + "\"}");
      }
      if (method.equals("POST") && List.of("/register", "/heartbeat", "/deregister").contains(path)) {
        Map<?, ?> body;
        try {
          // Flask's request.json reads only a body declared as JSON.
          String type = request.getHeaders().get("Content-Type");
          body = type != null && type.startsWith("application/json")
              ? (Map<?, ?>) Json.parse(request.getBody().utf8()) : null;
        } catch (IOException | ClassCastException e) {
          body = null;
        }
        if (body == null || !(body.get("service") instanceof String service)
            || !(body.get("address") instanceof String address)) {
          return json(400, MISSING);
        }
        return switch (path) {
          case "/register" -> register(service, address);
          case "/heartbeat" -> heartbeat(service, address);
          default -> deregister(service, address);
        };
      }
    }
    return new MockResponse.Builder().code(404).addHeader("Content-Type", "text/html; charset=utf-8")
        .body("<!doctype html>\n<html lang=en>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n"
            + "<p>The requested URL was not found on the server.</p>\n").build();
  }

  private MockResponse register(String service, String address) {
    List<Entry> entries = registry.computeIfAbsent(service, s -> new ArrayList<>());
    for (Entry e : entries) {
      if (e.address.equals(address)) {
        e.lastHeartbeat = System.currentTimeMillis();
        return json(200, "{\"status\":\"updated\",\"message\":\"Service " + service + " at " + address
            + " heartbeat updated\"}");
      }
    }
    entries.add(new Entry(address));
    return json(201, "{\"status\":\"registered\",\"message\":\"Service " + service + " registered at "
        + address + "\"}");
  }

  private MockResponse discover(String service) {
    List<Entry> entries = registry.get(service);
    if (entries == null) {
      return json(404, "{\"service\":\"" + service + "\",\"instances\":[],\"message\":\"Service not found\"}");
    }
    StringBuilder instances = new StringBuilder();
    int count = 0;
    for (Entry e : entries) {
      if (e.active()) {
        instances.append(count++ == 0 ? "" : ",").append("{\"address\":\"").append(e.address)
            .append("\",\"uptime_seconds\":").append((System.currentTimeMillis() - e.registeredAt) / 1000.0)
            .append('}');
      }
    }
    return json(200, "{\"service\":\"" + service + "\",\"instances\":[" + instances + "],\"count\":" + count + "}");
  }

  private MockResponse heartbeat(String service, String address) {
    List<Entry> entries = registry.get(service);
    if (entries == null) {
      return json(404, "{\"status\":\"not_found\",\"message\":\"Service " + service + " not found\"}");
    }
    for (Entry e : entries) {
      if (e.address.equals(address)) {
        e.lastHeartbeat = System.currentTimeMillis();
        return json(200, "{\"status\":\"ok\",\"message\":\"Heartbeat updated\"}");
      }
    }
    return json(404, "{\"status\":\"not_found\",\"message\":\"Instance " + address + " not found for service "
        + service + "\"}");
  }

  private MockResponse deregister(String service, String address) {
    List<Entry> entries = registry.get(service);
    if (entries == null) {
      return json(404, "{\"status\":\"not_found\",\"message\":\"Service " + service + " not found\"}");
    }
    entries.removeIf(e -> e.address.equals(address));
    if (entries.isEmpty()) {
      registry.remove(service);
    }
    return json(200, "{\"status\":\"deregistered\",\"message\":\"Service " + service + " at " + address
        + " deregistered\"}");
  }

  private MockResponse services() {
    StringBuilder services = new StringBuilder();
    for (Map.Entry<String, List<Entry>> e : registry.entrySet()) {
      long active = e.getValue().stream().filter(Entry::active).count();
      services.append(services.length() == 0 ? "" : ",").append('"').append(e.getKey())
          .append("\":{\"total_instances\":").append(e.getValue().size())
          .append(",\"active_instances\":").append(active).append('}');
    }
    return json(200, "{\"services\":{" + services + "},\"total_services\":" + registry.size() + "}");
  }

  private static MockResponse json(int code, String body) {
    return new MockResponse.Builder().code(code).addHeader("Content-Type", "application/json").body(body).build();
  }
}
