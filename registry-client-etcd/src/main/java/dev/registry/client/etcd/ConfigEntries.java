package dev.registry.client.etcd;

import dev.registry.client.spi.ConfigAnswer;
import dev.registry.client.spi.ConfigQuery;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A service's configuration entries as etcd keys, and what one reader sees of them
 * (docs/etcd.md, "Configuration"). An entry is the key
 * {@code {prefix}/_config/{service}/{stage}/{region}/{client}/{key}} holding the value as plain
 * UTF-8 text; {@value #ANY} in a scope's field means it is not set (every stage, region or
 * client), which no name can be. Stateless.
 *
 * <p>Resolution is the reference server's (docs/api.md, "Configuration"): an entry applies to a
 * reader when every field its scope sets equals the reader's; of one key's entries that apply,
 * the most specific wins (a client beats no client, then a region, then a stage). The index is
 * the highest {@code mod_revision} among the service's keys (0 for none), so that a
 * configuration read afresh equals the same configuration kept up by a watch.
 */
final class ConfigEntries {
  /** A scope's field that is not set. */
  static final String ANY = "_";
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
  private static final Pattern KEY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._\\-\\[\\]]{0,255}");

  private ConfigEntries() {}

  /** The etcd key of a service's entry at the scope of the service itself (every stage, region, client). */
  static String serviceScoped(Keyspace keyspace, String service, String key) {
    return keyspace.config(service) + ANY + "/" + ANY + "/" + ANY + "/" + key;
  }

  /**
   * What {@code query}'s reader sees of a service's keys (every key under
   * {@link Keyspace#config(String)}). A key that is not an entry (another writer's, a bad name)
   * is left out, and logged at debug.
   */
  static ConfigAnswer resolve(ConfigQuery query, String servicePrefix, Collection<KeyValue> kvs,
      @Nullable String clusterId) {
    Map<String, String> values = new HashMap<>();
    Map<String, Integer> specificity = new HashMap<>();
    for (KeyValue kv : kvs) {
      String[] fields = fields(servicePrefix, kv.key());
      if (fields == null) {
        log().debug("etcd key {} is not a configuration entry of {}", kv.key(), query.service());
        continue;
      }
      if (applies(fields[0], query.stage()) && applies(fields[1], query.region()) && applies(fields[2], query.client())) {
        int rank = (set(fields[2]) ? 4 : 0) + (set(fields[1]) ? 2 : 0) + (set(fields[0]) ? 1 : 0);
        if (specificity.getOrDefault(fields[3], -1) < rank) {
          specificity.put(fields[3], rank);
          values.put(fields[3], kv.value());
        }
      }
    }
    return new ConfigAnswer(index(kvs), clusterId, values);
  }

  /** The index of a service's configuration: the highest {@code mod_revision} of its keys, 0 for none. */
  static long index(Collection<KeyValue> kvs) {
    long index = 0;
    for (KeyValue kv : kvs) {
      index = Math.max(index, kv.modRevision());
    }
    return index;
  }

  /** The stage, region, client and key of an entry's etcd key, or null when it is not one. */
  private static String @Nullable [] fields(String servicePrefix, String etcdKey) {
    if (!etcdKey.startsWith(servicePrefix)) {
      return null;
    }
    String[] fields = etcdKey.substring(servicePrefix.length()).split("/", -1);
    if (fields.length != 4 || !KEY.matcher(fields[3]).matches()) {
      return null;
    }
    for (int i = 0; i < 3; i++) {
      if (set(fields[i]) && !NAME.matcher(fields[i]).matches()) {
        return null;
      }
    }
    return fields;
  }

  private static boolean set(String field) {
    return !field.equals(ANY);
  }

  private static boolean applies(String field, @Nullable String reader) {
    return !set(field) || field.equals(reader);
  }

  private static Logger log() {
    return LoggerFactory.getLogger(ConfigEntries.class);
  }
}
