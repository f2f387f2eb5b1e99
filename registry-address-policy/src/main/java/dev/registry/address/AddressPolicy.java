package dev.registry.address;

import static java.util.Objects.requireNonNull;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The addresses a registry never hands out and a client never calls: link-local addresses
 * ({@code 169.254.0.0/16}, {@code fe80::/10}) and cloud metadata addresses
 * ({@code fd00:ec2::254}, the metadata services' host names). Sending a call there is a
 * server-side request forgery: the instance metadata service hands out the host's credentials.
 *
 * <p>The reference server refuses to register such an address, and to connect to one for a
 * health check; the client leaves instances at such addresses out of its views, for registries
 * that do not refuse them. Both use this class, so the rule is written once.
 *
 * <p>A literal address is recognised in every form a URL parser or {@code inet_aton} accepts:
 * one to four IPv4 parts, each decimal, octal (leading {@code 0}) or hex ({@code 0x}), a trailing
 * dot, IPv4-mapped and IPv4-compatible IPv6. Other host names are never resolved here: resolution
 * at registration proves nothing about resolution at call time ({@link #denied(InetAddress)}
 * checks an address once it is resolved).
 *
 * <p>Stateless and thread-safe; uses {@code java.base} only.
 */
public final class AddressPolicy {
  private static final Set<String> METADATA_NAMES = Set.of(
      "metadata.google.internal", "metadata.goog", "instance-data", "instance-data.ec2.internal");
  /** fd00:ec2::254, the EC2 instance metadata service over IPv6. */
  private static final byte[] EC2_IMDS_V6 =
      {(byte) 0xfd, 0x00, 0x0e, (byte) 0xc2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02, 0x54};
  private static final String LINK_LOCAL_V4 = "a link-local (169.254.0.0/16) address";

  private AddressPolicy() {}

  /**
   * Says why an address must not be used, if it must not.
   *
   * @param address an absolute URI (its scheme is not checked here)
   * @return why it is denied ("a link-local (169.254.0.0/16) address", ...), or empty when it
   *     is not
   */
  public static Optional<String> denied(URI address) {
    requireNonNull(address, "address");
    String host = host(address);
    if (host == null) {
      return Optional.empty();
    }
    host = host.toLowerCase(Locale.ROOT);
    if (host.endsWith(".")) {
      host = host.substring(0, host.length() - 1);
    }
    if (METADATA_NAMES.contains(host)) {
      return Optional.of("a cloud metadata host name");
    }
    if (host.startsWith("[") && host.endsWith("]")) {
      return Optional.ofNullable(deniedV6(host.substring(1, host.length() - 1)));
    }
    long v4 = parseV4(host);
    return v4 >= 0 && isLinkLocalV4(v4) ? Optional.of(LINK_LOCAL_V4) : Optional.empty();
  }

  /**
   * Says why a resolved address must not be connected to (a link-local address, or the EC2
   * metadata address), if it must not: what a connection made on someone else's word checks
   * after resolving a name.
   *
   * @param resolved the address a name resolved to
   * @return why it is denied, or empty when it is not
   */
  public static Optional<String> denied(InetAddress resolved) {
    requireNonNull(resolved, "resolved");
    if (resolved.isLinkLocalAddress()) {
      return Optional.of("a link-local address");
    }
    return resolved instanceof Inet6Address
        ? Optional.ofNullable(deniedV6(resolved.getHostAddress())) : Optional.empty();
  }

  /**
   * Returns {@code address} with an IPv4 host written in another notation than a plain dotted
   * quad (decimal, octal or hex parts, fewer than four parts, a trailing dot: forms that
   * {@code inet_aton}, and so an HTTP client's name lookup, reads as an IPv4 address, some of
   * which {@link URI} reads as no host at all) written as a dotted quad; any other address
   * unchanged. What a caller would connect to, written plainly, so that it can be checked and
   * shown as what it is.
   *
   * @param address an absolute URI
   * @return the address with a plain IPv4 host, or {@code address} itself
   */
  public static URI canonical(URI address) {
    requireNonNull(address, "address");
    String authority = address.getRawAuthority();
    if (authority == null) {
      return address;
    }
    int at = authority.lastIndexOf('@');
    String hostPort = authority.substring(at + 1);
    int colon = hostPort.lastIndexOf(':');
    String host = colon >= 0 && !hostPort.endsWith("]") ? hostPort.substring(0, colon) : hostPort;
    long v4 = parseV4(host.endsWith(".") ? host.substring(0, host.length() - 1) : host);
    if (v4 < 0) {
      return address;
    }
    String dotted = (v4 >>> 24) + "." + ((v4 >>> 16) & 0xff) + "." + ((v4 >>> 8) & 0xff) + "." + (v4 & 0xff);
    if (dotted.equals(host)) {
      return address;
    }
    String rest = address.getRawSchemeSpecificPart().substring(2 + authority.length());
    String fragment = address.getRawFragment();
    try {
      return new URI(address.getScheme() + "://" + authority.substring(0, at + 1) + dotted
          + hostPort.substring(host.length()) + rest + (fragment == null ? "" : "#" + fragment));
    } catch (URISyntaxException e) {
      return address;
    }
  }

  /** The host of {@code uri}, also for the forms {@link URI} gives no host for. */
  private static @Nullable String host(URI uri) {
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
    return host;
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
      return isLinkLocalV4(v4(b, 0)) ? LINK_LOCAL_V4 : null;
    }
    if ((b[0] & 0xff) == 0xfe && (b[1] & 0xc0) == 0x80) {
      return "a link-local (fe80::/10) address";
    }
    if (Arrays.equals(b, EC2_IMDS_V6)) {
      return "the EC2 metadata address fd00:ec2::254";
    }
    // ::ffff:a.b.c.d and ::a.b.c.d (IPv4-compatible) that the JDK keeps as IPv6
    boolean zeros = true;
    for (int i = 0; i < 10; i++) {
      zeros &= b[i] == 0;
    }
    if (zeros && ((b[10] == 0 && b[11] == 0) || (b[10] == (byte) 0xff && b[11] == (byte) 0xff))
        && isLinkLocalV4(v4(b, 12))) {
      return LINK_LOCAL_V4;
    }
    return null;
  }

  private static long v4(byte[] b, int from) {
    return ((b[from] & 0xffL) << 24) | ((b[from + 1] & 0xffL) << 16) | ((b[from + 2] & 0xffL) << 8)
        | (b[from + 3] & 0xffL);
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
