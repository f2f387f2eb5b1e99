package dev.registry.client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads a body of at most a given number of bytes, and stops reading past it: how the client's
 * transports read every answer of the registry (and the snapshot file its views), so that a
 * broken or hostile peer cannot make the client hold more than the limit (docs/reliability.md,
 * "A broken or hostile registry"). A body declared longer than the limit is refused before a
 * byte of it is read.
 */
final class BoundedBody {
  private static final int BUFFER = 8192;

  private BoundedBody() {}

  /**
   * Reads {@code in} to its end and decodes it as UTF-8; closes it.
   *
   * @param in the body
   * @param declaredLength the length the peer announced, or -1 when it announced none
   * @param limit the most bytes to read
   * @param what what the body is, for the message ("the answer to GET http://...")
   * @return the body's text
   * @throws IOException if reading fails, or the body is longer than {@code limit}: the
   *     message names the limit
   */
  static String read(InputStream in, long declaredLength, long limit, String what) throws IOException {
    try (in) {
      if (declaredLength > limit) {
        throw tooLarge(what, limit, " (it announced " + declaredLength + ")");
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream(
          (int) Math.min(BUFFER, declaredLength >= 0 ? declaredLength : BUFFER));
      byte[] buffer = new byte[BUFFER];
      long total = 0;
      for (int n; (n = in.read(buffer)) != -1; ) {
        total += n;
        if (total > limit) {
          throw tooLarge(what, limit, "");
        }
        out.write(buffer, 0, n);
      }
      return out.toString(StandardCharsets.UTF_8);
    }
  }

  private static IOException tooLarge(String what, long limit, String detail) {
    return new IOException(what + " is larger than the client's maxAnswerBytes, " + limit
        + " bytes" + detail + ": not read further");
  }
}
