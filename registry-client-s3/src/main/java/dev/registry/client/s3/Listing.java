package dev.registry.client.s3;

import java.io.IOException;
import java.time.Instant;
import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One page of a ListObjectsV2 answer, read from its XML: the objects (key, last write, ETag) and
 * the continuation token of the next page. S3's answers are flat and regular, so the few
 * elements needed are cut out by name rather than through a parser: the JDK's XML stack would
 * load a few hundred classes on a Lambda cold start.
 *
 * @param objects the objects of the page, in key order
 * @param next the continuation token of the next page, or null when this is the last
 */
record Listing(List<S3Object> objects, @Nullable String next) {

  /**
   * An object as a listing shows it.
   *
   * @param key the key
   * @param lastModified its last write, by S3's clock (whole seconds)
   * @param etag its ETag, quotes included
   */
  record S3Object(String key, Instant lastModified, String etag) {}

  /**
   * Reads a page.
   *
   * @throws IOException if it is not a ListObjectsV2 answer
   */
  static Listing parse(String xml) throws IOException {
    if (!xml.contains("<ListBucketResult")) {
      throw new IOException("not a ListObjectsV2 answer: " + abbreviate(xml));
    }
    List<S3Object> objects = new ArrayList<>();
    int at = 0;
    while ((at = xml.indexOf("<Contents>", at)) >= 0) {
      int end = xml.indexOf("</Contents>", at);
      if (end < 0) {
        throw new IOException("a listing cut inside <Contents>");
      }
      String contents = xml.substring(at, end);
      String key = element(contents, "Key");
      String modified = element(contents, "LastModified");
      String etag = element(contents, "ETag");
      if (key == null || modified == null) {
        throw new IOException("an object without Key or LastModified: " + abbreviate(contents));
      }
      objects.add(new S3Object(key, time(key, modified), etag == null ? "" : etag));
      at = end;
    }
    boolean truncated = "true".equals(element(xml, "IsTruncated"));
    String next = truncated ? element(xml, "NextContinuationToken") : null;
    if (truncated && next == null) {
      throw new IOException("a truncated listing without NextContinuationToken");
    }
    return new Listing(objects, next);
  }

  /**
   * {@code 2026-12-05T05:17:04.000Z} (S3) or {@code 2026-12-05T05:17:04Z} (s3proxy), read by
   * position: {@code Instant.parse} would load the java.time formatter on a cold start.
   */
  private static Instant time(String key, String text) throws IOException {
    try {
      if (text.length() < 20 || text.charAt(4) != '-' || text.charAt(7) != '-'
          || text.charAt(10) != 'T' || text.charAt(13) != ':' || text.charAt(16) != ':'
          || !text.endsWith("Z")) {
        throw new IOException("LastModified of " + key + " is not a UTC time: " + text);
      }
      LocalDateTime time = LocalDateTime.of(Integer.parseInt(text, 0, 4, 10),
          Integer.parseInt(text, 5, 7, 10), Integer.parseInt(text, 8, 10, 10),
          Integer.parseInt(text, 11, 13, 10), Integer.parseInt(text, 14, 16, 10),
          Integer.parseInt(text, 17, 19, 10));
      return time.toInstant(ZoneOffset.UTC);
    } catch (NumberFormatException | DateTimeException e) {
      throw new IOException("LastModified of " + key + " is not a UTC time: " + text, e);
    }
  }

  /**
   * The text of the first element {@code name} in {@code xml}, its entities decoded; null when
   * there is none.
   */
  static @Nullable String element(String xml, String name) {
    int start = xml.indexOf("<" + name + ">");
    if (start < 0) {
      return xml.contains("<" + name + "/>") ? "" : null;
    }
    start += name.length() + 2;
    int end = xml.indexOf("</" + name + ">", start);
    return end < 0 ? null : unescape(xml.substring(start, end));
  }

  private static String unescape(String text) {
    if (text.indexOf('&') < 0) {
      return text;
    }
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      int semicolon = c == '&' ? text.indexOf(';', i) : -1;
      if (semicolon < 0) {
        out.append(c);
        continue;
      }
      String entity = text.substring(i + 1, semicolon);
      switch (entity) {
        case "amp" -> out.append('&');
        case "lt" -> out.append('<');
        case "gt" -> out.append('>');
        case "quot" -> out.append('"');
        case "apos" -> out.append('\'');
        default -> {
          if (entity.startsWith("#x")) {
            out.appendCodePoint(Integer.parseInt(entity.substring(2), 16));
          } else if (entity.startsWith("#")) {
            out.appendCodePoint(Integer.parseInt(entity.substring(1)));
          } else {
            out.append('&').append(entity).append(';');
          }
        }
      }
      i = semicolon;
    }
    return out.toString();
  }

  static String abbreviate(String text) {
    return text.length() <= 200 ? text : text.substring(0, 200) + "...";
  }
}
