package dev.registry.spring;

import dev.registry.client.etcd.EtcdCluster;
import dev.registry.server.RegistryServer;
import dev.registry.server.TestCertificates;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The reference server in-process on an ephemeral loopback port, or a real etcd member, and a
 * reader of what it holds that does not go through the client under test.
 */
final class Registry implements AutoCloseable {
  private static final HttpClient HTTP = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(10)).build();
  private static final JsonMapper JSON = JsonMapper.builder().build();

  final RegistryServer server;
  /** The etcd member instead of the server, or null. */
  private final @org.jspecify.annotations.Nullable EtcdCluster etcd;
  /** The reader's own HTTP client (for an HTTPS registry, one that trusts its certificate). */
  private final HttpClient http;

  Registry() {
    this((String) null);
  }

  /** A registry whose writes need {@code token} (none when null). */
  Registry(@org.jspecify.annotations.Nullable String token) {
    RegistryServer.Builder builder = RegistryServer.builder().host("127.0.0.1").port(0);
    if (token != null) {
      builder.token(token);
    }
    server = builder.build().start();
    etcd = null;
    http = HTTP;
  }

  /** One real etcd member (docs/etcd.md), read through its JSON gateway. */
  Registry(EtcdCluster etcd) {
    this.server = null;
    this.etcd = etcd;
    this.http = HTTP;
  }

  /** An HTTPS registry serving the certificate of {@code certificates}; read trusting it. */
  Registry(TestCertificates certificates) {
    server = RegistryServer.builder().host("127.0.0.1").port(0)
        .tls(certificates.keyStore, TestCertificates.PASSWORD).build().start();
    etcd = null;
    http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
        .sslContext(certificates.trustingContext()).build();
  }

  String url() {
    return etcd != null ? etcd.clientUrls("etcd").get(0).toString() : server.uri().toString();
  }

  /** Instance id → status of the service's live instances in {@code stage}, read raw. */
  Map<String, String> statuses(String service, String stage) {
    Map<String, String> result = new LinkedHashMap<>();
    for (JsonNode instance : discover(service, stage).path("instances")) {
      result.put(instance.path("id").asString(), instance.path("status").asString());
    }
    return result;
  }

  Map<String, String> statuses(String service) {
    return statuses(service, "default");
  }

  /** Instance id → address. */
  Map<String, String> addresses(String service) {
    Map<String, String> result = new LinkedHashMap<>();
    for (JsonNode instance : discover(service, "default").path("instances")) {
      result.put(instance.path("id").asString(), instance.path("address").asString());
    }
    return result;
  }

  JsonNode discover(String service, String stage) {
    if (etcd == null) {
      return JSON.readTree(get(http, server.uri() + "/discover/" + service + "?stage=" + stage).body());
    }
    // The instances' JSON at /registry/{stage}/{service}/{id}, as a view of the reference wire.
    String prefix = "/registry/" + stage + "/" + service + "/";
    String end = prefix.substring(0, prefix.length() - 1) + "0";
    JsonNode range = JSON.readTree(post(etcd.clientUrls().get(0) + "/v3/kv/range",
        "{\"key\":\"" + base64(prefix) + "\",\"range_end\":\"" + base64(end) + "\"}"));
    tools.jackson.databind.node.ObjectNode view = JSON.createObjectNode();
    tools.jackson.databind.node.ArrayNode instances = view.putArray("instances");
    for (JsonNode kv : range.path("kvs")) {
      instances.add(JSON.readTree(new String(Base64.getDecoder().decode(kv.path("value").asString()),
          StandardCharsets.UTF_8)));
    }
    return view;
  }

  /** Writes configuration as an operator would ({@code POST /config/{service}}); answers the new index. */
  long writeConfig(String service, String body) {
    return writeConfig(server.uri(), service, body);
  }

  /** Writes configuration to the reference server at {@code base}; answers the new index. */
  static long writeConfig(URI base, String service, String body) {
    try {
      HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/config/" + service))
          .timeout(Duration.ofSeconds(5)).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        throw new IllegalStateException("POST /config/" + service + " answered " + r.statusCode() + ": " + r.body());
      }
      return JSON.readTree(r.body()).path("index").asLong();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private String post(String uri, String body) {
    try {
      return http.send(HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(5))
          .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString()).body();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  static HttpResponse<String> get(String uri) {
    return get(HTTP, uri);
  }

  private static HttpResponse<String> get(HttpClient http, String uri) {
    try {
      return http.send(HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(5)).build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Registers an instance over the wire, as another process would; returns the status code. */
  int register(String service, String id, String address) {
    try {
      return http.send(HttpRequest.newBuilder(server.uri().resolve("/register"))
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString("{\"service\": \"" + service + "\", \"id\": \"" + id
                  + "\", \"address\": \"" + address + "\", \"ttl_seconds\": 600}"))
              .timeout(Duration.ofSeconds(5)).build(),
          HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * Whether something answers HTTP on the loopback port. A closed port is refused at once; the
   * generous timeout is for a loaded test machine, where a live server may be slow.
   */
  static boolean answers(int port) {
    try {
      HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
          .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.discarding());
      return true;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  @Override
  public void close() {
    if (etcd != null) {
      etcd.close();
    } else {
      server.close();
    }
  }
}
