package dev.registry.client;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The client's argument checks, each rule written once: names, ids, addresses and metadata as
 * docs/api.md has them (the server keeps its own copy), and durations. Used by the builders,
 * the records, and the first lookup of a service (never by a cached lookup).
 */
final class Names {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

  private Names() {}

  static String checkName(String what, String value) {
    if (value == null) {
      throw new NullPointerException(what);
    }
    if (!NAME.matcher(value).matches()) {
      throw new IllegalArgumentException(what
          + " must be 1 to 128 characters from A-Z a-z 0-9 . _ -, starting with a letter or digit: '"
          + value + "'");
    }
    return value;
  }

  static String checkId(String value) {
    if (value == null) {
      throw new NullPointerException("id");
    }
    if (!ID.matcher(value).matches()) {
      throw new IllegalArgumentException(
          "id must be 1 to 128 characters from A-Z a-z 0-9 . _ - : : '" + value + "'");
    }
    return value;
  }

  static URI checkHttpUri(String what, URI value) {
    if (value == null) {
      throw new NullPointerException(what);
    }
    String scheme = value.getScheme();
    if (!value.isAbsolute() || value.getHost() == null
        || !("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme))
        || value.toString().length() > 2048) {
      throw new IllegalArgumentException(
          what + " must be an absolute http(s) URI with a host: '" + value + "'");
    }
    int port = value.getPort();
    if (port != -1 && (port < 1 || port > 65535)) {
      throw new IllegalArgumentException(
          what + " must have a port from 1 to 65535: " + port + " in '" + value + "'");
    }
    return value;
  }

  static URI parseHttpUri(String what, String value) {
    return checkHttpUri(what, parseUri(what, value, "an absolute http(s) URI with a host"));
  }

  /** Parses {@code value}; a malformed one is an IllegalArgumentException saying what it must be. */
  static URI parseUri(String what, String value, String mustBe) {
    if (value == null) {
      throw new NullPointerException(what);
    }
    try {
      return new URI(value);
    } catch (java.net.URISyntaxException e) {
      throw new IllegalArgumentException(what + " must be " + mustBe + ": '" + value + "'", e);
    }
  }

  static void checkMetadataEntry(String key, String value) {
    if (key == null) {
      throw new NullPointerException("metadata key");
    }
    if (value == null) {
      throw new NullPointerException("metadata value of '" + key + "'");
    }
    if (key.isEmpty() || key.length() > 128) {
      throw new IllegalArgumentException("metadata key must be 1 to 128 characters: '" + key + "'");
    }
    if (value.length() > 1024) {
      throw new IllegalArgumentException(
          "metadata value of '" + key + "' must be at most 1024 characters: " + value.length());
    }
  }

  static void checkMetadata(Map<String, String> metadata) {
    if (metadata.size() > 64) {
      throw new IllegalArgumentException(
          "metadata must have at most 64 entries: " + metadata.size());
    }
    metadata.forEach(Names::checkMetadataEntry);
  }

  static Duration checkPositive(String what, Duration value) {
    if (value == null) {
      throw new NullPointerException(what);
    }
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(what + " must be > 0: " + value);
    }
    return value;
  }

  /** The registry's shared token: 1 to 4096 printable ASCII characters without spaces. */
  static String checkToken(String token) {
    if (token == null) {
      throw new NullPointerException("token");
    }
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

  /** The X.509 certificates of a PEM file, one or more. */
  static List<X509Certificate> readCertificates(Path pemFile) {
    if (pemFile == null) {
      throw new NullPointerException("pemFile");
    }
    List<X509Certificate> certificates = new ArrayList<>();
    try (InputStream in = Files.newInputStream(pemFile)) {
      for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        certificates.add((X509Certificate) c);
      }
    } catch (IOException | CertificateException e) {
      throw new IllegalArgumentException("cannot read certificates from " + pemFile + ": " + e.getMessage(), e);
    }
    if (certificates.isEmpty()) {
      throw new IllegalArgumentException("no certificate in " + pemFile);
    }
    return certificates;
  }

  static Duration checkNotNegative(String what, Duration value) {
    if (value == null) {
      throw new NullPointerException(what);
    }
    if (value.isNegative()) {
      throw new IllegalArgumentException(what + " must be >= 0: " + value);
    }
    return value;
  }
}
