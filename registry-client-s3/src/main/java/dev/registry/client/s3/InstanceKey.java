package dev.registry.client.s3;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.registry.client.ServiceInstance;
import dev.registry.client.Status;
import dev.registry.client.spi.Json;
import dev.registry.client.spi.JsonViews;
import java.io.IOException;
import java.net.URI;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The key of a registration's object, which carries the instance (docs/s3.md):
 * {@code {prefix}{stage}/{service}/{id}/{STATUS}~{ttl}~{payload}}, the payload being
 * {@code {"address":..,"metadata":{..}}} in base64url without padding, or empty when the key
 * would pass S3's 1,024 bytes: the object's body then holds the instance ({@link #body}).
 *
 * @param service the service
 * @param id the instance id
 * @param status the status (a status this client does not know reads as DOWN: never chosen)
 * @param ttlSeconds the lease TTL the writer renews within
 * @param address the address, or null when the body holds the instance
 * @param metadata the metadata (empty when the body holds the instance)
 */
record InstanceKey(String service, String id, Status status, long ttlSeconds,
    @Nullable URI address, Map<String, String> metadata) {
  /** S3's limit on a key, in bytes of UTF-8 (our keys are ASCII). */
  static final int MAX_KEY = 1024;
  private static final char SEPARATOR = '~';

  /** Whether the instance is in the object's body rather than in the key. */
  boolean inBody() {
    return address == null;
  }

  /** The key prefix of every registration of {@code stage} under {@code prefix}. */
  static String stagePrefix(String prefix, String stage) {
    return prefix + stage + "/";
  }

  /** The key prefix of every registration of a service. */
  static String servicePrefix(String prefix, String stage, String service) {
    return stagePrefix(prefix, stage) + service + "/";
  }

  /** The key prefix of every object of one instance (one, or two during a status change). */
  static String instancePrefix(String prefix, String stage, String service, String id) {
    return servicePrefix(prefix, stage, service) + id + "/";
  }

  /**
   * The key of {@code instance} (its stage set), leased for {@code ttlSeconds}.
   *
   * @param prefix the location's prefix, empty or ending with {@code /}
   */
  static String of(String prefix, ServiceInstance instance, long ttlSeconds) {
    String start = instancePrefix(prefix, stageOf(instance), instance.service(), instance.id())
        + instance.status().name() + SEPARATOR + ttlSeconds + SEPARATOR;
    String payload = Base64.getUrlEncoder().withoutPadding().encodeToString(new Json.ObjectWriter()
        .field("address", instance.address().toString())
        .field("metadata", instance.metadata())
        .toString().getBytes(UTF_8));
    return start.length() + payload.length() <= MAX_KEY ? start + payload : start;
  }

  /**
   * Reads a key listed under {@code stagePrefix}; empty for a key that is not a registration's
   * (someone else's object under the prefix, a key of another layout).
   */
  static Optional<InstanceKey> parse(String stagePrefix, String key) {
    if (!key.startsWith(stagePrefix)) {
      return Optional.empty();
    }
    String[] parts = key.substring(stagePrefix.length()).split("/", -1);
    if (parts.length != 3) {
      return Optional.empty();
    }
    String[] lease = parts[2].split(String.valueOf(SEPARATOR), -1);
    if (lease.length != 3) {
      return Optional.empty();
    }
    try {
      long ttl = Long.parseLong(lease[1]);
      if (ttl < 1) {
        return Optional.empty();
      }
      if (lease[2].isEmpty()) {
        return Optional.of(new InstanceKey(parts[0], parts[1], status(lease[0]), ttl, null, Map.of()));
      }
      Map<?, ?> payload = JsonViews.object(
          Json.parse(new String(Base64.getUrlDecoder().decode(lease[2]), UTF_8)), "payload");
      if (!(payload.get("address") instanceof String address)) {
        return Optional.empty();
      }
      return Optional.of(new InstanceKey(parts[0], parts[1], status(lease[0]), ttl,
          URI.create(address), strings(payload.get("metadata"))));
    } catch (IOException | IllegalArgumentException e) {
      return Optional.empty(); // not ours: a reader skips what it cannot read
    }
  }

  /**
   * The instance in {@code stage}; only for a key that carries it.
   *
   * @throws IllegalArgumentException if a field breaks the instance's rules
   */
  ServiceInstance instance(String stage) {
    if (address == null) {
      throw new IllegalStateException("the instance of " + this + " is in the object's body");
    }
    return new ServiceInstance(service, id, address, stage, status, metadata);
  }

  /** The object's body: the instance as JSON, with its lease TTL. */
  static String body(ServiceInstance instance, long ttlSeconds) {
    return new Json.ObjectWriter()
        .field("service", instance.service())
        .field("id", instance.id())
        .field("address", instance.address().toString())
        .field("stage", stageOf(instance))
        .field("status", instance.status().name())
        .field("metadata", instance.metadata())
        .field("ttl_seconds", ttlSeconds)
        .toString();
  }

  /**
   * Reads an object's body, for a key that does not carry the instance; its status is the key's
   * (the one the reader believes).
   *
   * @throws IOException if the body is not this key's instance
   */
  ServiceInstance instanceFromBody(String body, String stage) throws IOException {
    Map<?, ?> fields = JsonViews.object(Json.parse(body), "the body of " + service + "/" + id);
    if (!(fields.get("address") instanceof String a) || !id.equals(fields.get("id"))) {
      throw new IOException("the body of " + service + "/" + id + " is not its instance");
    }
    try {
      return new ServiceInstance(service, id, URI.create(a), stage, status, strings(fields.get("metadata")));
    } catch (IllegalArgumentException e) {
      throw new IOException("the body of " + service + "/" + id + ": " + e.getMessage(), e);
    }
  }

  private static Map<String, String> strings(@Nullable Object object) {
    Map<String, String> out = new LinkedHashMap<>();
    if (object instanceof Map<?, ?> map) {
      for (Map.Entry<?, ?> e : map.entrySet()) {
        if (e.getKey() instanceof String k && e.getValue() instanceof String v) {
          out.put(k, v);
        }
      }
    }
    return out;
  }

  private static Status status(String name) {
    for (Status s : Status.values()) {
      if (s.name().equals(name)) {
        return s;
      }
    }
    return Status.DOWN;
  }

  private static String stageOf(ServiceInstance instance) {
    String stage = instance.stage();
    if (stage == null) {
      throw new IllegalStateException("stage not resolved: " + instance);
    }
    return stage;
  }
}
