package dev.registry.client;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;

/**
 * A scripted registry for MockWebServer: answers by path (without query), from a queue of
 * scripted answers first, then from a default per path; records every request.
 */
final class FakeRegistry extends Dispatcher {
  private final Map<String, Deque<MockResponse>> scripted = new ConcurrentHashMap<>();
  private final Map<String, MockResponse> defaults = new ConcurrentHashMap<>();
  final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();

  FakeRegistry() {
    answer("/register", json(201, "{\"status\":\"registered\"}"));
    answer("/heartbeat", json(200, "{\"status\":\"ok\"}"));
    answer("/deregister", json(200, "{\"status\":\"deregistered\"}"));
    answer("/status", json(200, "{\"status\":\"ok\"}"));
  }

  static MockResponse json(int code, String body) {
    return new MockResponse.Builder().code(code)
        .addHeader("Content-Type", "application/json").body(body).build();
  }

  static MockResponse unknownInstance() {
    return json(404, "{\"error\":\"unknown_instance\",\"message\":\"no such instance\"}");
  }

  static MockResponse view(String service, long index, String... idsAndAddresses) {
    StringBuilder instances = new StringBuilder();
    for (int i = 0; i < idsAndAddresses.length; i += 2) {
      if (i > 0) {
        instances.append(',');
      }
      instances.append("{\"id\":\"").append(idsAndAddresses[i]).append("\",\"address\":\"")
          .append(idsAndAddresses[i + 1])
          .append("\",\"stage\":\"default\",\"status\":\"UP\",\"metadata\":{},")
          .append("\"uptime_seconds\":1.5,\"ttl_seconds\":15}");
    }
    return json(200, "{\"service\":\"" + service + "\",\"stage\":\"default\",\"index\":" + index
        + ",\"count\":" + idsAndAddresses.length / 2 + ",\"instances\":[" + instances + "]}");
  }

  /** The default answer of {@code path}. */
  FakeRegistry answer(String path, MockResponse response) {
    defaults.put(path, response);
    return this;
  }

  /** Answers the next request to {@code path} with {@code response}, before the default. */
  FakeRegistry then(String path, MockResponse response) {
    scripted.computeIfAbsent(path, p -> new ArrayDeque<>()).add(response);
    return this;
  }

  List<RecordedRequest> requests(String path) {
    List<RecordedRequest> matching = new ArrayList<>();
    for (RecordedRequest r : requests) {
      if (r.getUrl().encodedPath().equals(path)) {
        matching.add(r);
      }
    }
    return matching;
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    requests.add(request);
    String path = request.getUrl().encodedPath();
    for (String key : List.of(path, path.substring(0, Math.max(1, path.indexOf('/', 1))))) {
      Deque<MockResponse> queue = scripted.get(key);
      if (queue != null) {
        synchronized (queue) {
          MockResponse next = queue.poll();
          if (next != null) {
            return next;
          }
        }
      }
    }
    for (Map.Entry<String, MockResponse> e : defaults.entrySet()) {
      if (path.equals(e.getKey()) || path.startsWith(e.getKey() + "/")) {
        return e.getValue();
      }
    }
    return json(404, "{\"error\":\"not_found\",\"message\":\"no route " + path + "\"}");
  }
}
