package dev.registry.server;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * The shared token that writes must present as {@code Authorization: Bearer <token>}. Compared
 * in constant time: both sides are hashed with SHA-256 first, so neither the content nor the
 * length of the token leaks through the time a refusal takes.
 */
final class SharedToken {
  private static final String BEARER = "bearer ";
  private static final String BASIC = "basic ";

  private final byte[] digest;

  SharedToken(String token) {
    this.digest = sha256(token);
  }

  /**
   * Whether an {@code Authorization} header value carries the token: {@code Bearer <token>}, or
   * {@code Basic} with the token as the password (what an XML-RPC client sends for {@code
   * http://user:<token>@host/RPC2}).
   */
  boolean permits(@Nullable String authorization) {
    if (authorization != null && authorization.length() > BASIC.length()
        && authorization.substring(0, BASIC.length()).toLowerCase(Locale.ROOT).equals(BASIC)) {
      return MessageDigest.isEqual(digest, sha256(basicPassword(authorization.substring(BASIC.length()).trim())));
    }
    if (authorization == null || authorization.length() <= BEARER.length()
        || !authorization.substring(0, BEARER.length()).toLowerCase(Locale.ROOT).equals(BEARER)) {
      // Still hash something, so that a missing header costs what a wrong one does.
      MessageDigest.isEqual(digest, sha256(""));
      return false;
    }
    return MessageDigest.isEqual(digest, sha256(authorization.substring(BEARER.length()).trim()));
  }

  /** The password of Basic credentials (base64 of {@code user:password}); "" when unreadable. */
  private static String basicPassword(String encoded) {
    try {
      String decoded = new String(java.util.Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
      int colon = decoded.indexOf(':');
      return colon < 0 ? "" : decoded.substring(colon + 1);
    } catch (IllegalArgumentException e) {
      return "";
    }
  }

  static byte[] sha256(String value) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /** Checks a token given to the builder. @throws IllegalArgumentException naming the problem */
  static String check(String token) {
    if (token.isEmpty() || token.length() > 4096) {
      throw new IllegalArgumentException("token must be 1 to 4096 characters: " + token.length());
    }
    for (int i = 0; i < token.length(); i++) {
      char c = token.charAt(i);
      if (c <= ' ' || c >= 0x7f) {
        throw new IllegalArgumentException(
            "token must be printable ASCII without spaces: character " + i + " is " + (int) c);
      }
    }
    return token;
  }
}
