package dev.registry.client.etcd;

import dev.registry.client.spi.BackendContext;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What {@code etcd://} and {@code etcds://} registry URLs mean: a member's gateway at
 * {@code http(s)://host:port} (port 2379 when none is given), and the key prefix in the path.
 */
final class EtcdUrls {
  /** etcd's client port. */
  static final int DEFAULT_PORT = 2379;

  private EtcdUrls() {}

  /** @throws IllegalArgumentException if {@code url} is not a usable etcd member URL */
  static void check(URI url) {
    if (url.getHost() == null) {
      throw new IllegalArgumentException("etcd registry URL must name a host, as etcd://host:2379: '" + url + "'");
    }
    if (url.getRawUserInfo() != null) {
      throw new IllegalArgumentException("etcd registry URL must not hold a user or password (URLs are"
          + " logged): give them as the client's token 'user:password': '" + url.getScheme() + "://****@"
          + url.getHost() + (url.getPort() < 0 ? "" : ":" + url.getPort()) + "'");
    }
    if (url.getRawQuery() != null || url.getRawFragment() != null) {
      throw new IllegalArgumentException(
          "etcd registry URL must not have a query or fragment: '" + url + "'");
    }
    Keyspace.of(url);
  }

  /** The backend of a client's URLs, after each was {@link #check}ed. */
  static EtcdBackend backend(BackendContext context) {
    List<URI> urls = context.registryUrls();
    Keyspace keyspace = Keyspace.of(urls.get(0));
    List<URI> bases = new ArrayList<>();
    for (URI url : urls) {
      if (!Keyspace.of(url).equals(keyspace)) {
        throw new IllegalArgumentException("etcd registry URLs must all name one key prefix (their path): "
            + urls);
      }
      bases.add(base(url));
    }
    Credentials credentials = context.token().map(Credentials::parse).orElse(null);
    Gateway gateway = new Gateway(new Members(bases), context.transport(), credentials, context::requestId);
    return new EtcdBackend(context, gateway, keyspace);
  }

  /** The member's gateway: {@code http(s)://host:port}. */
  static URI base(URI url) {
    String scheme = url.getScheme().toLowerCase(Locale.ROOT).equals("etcds") ? "https" : "http";
    int port = url.getPort() < 0 ? DEFAULT_PORT : url.getPort();
    String host = url.getHost().contains(":") && !url.getHost().startsWith("[") ? "[" + url.getHost() + "]" : url.getHost();
    return URI.create(scheme + "://" + host + ":" + port);
  }
}
