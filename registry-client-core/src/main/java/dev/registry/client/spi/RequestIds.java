package dev.registry.client.spi;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;

/**
 * Request IDs, as docs/api.md ("Request IDs") has them: the header every request to the
 * registry carries, which IDs a server keeps, and new ones. A backend gets the ID of each
 * request from {@link BackendContext#requestId()}; it needs this class for the header's name
 * and to check the ID a server echoed.
 */
public final class RequestIds {
  /** The header of a request's ID, in requests and in the registry's answers. */
  public static final String HEADER = "X-Request-Id";
  /** The longest ID a server keeps. */
  public static final int MAX_LENGTH = 128;

  private RequestIds() {}

  /**
   * Whether a server keeps {@code id} as it is: 1 to 128 characters from
   * {@code A-Z a-z 0-9 - _ . : ; = + / @} (a UUID, a W3C trace id or {@code traceparent}, an AWS
   * trace header and a ULID all are). A server replaces any other with an ID of its own.
   *
   * @param id the ID, or null
   * @return whether it is kept
   */
  public static boolean isValid(@Nullable String id) {
    if (id == null || id.isEmpty() || id.length() > MAX_LENGTH) {
      return false;
    }
    for (int i = 0; i < id.length(); i++) {
      if (!safe(id.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  private static boolean safe(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
        || "-_.:;=+/@".indexOf(c) >= 0;
  }

  /**
   * A new random ID: a version 4 UUID in its usual text form. Its 122 random bits come from
   * {@link ThreadLocalRandom}, not {@link UUID#randomUUID()}'s {@code SecureRandom}, whose
   * first use costs a cold JVM some 30 ms and 150 classes: an ID correlates log lines, it is
   * no secret. Thread-safe, no lock.
   *
   * @return the ID, 36 characters
   */
  public static String generate() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long high = (random.nextLong() & ~0xF000L) | 0x4000L;  // version 4
    long low = (random.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;  // IETF variant
    return new UUID(high, low).toString();
  }
}
