package dev.registry.client.lambda;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;

/** A scripted registry for MockWebServer: an answer per path prefix; records every request. */
final class FakeRegistry extends Dispatcher {
  final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();
  private final Map<String, MockResponse> answers = new ConcurrentHashMap<>();

  FakeRegistry() {
    answer("/register", json(201, "{\"status\":\"registered\"}"));
    answer("/heartbeat", json(200, "{\"status\":\"ok\"}"));
    answer("/deregister", json(200, "{\"status\":\"deregistered\"}"));
  }

  static MockResponse json(int code, String body) {
    return new MockResponse.Builder().code(code)
        .addHeader("Content-Type", "application/json").body(body).build();
  }

  /** A catalog of one service with one UP instance at {@code address}. */
  static MockResponse catalog(String stage, String service, String address) {
    return json(200, "{\"stage\":\"" + stage + "\",\"index\":5,\"services\":{\"" + service
        + "\":{\"index\":5,\"count\":1,\"instances\":[{\"id\":\"i1\",\"address\":\"" + address
        + "\",\"stage\":\"" + stage + "\",\"status\":\"UP\",\"metadata\":{}}]}}}");
  }

  static MockResponse view(String stage, String service, long index, String address) {
    return json(200, "{\"service\":\"" + service + "\",\"stage\":\"" + stage + "\",\"index\":"
        + index + ",\"count\":1,\"instances\":[{\"id\":\"i" + index + "\",\"address\":\""
        + address + "\",\"stage\":\"" + stage + "\",\"status\":\"UP\",\"metadata\":{}}]}");
  }

  FakeRegistry answer(String pathPrefix, MockResponse response) {
    answers.put(pathPrefix, response);
    return this;
  }

  List<RecordedRequest> requests(String pathPrefix) {
    List<RecordedRequest> matching = new ArrayList<>();
    for (RecordedRequest r : requests) {
      if (r.getUrl().encodedPath().startsWith(pathPrefix)) {
        matching.add(r);
      }
    }
    return matching;
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    requests.add(request);
    String path = request.getUrl().encodedPath();
    for (Map.Entry<String, MockResponse> e : answers.entrySet()) {
      if (path.startsWith(e.getKey())) {
        return e.getValue();
      }
    }
    return json(404, "{\"error\":\"not_found\",\"message\":\"no route " + path + "\"}");
  }
}
