package dev.registry.server;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The deny list of registered addresses: link-local and cloud metadata addresses, which a
 * gateway or a client that calls registered addresses must never be sent to (an SSRF to the
 * instance metadata service hands out credentials). Only literal addresses, in every form a
 * URL parser accepts (decimal, octal and hex IPv4 parts, IPv4-mapped IPv6), and a few
 * well-known metadata names are refused; other names are not resolved (resolution at
 * registration proves nothing about resolution at call time).
 */
final class AddressPolicy {
  private static final Set<String> METADATA_NAMES = Set.of(
      "metadata.google.internal", "metadata.goog", "instance-data", "instance-data.ec2.internal");

  private AddressPolicy() {}

  /**
   * Why {@code address} (already an absolute http(s) URI) is denied, or null when it is not.
   */
  static @Nullable String denied(String address) {
    URI uri = URI.create(address);
    String host = uri.getHost();
    if (host == null && uri.getRawAuthority() != null) {
      // java.net.URI gives no host for forms it does not take as IPv4 but other parsers do
      // (a trailing dot, octal or hex parts): read it from the authority.
      host = uri.getRawAuthority();
      host = host.substring(host.lastIndexOf('@') + 1);
      int colon = host.lastIndexOf(':');
      if (colon >= 0 && !host.endsWith("]")) {
        host = host.substring(0, colon);
      }
    }
    if (host == null) {
      return null;
    }
    host = host.toLowerCase(Locale.ROOT);
    if (host.endsWith(".")) {
      host = host.substring(0, host.length() - 1);
    }
    if (METADATA_NAMES.contains(host)) {
      return "a cloud metadata host name";
    }
    if (host.startsWith("[") && host.endsWith("]")) {
      return deniedV6(host.substring(1, host.length() - 1));
    }
    long v4 = parseV4(host);
    if (v4 >= 0 && isLinkLocalV4(v4)) {
      return "a link-local (169.254.0.0/16) address";
    }
    return null;
  }

  /**
   * Why a resolved address is denied (link-local, or the EC2 metadata address), or null: what a
   * connection the server makes itself (a health check) checks after resolving a name.
   */
  static @Nullable String deniedResolved(InetAddress address) {
    if (address.isLinkLocalAddress()) {
      return "a link-local address";
    }
    String literal = address.getHostAddress();
    return address instanceof java.net.Inet6Address ? deniedV6(literal) : null;
  }

  private static @Nullable String deniedV6(String literal) {
    int zone = literal.indexOf('%');
    String bare = zone >= 0 ? literal.substring(0, zone) : literal;
    byte[] b;
    try {
      // A literal (URI has checked the syntax): no lookup happens.
      b = InetAddress.getByName("[" + bare + "]").getAddress();
    } catch (UnknownHostException | IllegalArgumentException e) {
      return null;
    }
    if (b.length == 4) {
      // An IPv4-mapped address, which the JDK hands back as IPv4.
      long v4 = ((b[0] & 0xffL) << 24) | ((b[1] & 0xffL) << 16) | ((b[2] & 0xffL) << 8) | (b[3] & 0xffL);
      return isLinkLocalV4(v4) ? "a link-local (169.254.0.0/16) address" : null;
    }
    if ((b[0] & 0xff) == 0xfe && (b[1] & 0xc0) == 0x80) {
      return "a link-local (fe80::/10) address";
    }
    // fd00:ec2::254, the EC2 instance metadata service over IPv6.
    byte[] imds = {(byte) 0xfd, 0x00, 0x0e, (byte) 0xc2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02, 0x54};
    if (java.util.Arrays.equals(b, imds)) {
      return "the EC2 metadata address fd00:ec2::254";
    }
    // ::ffff:a.b.c.d and ::a.b.c.d (IPv4-compatible) that the JDK keeps as IPv6
    boolean zeros = true;
    for (int i = 0; i < 10; i++) {
      zeros &= b[i] == 0;
    }
    if (zeros && ((b[10] == 0 && b[11] == 0) || (b[10] == (byte) 0xff && b[11] == (byte) 0xff))) {
      long v4 = ((b[12] & 0xffL) << 24) | ((b[13] & 0xffL) << 16) | ((b[14] & 0xffL) << 8) | (b[15] & 0xffL);
      if (isLinkLocalV4(v4)) {
        return "a link-local (169.254.0.0/16) address";
      }
    }
    return null;
  }

  private static boolean isLinkLocalV4(long v4) {
    return (v4 >>> 16) == ((169L << 8) | 254L);
  }

  /**
   * An IPv4 host in any form {@code inet_aton} (and so curl and browsers) accepts: one to four
   * parts, each decimal, octal (leading 0) or hex (0x); the last part fills the remaining bytes.
   * -1 when {@code host} is not one.
   */
  static long parseV4(String host) {
    if (host.isEmpty() || host.length() > 64) {
      return -1;
    }
    String[] parts = host.split("\\.", -1);
    if (parts.length > 4) {
      return -1;
    }
    long[] values = new long[parts.length];
    for (int i = 0; i < parts.length; i++) {
      long v = part(parts[i]);
      if (v < 0) {
        return -1;
      }
      values[i] = v;
    }
    long result = 0;
    for (int i = 0; i < values.length - 1; i++) {
      if (values[i] > 0xff) {
        return -1;
      }
      result |= values[i] << (8 * (3 - i));
    }
    long last = values[values.length - 1];
    int lastBytes = 4 - (values.length - 1);
    if (last >= (1L << (8 * lastBytes))) {
      return -1;
    }
    return result | last;
  }

  private static long part(String p) {
    if (p.isEmpty() || p.length() > 12) {
      return -1;
    }
    int radix = 10;
    String digits = p;
    if (p.startsWith("0x") || p.startsWith("0X")) {
      radix = 16;
      digits = p.substring(2);
      if (digits.isEmpty()) {
        return 0;
      }
    } else if (p.length() > 1 && p.charAt(0) == '0') {
      radix = 8;
      digits = p.substring(1);
    }
    for (int i = 0; i < digits.length(); i++) {
      if (Character.digit(digits.charAt(i), radix) < 0) {
        return -1;
      }
    }
    try {
      long v = Long.parseLong(digits, radix);
      return v > 0xffffffffL ? -1 : v;
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
