package dev.registry.client.etcd;

import java.net.URI;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where the registry lives in etcd (docs/etcd.md): registrations at
 * {@code {prefix}/{stage}/{service}/{id}}, the instance's JSON at that key, attached to the
 * registration's lease; configuration entries at
 * {@code {prefix}/_config/{service}/{stage}/{region}/{client}/{key}} ({@link ConfigEntries});
 * declared keys' descriptions at {@code {prefix}/_config-doc/{service}/{key}}; the configuration
 * index each instance applied at {@code {prefix}/_applied/{service}/{stage}/{id}}, attached to the
 * instance's lease. The prefix is the path of the registry URLs, {@value #DEFAULT_PREFIX} when
 * they have none, so that several systems can share a cluster. Names hold no {@code /} and
 * start with a letter or digit (the client's naming rules), so a key names what it holds
 * unambiguously, and no stage is named like the {@code _} trees. Immutable.
 */
final class Keyspace {
  static final String DEFAULT_PREFIX = "/registry";
  private static final Pattern PREFIX = Pattern.compile("(/[A-Za-z0-9._-]+)+");

  private final String prefix;

  private Keyspace(String prefix) {
    this.prefix = prefix;
  }

  /**
   * The keyspace a registry URL names by its path.
   *
   * @throws IllegalArgumentException if the path is not a key path; the message names it
   */
  static Keyspace of(URI url) {
    String path = url.getRawPath();
    if (path == null || path.isEmpty() || path.equals("/")) {
      return new Keyspace(DEFAULT_PREFIX);
    }
    String trimmed = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    if (!PREFIX.matcher(trimmed).matches()) {
      throw new IllegalArgumentException("the path of etcd registry URL '" + url + "' is its key prefix,"
          + " and must be /name or /name/name... of A-Z a-z 0-9 . _ -: '" + path + "'");
    }
    return new Keyspace(trimmed);
  }

  /** The prefix, without a trailing {@code /}. */
  String prefix() {
    return prefix;
  }

  /** Every key of a stage, ending in {@code /}. */
  String stage(String stage) {
    return prefix + "/" + stage + "/";
  }

  /** Every key of a service in a stage, ending in {@code /}. */
  String service(String stage, String service) {
    return stage(stage) + service + "/";
  }

  /** The key of one instance. */
  String instance(String stage, String service, String id) {
    return service(stage, service) + id;
  }

  /** Every configuration entry of a service, at every scope, ending in {@code /}. */
  String config(String service) {
    return prefix + "/_config/" + service + "/";
  }

  /** The description of a service's declared key. */
  String configDescription(String service, String key) {
    return prefix + "/_config-doc/" + service + "/" + key;
  }

  /** The configuration index an instance applied. */
  String applied(String stage, String service, String id) {
    return prefix + "/_applied/" + service + "/" + stage + "/" + id;
  }

  /** The service a key of {@code stage} belongs to, if it is an instance key. */
  Optional<String> serviceOf(String stage, String key) {
    String under = stage(stage);
    if (!key.startsWith(under)) {
      return Optional.empty();
    }
    int slash = key.indexOf('/', under.length());
    return slash > under.length() && slash < key.length() - 1 && key.indexOf('/', slash + 1) < 0
        ? Optional.of(key.substring(under.length(), slash)) : Optional.empty();
  }

  /** Every key of every stage, ending in {@code /}. */
  String all() {
    return prefix + "/";
  }

  /** The stage of an instance key of {@code service}, if {@code key} is one. */
  Optional<String> stageOf(String service, String key) {
    if (!key.startsWith(all())) {
      return Optional.empty();
    }
    String[] parts = key.substring(all().length()).split("/", -1);
    return parts.length == 3 && parts[1].equals(service) && !parts[0].isEmpty() && !parts[2].isEmpty()
        ? Optional.of(parts[0]) : Optional.empty();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Keyspace k && k.prefix.equals(prefix);
  }

  @Override
  public int hashCode() {
    return prefix.hashCode();
  }

  @Override
  public String toString() {
    return prefix;
  }
}
