package dev.registry.client.etcd;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.registry.client.RegistryException;
import dev.registry.client.RegistryRejectedException;
import dev.registry.client.RegistryUnavailableException;
import dev.registry.client.spi.HttpTransport;
import dev.registry.client.spi.Json;
import dev.registry.client.spi.RequestIds;
import dev.registry.client.spi.TransportRequest;
import dev.registry.client.spi.TransportResponse;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * etcd's v3 API as JSON over HTTP ({@code POST /v3/...}), through the client's transport: the
 * calls the backend needs, in etcd's own terms (leases, keys, ranges, a compare-and-set).
 *
 * <p>Each call makes one attempt at the current member ({@link Members}). A failure that another
 * member may not meet (no connection, a timeout, no leader, an overloaded member) is a
 * {@link RegistryUnavailableException} and moves to the next member; a refusal (invalid input,
 * permission denied, a wrong password) is a {@link RegistryRejectedException} whose error code is
 * the gRPC status in lower case ({@code invalid_argument}, {@code permission_denied}, ...).
 *
 * <p>With credentials, the first call authenticates and later calls send etcd's token; a call
 * that etcd answers "invalid auth token" (the token expired, or a restarted member forgot it)
 * authenticates again and is sent once more. Every call sends {@code Grpc-Metadata-hasleader},
 * so that a member cut off from its cluster fails at once rather than hanging (etcd-io/etcd#10819).
 *
 * <p>Keys and values are UTF-8 text; the wire's base64 and int64-as-string are handled here.
 * Thread-safe.
 */
final class Gateway {
  /** Asks etcd to refuse a stream on a member that has no leader (etcd-io/etcd#10819). */
  static final String HAS_LEADER = "Grpc-Metadata-hasleader";
  private static final String[] CODES = {"ok", "cancelled", "unknown", "invalid_argument",
      "deadline_exceeded", "not_found", "already_exists", "permission_denied",
      "resource_exhausted", "failed_precondition", "aborted", "out_of_range", "unimplemented",
      "internal", "unavailable", "data_loss", "unauthenticated"};
  private static final int NOT_FOUND = 5;
  private static final int UNAUTHENTICATED = 16;

  private final Members members;
  private final HttpTransport transport;
  private final @Nullable Credentials credentials;
  /** The ID of each request ({@code BackendContext.requestId}): etcd ignores it, a proxy may log it. */
  private final Supplier<String> requestIds;
  /** etcd's auth token, once authenticated; null before and after it expired. */
  private final AtomicReference<@Nullable String> token = new AtomicReference<>();

  Gateway(Members members, HttpTransport transport, @Nullable Credentials credentials,
      Supplier<String> requestIds) {
    this.members = members;
    this.transport = transport;
    this.credentials = credentials;
    this.requestIds = requestIds;
  }

  Members members() {
    return members;
  }

  // ---- leases

  /** {@code /v3/lease/grant}: a new lease of {@code ttl}, its id. */
  long grant(Duration ttl, Duration timeout) {
    Map<?, ?> answer = post("/v3/lease/grant", new Json.ObjectWriter().field("TTL", ttl.toSeconds()).toString(), timeout);
    return number(answer, "ID", "/v3/lease/grant");
  }

  /**
   * {@code /v3/lease/keepalive}, one renewal per request (etcd ignores more than one per
   * request, etcd-io/etcd#8237): the lease's TTL after it, empty when the lease is gone.
   */
  OptionalLong keepAlive(long lease, Duration timeout) {
    Map<?, ?> answer = post("/v3/lease/keepalive", idBody(lease), timeout);
    // A streamed call: its one answer comes wrapped in "result".
    Map<?, ?> result = answer.get("result") instanceof Map<?, ?> r ? r : answer;
    long ttl = result.get("TTL") == null ? 0 : number(result, "TTL", "/v3/lease/keepalive");
    return ttl > 0 ? OptionalLong.of(ttl) : OptionalLong.empty();
  }

  /** {@code /v3/lease/revoke}: ends a lease and deletes its keys; false if it was gone. */
  boolean revoke(long lease, Duration timeout) {
    return postUnlessNotFound("/v3/lease/revoke", idBody(lease), timeout).isPresent();
  }

  // ---- keys

  /**
   * {@code /v3/kv/put} of {@code value} at {@code key}, attached to {@code lease} (0 for none):
   * the revision it made.
   *
   * @throws RegistryRejectedException {@code not_found} when the lease is gone
   */
  long put(String key, String value, long lease, Duration timeout) {
    return revision(post("/v3/kv/put", putBody(key, value, lease).toString(), timeout), "/v3/kv/put");
  }

  /**
   * Writes {@code value} at {@code key} under {@code lease} only if the key is attached to that
   * lease now (a transaction comparing the key's lease): false, and nothing written, when the key
   * is gone or belongs to another lease.
   */
  boolean putIfLease(String key, String value, long lease, Duration timeout) {
    String txn = "{\"compare\":[" + leaseIs(key, lease) + "],\"success\":[{\"request_put\":"
        + putBody(key, value, lease) + "}]}";
    return succeeded(post("/v3/kv/txn", txn, timeout));
  }

  /**
   * Writes {@code value} at {@code key}, and {@code alsoPut}'s values at their keys, only if
   * {@code key} does not exist (a transaction comparing its {@code create_revision} with 0): false,
   * and nothing written, when it exists. Two racing writers cannot both succeed.
   */
  boolean putIfAbsent(String key, String value, Map<String, String> alsoPut, Duration timeout) {
    StringBuilder puts = new StringBuilder("{\"request_put\":" + putBody(key, value, 0) + "}");
    alsoPut.forEach((k, v) -> puts.append(",{\"request_put\":").append(putBody(k, v, 0)).append('}'));
    String absent = new Json.ObjectWriter().field("target", "CREATE").field("key", encode(key))
        .field("create_revision", "0").field("result", "EQUAL").toString();
    return succeeded(post("/v3/kv/txn", "{\"compare\":[" + absent + "],\"success\":[" + puts + "]}", timeout));
  }

  /** Deletes {@code key} only if it is attached to {@code lease}: false when it is not. */
  boolean deleteIfLease(String key, long lease, Duration timeout) {
    String txn = "{\"compare\":[" + leaseIs(key, lease) + "],\"success\":[{\"request_delete_range\":"
        + keyBody(key) + "}]}";
    return succeeded(post("/v3/kv/txn", txn, timeout));
  }

  /** {@code /v3/kv/deleterange} of one key: false when it did not exist. */
  boolean delete(String key, Duration timeout) {
    Map<?, ?> answer = post("/v3/kv/deleterange", keyBody(key), timeout);
    return answer.get("deleted") != null && number(answer, "deleted", "/v3/kv/deleterange") > 0;
  }

  /** {@code /v3/kv/range} of one key. */
  Optional<KeyValue> get(String key, Duration timeout) {
    List<KeyValue> kvs = read(keyBody(key), timeout).kvs();
    return kvs.isEmpty() ? Optional.empty() : Optional.of(kvs.get(0));
  }

  /** {@code /v3/kv/range} of every key under {@code prefix}, linearizable. */
  Range range(String prefix, Duration timeout) {
    return read(prefixBody(prefix).toString(), timeout);
  }

  /** {@code /v3/kv/range} of the keys under {@code prefix}, without their values. */
  Range keys(String prefix, Duration timeout) {
    return read(prefixBody(prefix).rawField("keys_only", "true").toString(), timeout);
  }

  private Range read(String body, Duration timeout) {
    Map<?, ?> answer = post("/v3/kv/range", body, timeout);
    List<KeyValue> kvs = new ArrayList<>();
    if (answer.get("kvs") instanceof List<?> list) {
      for (Object kv : list) {
        kvs.add(keyValue(kv, "/v3/kv/range"));
      }
    }
    return new Range(revision(answer, "/v3/kv/range"), clusterId(answer), kvs);
  }

  // ---- what WatchStream shares

  /**
   * The headers of a call to {@code member}: the leader requirement, and etcd's token when there
   * are credentials (authenticating first when there is none yet).
   */
  Map<String, String> headers(URI member, Duration timeout) {
    Map<String, String> headers = new HashMap<>();
    headers.put(HAS_LEADER, "true");
    if (credentials != null) {
      String t = token.get();
      headers.put("Authorization", t != null ? t : authenticate(member, timeout));
    }
    return headers;
  }

  /** {@code used} was refused as expired: the next call authenticates again. */
  void tokenExpired(Map<String, String> used) {
    String t = used.get("Authorization");
    if (t != null) {
      token.compareAndSet(t, null);
    }
  }

  boolean hasCredentials() {
    return credentials != null;
  }

  /** The ID of a new request, sent as {@link RequestIds#HEADER} and named by its failures. */
  String requestId() {
    return requestIds.get();
  }

  // ---- the wire

  private Optional<Map<?, ?>> postUnlessNotFound(String path, String body, Duration timeout) {
    try {
      return Optional.of(post(path, body, timeout));
    } catch (RegistryRejectedException e) {
      if (e.errorCode().equals(CODES[NOT_FOUND])) {
        return Optional.empty();
      }
      throw e;
    }
  }

  private Map<?, ?> post(String path, String body, Duration timeout) {
    URI member = members.current();
    Map<String, String> headers = headers(member, timeout);
    try {
      return send(member, path, body, timeout, headers);
    } catch (RegistryRejectedException e) {
      if (credentials == null && e.getMessage().contains("user name is empty")) {
        throw new RegistryRejectedException("etcd at " + member + " requires a user: give the client's"
            + " token as 'user:password' (" + e.getMessage() + ")", e.statusCode(), CODES[UNAUTHENTICATED]);
      }
      if (credentials == null || !e.errorCode().equals(CODES[UNAUTHENTICATED])) {
        throw e;
      }
      tokenExpired(headers);
      return send(member, path, body, timeout, headers(member, timeout));
    }
  }

  private String authenticate(URI member, Duration timeout) {
    Credentials c = java.util.Objects.requireNonNull(credentials);
    String body = new Json.ObjectWriter().field("name", c.user()).field("password", c.password()).toString();
    Map<?, ?> answer;
    try {
      answer = send(member, "/v3/auth/authenticate", body, timeout, Map.of());
    } catch (RegistryRejectedException e) {
      throw new RegistryRejectedException("etcd user '" + c.user() + "' could not authenticate at "
          + member + ": " + e.getMessage(), e.statusCode(), CODES[UNAUTHENTICATED]);
    }
    if (!(answer.get("token") instanceof String t) || t.isEmpty()) {
      throw new RegistryRejectedException("etcd at " + member + " gave user '" + c.user()
          + "' no token: is auth enabled (etcdctl auth enable)?", 200, CODES[UNAUTHENTICATED]);
    }
    token.set(t);
    return t;
  }

  private Map<?, ?> send(URI member, String path, String body, Duration timeout, Map<String, String> headers) {
    String id = requestId();
    Map<String, String> withId = new HashMap<>(headers);
    withId.put(RequestIds.HEADER, id);
    TransportRequest request = new TransportRequest("POST", URI.create(member + path), body, timeout, withId);
    TransportResponse response;
    try {
      response = transport.send(request);
    } catch (IOException e) {
      members.failed(member);
      throw new RegistryUnavailableException("etcd POST " + request.uri() + " failed: " + e, 0, id, e);
    }
    Map<?, ?> answer;
    try {
      answer = Json.parse(response.body()) instanceof Map<?, ?> m ? m : null;
    } catch (IOException e) {
      answer = null;
    }
    if (answer == null) {
      members.failed(member);
      throw new RegistryUnavailableException("etcd POST " + request.uri() + " answered " + response.code()
          + " with a body that is not a JSON object: " + abbreviate(response.body()), response.code(), id, null);
    }
    RegistryException error = error(request.uri(), response.code(), answer, id);
    if (error instanceof RegistryUnavailableException) {
      members.failed(member);
    }
    if (error != null) {
      throw error;
    }
    return answer;
  }

  /**
   * etcd's error in {@code answer} ({@code {"error","code"}}, or a stream's {@code {"error":{...}}}), if
   * any, naming the request's ID.
   */
  static @Nullable RegistryException error(URI uri, int httpCode, Map<?, ?> answer, String requestId) {
    Map<?, ?> fields = answer.get("error") instanceof Map<?, ?> wrapped ? wrapped : answer;
    Object code = fields.containsKey("grpc_code") ? fields.get("grpc_code") : fields.get("code");
    if (!(code instanceof Long c) && httpCode < 400) {
      return null;
    }
    int grpc = code instanceof Long c ? (int) (long) c : (httpCode >= 500 ? 14 : 3);
    String name = grpc >= 0 && grpc < CODES.length ? CODES[grpc] : "code_" + grpc;
    String message = "etcd POST " + uri + " answered " + httpCode + " " + name + ": "
        + (fields.get("message") instanceof String m ? m : String.valueOf(fields.get("error")));
    return switch (grpc) {
      case 3, 5, 6, 7, 9, 11, 12, 16 -> new RegistryRejectedException(message, httpCode, name, requestId);
      default -> new RegistryUnavailableException(message, httpCode, requestId, null);
    };
  }

  // ---- JSON of the wire

  static String encode(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(UTF_8));
  }

  static String decode(String base64) {
    return new String(Base64.getDecoder().decode(base64), UTF_8);
  }

  /** The end of a prefix range: the prefix with its last byte plus one (a '/' becomes '0'). */
  static String prefixEnd(String prefix) {
    byte[] bytes = prefix.getBytes(UTF_8);
    for (int i = bytes.length - 1; i >= 0; i--) {
      if (bytes[i] != (byte) 0xff) {
        bytes[i]++;
        return Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(bytes, i + 1));
      }
    }
    return Base64.getEncoder().encodeToString(new byte[] {0}); // every key: etcd's "\0" range end
  }

  static Json.ObjectWriter prefixBody(String prefix) {
    return new Json.ObjectWriter().field("key", encode(prefix)).field("range_end", prefixEnd(prefix));
  }

  private static String keyBody(String key) {
    return new Json.ObjectWriter().field("key", encode(key)).toString();
  }

  private static String idBody(long lease) {
    return new Json.ObjectWriter().field("ID", Long.toString(lease)).toString();
  }

  private static Json.ObjectWriter putBody(String key, String value, long lease) {
    Json.ObjectWriter w = new Json.ObjectWriter().field("key", encode(key)).field("value", encode(value));
    return lease == 0 ? w : w.field("lease", Long.toString(lease));
  }

  private static String leaseIs(String key, long lease) {
    return new Json.ObjectWriter().field("target", "LEASE").field("key", encode(key))
        .field("lease", Long.toString(lease)).field("result", "EQUAL").toString();
  }

  private static boolean succeeded(Map<?, ?> txn) {
    return Boolean.TRUE.equals(txn.get("succeeded"));
  }

  /** A key of a range answer or a watch event. */
  static KeyValue keyValue(Object kv, String what) {
    if (!(kv instanceof Map<?, ?> fields) || !(fields.get("key") instanceof String key)) {
      throw unreadable(what, "a key without a key: " + kv);
    }
    String value = fields.get("value") instanceof String v ? decode(v) : "";
    long modRevision = fields.get("mod_revision") == null ? 0 : number(fields, "mod_revision", what);
    long lease = fields.get("lease") == null ? 0 : number(fields, "lease", what);
    return new KeyValue(decode(key), value, modRevision, lease);
  }

  /** The revision of an answer's header. */
  static long revision(Map<?, ?> answer, String what) {
    if (!(answer.get("header") instanceof Map<?, ?> header)) {
      throw unreadable(what, "no header");
    }
    return header.get("revision") == null ? 0 : number(header, "revision", what);
  }

  static String clusterId(Map<?, ?> answer) {
    return answer.get("header") instanceof Map<?, ?> h && h.get("cluster_id") instanceof String id ? id : "";
  }

  /** An int64 field: etcd writes them as strings. */
  static long number(Map<?, ?> fields, String name, String what) {
    Object value = fields.get(name);
    try {
      if (value instanceof String s) {
        return Long.parseLong(s);
      }
      if (value instanceof Long l) {
        return l;
      }
    } catch (NumberFormatException e) {
      // below
    }
    throw unreadable(what, name + " is not an integer: " + value);
  }

  private static RegistryUnavailableException unreadable(String what, String why) {
    return new RegistryUnavailableException("etcd answered " + what + " with an unreadable body: " + why, 200, null);
  }

  private static String abbreviate(String body) {
    return body.length() <= 200 ? body : body.substring(0, 200) + "...";
  }

  @Override
  public String toString() {
    return "Gateway" + members + (credentials != null ? " as " + credentials.user() : "");
  }
}
