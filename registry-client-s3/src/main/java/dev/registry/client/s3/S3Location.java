package dev.registry.client.s3;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Where an S3 registry lives, read from its registry URL and the standard AWS environment:
 * {@code s3://bucket/prefix?region=..&endpoint=..}.
 *
 * <ul>
 *   <li>The bucket is the URL's authority; the prefix its path (without the leading slash,
 *       with a trailing one), under which every stage's keys go; none puts them at the bucket's
 *       root.</li>
 *   <li>The region is the {@code region} parameter, else {@code AWS_REGION}, else
 *       {@code AWS_DEFAULT_REGION}; with a custom endpoint and none of them, {@code us-east-1}
 *       (what S3-compatible servers expect).</li>
 *   <li>The endpoint is the {@code endpoint} parameter, else {@code AWS_ENDPOINT_URL_S3}, else
 *       {@code AWS_ENDPOINT_URL}; a custom endpoint is addressed path-style
 *       ({@code http://host:port/bucket/key}). Without one, AWS's regional endpoint,
 *       virtual-hosted ({@code https://bucket.s3.region.amazonaws.com/key}), or path-style for a
 *       bucket with a dot in its name (whose virtual host no certificate covers).</li>
 * </ul>
 *
 * @param bucket the bucket
 * @param prefix the key prefix, empty or ending with {@code /}
 * @param region the region requests are signed for
 * @param base the URI every key is appended to: the endpoint, with {@code /bucket} when
 *     path-style; without a trailing slash
 */
record S3Location(String bucket, String prefix, String region, URI base) {
  private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
  private static final Pattern PREFIX = Pattern.compile("[A-Za-z0-9!_.*'()/-]*");
  private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d+");

  S3Location {
    requireNonNull(bucket, "bucket");
    requireNonNull(prefix, "prefix");
    requireNonNull(region, "region");
    requireNonNull(base, "base");
  }

  /**
   * Reads a registry URL.
   *
   * @param url the registry URL, {@code s3://...}
   * @param environment the process environment (AWS_REGION and the endpoint variables)
   * @throws IllegalArgumentException if the URL has no bucket, a malformed bucket, prefix,
   *     region or endpoint, an unknown parameter, or no region anywhere; the message names the
   *     value
   */
  static S3Location parse(URI url, Map<String, String> environment) {
    if (!"s3".equalsIgnoreCase(url.getScheme())) {
      throw new IllegalArgumentException("an S3 registry URL starts with s3://: '" + url + "'");
    }
    String bucket = url.getRawAuthority();
    if (bucket == null || bucket.isEmpty()) {
      throw new IllegalArgumentException(
          "S3 registry URL '" + url + "' names no bucket: write s3://BUCKET/prefix");
    }
    if (!BUCKET.matcher(bucket).matches() || bucket.contains("..")) {
      throw new IllegalArgumentException("S3 registry URL '" + url + "': '" + bucket
          + "' is not a bucket name (3 to 63 characters of a-z 0-9 . -, starting and ending with"
          + " a letter or digit)");
    }
    String path = url.getRawPath() == null ? "" : url.getRawPath();
    String prefix = path.startsWith("/") ? path.substring(1) : path;
    if (!PREFIX.matcher(prefix).matches() || prefix.startsWith("/") || prefix.contains("//")) {
      throw new IllegalArgumentException("S3 registry URL '" + url + "': the prefix '" + prefix
          + "' must be segments of A-Z a-z 0-9 ! _ . * ' ( ) - separated by single slashes");
    }
    if (!prefix.isEmpty() && !prefix.endsWith("/")) {
      prefix += "/";
    }
    String region = null;
    String endpoint = null;
    String query = url.getRawQuery();
    if (query != null && !query.isEmpty()) {
      for (String pair : query.split("&")) {
        int eq = pair.indexOf('=');
        String name = eq < 0 ? pair : pair.substring(0, eq);
        String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), UTF_8);
        switch (name) {
          case "region" -> region = value;
          case "endpoint" -> endpoint = value;
          default -> throw new IllegalArgumentException("S3 registry URL '" + url
              + "' has the unknown parameter '" + name + "' (known: region, endpoint)");
        }
      }
    }
    if (endpoint == null) {
      endpoint = firstSet(environment, "AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL");
    }
    if (region == null) {
      region = firstSet(environment, "AWS_REGION", "AWS_DEFAULT_REGION");
    }
    if (region == null && endpoint != null) {
      region = "us-east-1";
    }
    if (region == null) {
      throw new IllegalArgumentException("S3 registry URL '" + url + "' has no region: add"
          + " ?region=eu-west-1 or set AWS_REGION (AWS Lambda sets it)");
    }
    region = region.strip().toLowerCase(Locale.ROOT);
    if (!REGION.matcher(region).matches()) {
      throw new IllegalArgumentException("S3 registry URL '" + url + "': '" + region
          + "' is not an AWS region (such as eu-west-1)");
    }
    return new S3Location(bucket, prefix, region, base(url, bucket, region, endpoint));
  }

  private static URI base(URI url, String bucket, String region, @Nullable String endpoint) {
    if (endpoint == null) {
      return URI.create(bucket.contains(".")
          ? "https://s3." + region + ".amazonaws.com/" + bucket
          : "https://" + bucket + ".s3." + region + ".amazonaws.com");
    }
    URI e;
    try {
      e = new URI(endpoint.strip());
    } catch (URISyntaxException x) {
      throw new IllegalArgumentException(
          "S3 registry URL '" + url + "': the endpoint '" + endpoint + "' is not a URI", x);
    }
    boolean http = "http".equalsIgnoreCase(e.getScheme()) || "https".equalsIgnoreCase(e.getScheme());
    if (!http || e.getHost() == null || e.getRawQuery() != null
        || (e.getRawPath() != null && !e.getRawPath().isEmpty() && !e.getRawPath().equals("/"))) {
      throw new IllegalArgumentException("S3 registry URL '" + url + "': the endpoint '" + endpoint
          + "' must be http(s)://host[:port] without a path");
    }
    String root = e.getScheme().toLowerCase(Locale.ROOT) + "://" + e.getRawAuthority();
    return URI.create(root + "/" + bucket);
  }

  private static @Nullable String firstSet(Map<String, String> environment, String... names) {
    for (String name : names) {
      String value = environment.get(name);
      if (value != null && !value.isBlank()) {
        return value.strip();
      }
    }
    return null;
  }

  /** The URI of a key: {@link #base} and the key's canonical encoding. */
  URI uri(String key) {
    return URI.create(base + "/" + Signer.canonicalPath(key));
  }

  /** The URI of the bucket's listing of {@code prefix} (ListObjectsV2), from a continuation token. */
  URI listing(String keyPrefix, @Nullable String continuation) {
    Map<String, String> query = continuation == null
        ? Map.of("list-type", "2", "prefix", keyPrefix)
        : Map.of("list-type", "2", "prefix", keyPrefix, "continuation-token", continuation);
    String path = base.getRawPath() == null || base.getRawPath().isEmpty() ? "/" : "";
    return URI.create(base + path + "?" + Signer.canonicalQuery(query));
  }

  @Override
  public String toString() {
    return "s3://" + bucket + "/" + prefix;
  }
}
