package dev.registry.client.s3;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * AWS Signature Version 4 in the {@code Authorization} header, with the payload's SHA-256 signed
 * ("transferring payload in a single chunk" in the S3 API reference): everything the S3 backend
 * needs of the AWS SDK's signer, over {@link Sha256}, so that a Lambda cold start loads neither
 * the SDK nor the JCA (docs/architecture.md, "S3: our own signer").
 *
 * <p>The signed headers are {@code host}, {@code x-amz-content-sha256}, {@code x-amz-date}, the
 * session token's {@code x-amz-security-token}, and every header the caller adds. Paths and query
 * strings are signed in their canonical form (each byte outside {@code A-Z a-z 0-9 - . _ ~}
 * percent-encoded once, parameters sorted): send the URI as {@link #canonicalPath} and
 * {@link #canonicalQuery} write it, and what is sent is what is signed.
 *
 * <p>Thread-safe: the signing key of the day is cached in a volatile field.
 */
final class Signer {
  static final String EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
  private static final String ALGORITHM = "AWS4-HMAC-SHA256";
  private static final HexFormat HEX = HexFormat.of();

  private final String region;
  private final String service;
  private volatile @Nullable DayKey dayKey;

  /** A key derived for one day, region, service and secret: reused until one of them changes. */
  private record DayKey(String date, String secret, byte[] key) {}

  /**
   * @param region the AWS region, such as {@code us-east-1}
   * @param service the service, {@code s3}
   */
  Signer(String region, String service) {
    this.region = requireNonNull(region, "region");
    this.service = requireNonNull(service, "service");
  }

  /**
   * Signs a request.
   *
   * @param method the HTTP method
   * @param uri the request's URI, path and query as they are sent
   * @param headers headers to send and sign (names in any case), beside the ones added here
   * @param payloadSha256 the lower-case hex SHA-256 of the body ({@link #EMPTY_SHA256} for none)
   * @param credentials whose secret signs
   * @param time the request's time, which S3 checks against its clock (15 minutes either way)
   * @return the headers to send: {@code headers}, {@code x-amz-date},
   *     {@code x-amz-content-sha256}, the session token when there is one, and
   *     {@code Authorization}; never {@code Host}, which the transport sets from the URI
   */
  Map<String, String> sign(String method, URI uri, Map<String, String> headers,
      String payloadSha256, AwsCredentials credentials, Instant time) {
    String amzDate = amzDate(time);
    String date = amzDate.substring(0, 8);
    Map<String, String> sent = new LinkedHashMap<>(headers);
    sent.put("x-amz-date", amzDate);
    sent.put("x-amz-content-sha256", payloadSha256);
    if (credentials.sessionToken() != null) {
      sent.put("x-amz-security-token", credentials.sessionToken());
    }
    // Loops rather than lambdas and no regular expression: each would load classes at the
    // first signature of a cold start.
    TreeMap<String, String> canonical = new TreeMap<>();
    canonical.put("host", host(uri));
    for (Map.Entry<String, String> header : sent.entrySet()) {
      canonical.put(header.getKey().toLowerCase(Locale.ROOT), trim(header.getValue()));
    }
    StringBuilder canonicalHeaders = new StringBuilder();
    for (Map.Entry<String, String> header : canonical.entrySet()) {
      canonicalHeaders.append(header.getKey()).append(':').append(header.getValue()).append('\n');
    }
    String signedHeaders = String.join(";", canonical.keySet());
    String request = method + '\n'
        + canonicalPath(decode(uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())) + '\n'
        + canonicalQuery(uri.getRawQuery()) + '\n'
        + canonicalHeaders + '\n'
        + signedHeaders + '\n'
        + payloadSha256;
    String scope = date + '/' + region + '/' + service + "/aws4_request";
    String stringToSign = ALGORITHM + '\n' + amzDate + '\n' + scope + '\n' + sha256Hex(request.getBytes(UTF_8));
    String signature = HEX.formatHex(hmac(signingKey(date, credentials.secretAccessKey()),
        stringToSign));
    sent.put("Authorization", ALGORITHM + " Credential=" + credentials.accessKeyId() + '/' + scope
        + ", SignedHeaders=" + signedHeaders + ", Signature=" + signature);
    return sent;
  }

  /** The lower-case hex SHA-256 of {@code bytes}. */
  static String sha256Hex(byte[] bytes) {
    return HEX.formatHex(Sha256.digest(bytes));
  }

  /**
   * A path in SigV4's canonical form: every byte of its UTF-8 outside {@code A-Z a-z 0-9 - . _ ~}
   * and {@code /} percent-encoded, once.
   */
  static String canonicalPath(String decodedPath) {
    return encode(decodedPath, true);
  }

  /**
   * A query string in SigV4's canonical form from decoded parameters: names and values encoded
   * like {@link #canonicalPath} (a {@code /} too), sorted by name, then value.
   */
  static String canonicalQuery(Map<String, String> parameters) {
    List<String> pairs = new ArrayList<>(parameters.size());
    for (Map.Entry<String, String> p : parameters.entrySet()) {
      pairs.add(encode(p.getKey(), false) + '=' + encode(p.getValue(), false));
    }
    pairs.sort(null);
    return String.join("&", pairs);
  }

  private static String canonicalQuery(@Nullable String rawQuery) {
    if (rawQuery == null || rawQuery.isEmpty()) {
      return "";
    }
    List<String> pairs = new ArrayList<>();
    for (String pair : rawQuery.split("&")) {
      int eq = pair.indexOf('=');
      String name = eq < 0 ? pair : pair.substring(0, eq);
      String value = eq < 0 ? "" : pair.substring(eq + 1);
      pairs.add(encode(decode(name), false) + '=' + encode(decode(value), false));
    }
    pairs.sort(null);
    return String.join("&", pairs);
  }

  private static String encode(String text, boolean keepSlash) {
    StringBuilder out = new StringBuilder(text.length() + 16);
    for (byte b : text.getBytes(UTF_8)) {
      char c = (char) (b & 0xff);
      if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
          || c == '-' || c == '.' || c == '_' || c == '~' || (keepSlash && c == '/')) {
        out.append(c);
      } else {
        out.append('%').append(Character.toUpperCase(Character.forDigit((c >> 4) & 0xf, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return out.toString();
  }

  /** Percent-decoding as in a path: {@code +} is itself. */
  private static String decode(String raw) {
    if (raw.indexOf('%') < 0) {
      return raw;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length());
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '%' && i + 2 < raw.length()) {
        out.write(Integer.parseInt(raw, i + 1, i + 3, 16));
        i += 2;
      } else {
        out.writeBytes(String.valueOf(c).getBytes(UTF_8));
      }
    }
    return out.toString(UTF_8);
  }

  private static String host(URI uri) {
    String host = requireNonNull(uri.getHost(), "host of " + uri);
    int port = uri.getPort();
    boolean standard = port == -1
        || ("http".equalsIgnoreCase(uri.getScheme()) && port == 80)
        || ("https".equalsIgnoreCase(uri.getScheme()) && port == 443);
    return standard ? host : host + ':' + port;
  }

  /** Trims a header value and folds its runs of spaces into one, as SigV4 asks. */
  private static String trim(String value) {
    String stripped = value.strip();
    if (!stripped.contains("  ")) {
      return stripped;
    }
    StringBuilder out = new StringBuilder(stripped.length());
    for (int i = 0; i < stripped.length(); i++) {
      char c = stripped.charAt(i);
      if (c != ' ' || out.charAt(out.length() - 1) != ' ') {
        out.append(c);
      }
    }
    return out.toString();
  }

  /** {@code yyyyMMdd'T'HHmmss'Z'} in UTC, without loading a formatter. */
  static String amzDate(Instant time) {
    ZonedDateTime t = time.atZone(ZoneOffset.UTC);
    StringBuilder out = new StringBuilder(16);
    pad(out, t.getYear(), 4);
    pad(out, t.getMonthValue(), 2);
    pad(out, t.getDayOfMonth(), 2);
    out.append('T');
    pad(out, t.getHour(), 2);
    pad(out, t.getMinute(), 2);
    pad(out, t.getSecond(), 2);
    return out.append('Z').toString();
  }

  private static void pad(StringBuilder out, int value, int width) {
    String digits = Integer.toString(value);
    out.append("0".repeat(Math.max(0, width - digits.length()))).append(digits);
  }

  private byte[] signingKey(String date, String secret) {
    DayKey cached = dayKey;
    if (cached != null && cached.date.equals(date) && cached.secret.equals(secret)) {
      return cached.key;
    }
    byte[] key = hmac(hmac(hmac(hmac(("AWS4" + secret).getBytes(UTF_8), date), region), service),
        "aws4_request");
    dayKey = new DayKey(date, secret, key);
    return key;
  }

  private static byte[] hmac(byte[] key, String data) {
    return Sha256.hmac(key, data.getBytes(UTF_8));
  }

  @Override
  public String toString() {
    return "Signer[" + region + ", " + service + "]";
  }
}
