package dev.registry.client.s3;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.registry.client.RegistryException;
import dev.registry.client.RegistryRejectedException;
import dev.registry.client.RegistryUnavailableException;
import dev.registry.client.spi.HttpTransport;
import dev.registry.client.spi.TransportRequest;
import dev.registry.client.spi.TransportResponse;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The four S3 requests the backend makes (list, get, put, delete), each signed and sent once
 * through the core's transport, and S3's answers turned into the core's exceptions: a refusal
 * the same request would meet again (a missing bucket, wrong credentials, a refused clock, no
 * permission) is a {@link RegistryRejectedException}; a 5xx, a throttle or no answer is a
 * {@link RegistryUnavailableException}. Every message names the request's bucket and key or
 * prefix and S3's error code. Thread-safe.
 */
final class Bucket {
  private final S3Location location;
  private final Signer signer;
  private final AwsCredentials credentials;
  private final Supplier<HttpTransport> transport;
  private final Clock clock;

  /**
   * @param credentials what signs every request
   * @param transport the core's transport, asked for at the first request
   */
  Bucket(S3Location location, AwsCredentials credentials,
      Supplier<HttpTransport> transport, Clock clock) {
    this.location = location;
    this.signer = new Signer(location.region(), "s3");
    this.credentials = credentials;
    this.transport = transport;
    this.clock = clock;
  }

  S3Location location() {
    return location;
  }

  /** Every object under {@code prefix}: one request per 1,000 objects. */
  List<Listing.S3Object> list(String prefix, Duration timeout) {
    List<Listing.S3Object> objects = new ArrayList<>();
    String next = null;
    do {
      URI uri = location.listing(prefix, next);
      TransportResponse answer = send("GET", uri, null, timeout, "list " + location.bucket() + "/" + prefix);
      try {
        Listing page = Listing.parse(answer.body());
        objects.addAll(page.objects());
        next = page.next();
      } catch (IOException e) {
        throw new RegistryUnavailableException("S3 answered the listing of " + location.bucket()
            + "/" + prefix + " unreadably: " + e.getMessage(), answer.code(), e);
      }
    } while (next != null);
    return objects;
  }

  /** The body of {@code key}, or null when there is no such object. */
  @Nullable String get(String key, Duration timeout) {
    try {
      return send("GET", location.uri(key), null, timeout, "get " + location.bucket() + "/" + key).body();
    } catch (RegistryRejectedException e) {
      if (e.errorCode().equals("NoSuchKey")) {
        return null;
      }
      throw e;
    }
  }

  /** Writes {@code key}, replacing what was there. */
  void put(String key, String body, Duration timeout) {
    send("PUT", location.uri(key), body, timeout, "put " + location.bucket() + "/" + key);
  }

  /** Removes {@code key}; nothing happens when there is none. */
  void delete(String key, Duration timeout) {
    send("DELETE", location.uri(key), null, timeout, "delete " + location.bucket() + "/" + key);
  }

  private TransportResponse send(String method, URI uri, @Nullable String body, Duration timeout,
      String what) {
    byte[] bytes = body == null ? null : body.getBytes(UTF_8);
    Map<String, String> headers = signer.sign(method, uri, Map.of(),
        bytes == null ? Signer.EMPTY_SHA256 : Signer.sha256Hex(bytes), credentials,
        clock.instant());
    TransportResponse answer;
    try {
      answer = transport.get().send(new TransportRequest(method, uri, body, timeout, headers));
    } catch (IOException e) {
      throw new RegistryUnavailableException("S3 could not be reached to " + what + " ("
          + location.base() + "): " + e, 0, e);
    }
    int code = answer.code();
    if (code >= 200 && code < 300) {
      return answer;
    }
    throw failure(what, answer);
  }

  private RegistryException failure(String what, TransportResponse answer) {
    int code = answer.code();
    String error = Listing.element(answer.body(), "Code");
    String message = Listing.element(answer.body(), "Message");
    String s3 = code + (error != null ? " " + error : "") + (message != null ? ": " + message : "");
    if (code >= 500 || code == 429 || "SlowDown".equals(error) || "RequestTimeout".equals(error)) {
      return new RegistryUnavailableException("S3 failed to " + what + ": " + s3, code, null);
    }
    String hint = hint(error);
    return new RegistryRejectedException("S3 refused to " + what + ": " + s3 + hint, code,
        error == null ? "" : error);
  }

  private String hint(@Nullable String error) {
    if (error == null) {
      return "";
    }
    return switch (error) {
      case "NoSuchBucket" -> " (the bucket '" + location.bucket() + "' of " + location
          + " does not exist in " + location.region() + ")";
      case "InvalidAccessKeyId", "SignatureDoesNotMatch" -> " (check AWS_ACCESS_KEY_ID and"
          + " AWS_SECRET_ACCESS_KEY; the access key is " + credentials.accessKeyId() + ")";
      case "RequestTimeTooSkewed" -> " (this machine's clock says " + clock.instant()
          + "; S3 refuses requests more than 15 minutes from its own)";
      case "AccessDenied" -> " (the credentials may not use " + location
          + ": docs/s3.md lists the permissions)";
      case "AuthorizationHeaderMalformed", "PermanentRedirect" -> " (is " + location.region()
          + " the bucket's region?)";
      default -> "";
    };
  }

  @Override
  public String toString() {
    return "Bucket[" + location + ", " + location.base() + "]";
  }
}
