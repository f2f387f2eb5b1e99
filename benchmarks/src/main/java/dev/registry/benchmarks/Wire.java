package dev.registry.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Plain HTTP calls to the reference server for setting up benchmarks (not measured). */
final class Wire {
  private static final HttpClient HTTP = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5))
      .build();

  private Wire() {}

  /** Registers an instance with a lease of {@code ttlSeconds}; fails unless 200/201. */
  static void register(URI registry, String service, String id, String address, int ttlSeconds) {
    String body = "{\"service\":\"" + service + "\",\"id\":\"" + id + "\",\"address\":\"" + address
        + "\",\"ttl_seconds\":" + ttlSeconds + "}";
    post(registry, "/register", body);
  }

  static String post(URI registry, String path, String body) {
    HttpRequest request = HttpRequest.newBuilder(registry.resolve(path))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .build();
    try {
      HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() / 100 != 2) {
        throw new IllegalStateException(path + " answered " + response.statusCode() + ": " + response.body());
      }
      return response.body();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  static String get(URI registry, String path) {
    HttpRequest request = HttpRequest.newBuilder(registry.resolve(path)).GET().build();
    try {
      return HTTP.send(request, HttpResponse.BodyHandlers.ofString()).body();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
