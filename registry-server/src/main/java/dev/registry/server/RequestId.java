package dev.registry.server;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;
import org.slf4j.MDC;

/**
 * Request IDs: taken from a request's {@code X-Request-Id} when it is safe to echo and to log,
 * otherwise a new one; echoed in the answer and put in the log context of everything logged
 * about the request.
 *
 * <p>Safe means 1 to {@value #MAX_LENGTH} characters from {@code A-Z a-z 0-9 - _ . : ; = + / @}:
 * enough for a UUID, a W3C trace id, an AWS trace header or a ULID, and nothing that could
 * break a log line (no spaces, quotes, control characters or non-ASCII). An incoming ID that is
 * not safe is replaced whole, never trimmed or escaped, so that a replaced ID cannot pass for
 * the one the client sent.
 */
final class RequestId {
  /** The header that carries a request ID both ways. */
  static final String HEADER = "X-Request-Id";
  /** The log context (MDC) key of the request ID: {@code mdc.request_id} in JSON logs. */
  static final String LOG_KEY = "request_id";
  static final int MAX_LENGTH = 128;

  private static final Scope REMOVE = () -> MDC.remove(LOG_KEY);
  private static final Scope NONE = () -> {};

  private RequestId() {}

  /** The incoming ID if it is safe, otherwise a new one. */
  static String accept(@Nullable String incoming) {
    return incoming != null && isSafe(incoming) ? incoming : generate();
  }

  static boolean isSafe(String id) {
    int length = id.length();
    if (length == 0 || length > MAX_LENGTH) {
      return false;
    }
    for (int i = 0; i < length; i++) {
      char c = id.charAt(i);
      boolean safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '-' || c == '_' || c == '.' || c == ':' || c == ';' || c == '=' || c == '+' || c == '/'
          || c == '@';
      if (!safe) {
        return false;
      }
    }
    return true;
  }

  /**
   * A new ID: a random (version 4) UUID, as Envoy makes them. Drawn from {@link
   * ThreadLocalRandom}, since it names a request and guards nothing: {@link UUID#randomUUID()}
   * would take a lock on the shared secure random for every request without one.
   */
  static String generate() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long high = (random.nextLong() & ~0xF000L) | 0x4000L;
    long low = (random.nextLong() & ~(0x3L << 62)) | (0x2L << 62);
    return new UUID(high, low).toString();
  }

  /**
   * Puts {@code id} in the log context until the scope closes, which restores what was there
   * (an answer written inline while another request's scope is open keeps that one's ID).
   */
  static Scope inLog(@Nullable String id) {
    if (id == null) {
      return NONE;
    }
    String previous = MDC.get(LOG_KEY);
    MDC.put(LOG_KEY, id);
    return previous == null ? REMOVE : () -> MDC.put(LOG_KEY, previous);
  }

  /**
   * Takes the request ID out of the log context until the scope closes: for a line about
   * something no request did, logged while answering one (an expiry noticed by a read).
   */
  static Scope outsideRequest() {
    String previous = MDC.get(LOG_KEY);
    if (previous == null) {
      return NONE;
    }
    MDC.remove(LOG_KEY);
    return () -> MDC.put(LOG_KEY, previous);
  }

  /** A log context scope; closing it throws nothing. */
  interface Scope extends AutoCloseable {
    @Override
    void close();
  }
}
