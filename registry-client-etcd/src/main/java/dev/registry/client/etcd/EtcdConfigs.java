package dev.registry.client.etcd;

import dev.registry.client.ConfigKey;
import dev.registry.client.RegistryRejectedException;
import dev.registry.client.RegistryUnavailableException;
import dev.registry.client.ServiceInstance;
import dev.registry.client.spi.ConfigAnswer;
import dev.registry.client.spi.ConfigQuery;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The configuration half of the etcd backend (docs/etcd.md, "Configuration"): reading a
 * service's entries and resolving them for a reader ({@link ConfigEntries}), writing declared
 * defaults where no value exists, and keeping the index each instance applied. Thread-safe.
 */
final class EtcdConfigs {
  /** The reference server's limit of a value (docs/api.md, "Names and limits"). */
  static final int MAX_VALUE_LENGTH = 16_384;

  private final Gateway gateway;
  private final Keyspace keyspace;
  /** What was last written at each instance's applied key: written again only when it changes. */
  private final Map<String, Applied> applied = new ConcurrentHashMap<>();

  EtcdConfigs(Gateway gateway, Keyspace keyspace) {
    this.gateway = gateway;
    this.keyspace = keyspace;
  }

  /** One range read of the service's entries, at every scope, resolved for the reader. */
  ConfigAnswer read(ConfigQuery query, Duration timeout) {
    String prefix = keyspace.config(query.service());
    Range range = gateway.range(prefix, timeout);
    return ConfigEntries.resolve(query, prefix, range.kvs(), range.clusterId());
  }

  /**
   * Writes each key's default, with its description, at the scope of the service, in a
   * transaction per key that writes only if the key has no value there: an operator's value, or
   * another instance's racing default, is never overwritten.
   *
   * @return the service's index after the writes
   * @throws RegistryRejectedException {@code invalid_field} naming the key when a default is
   *     longer than {@value #MAX_VALUE_LENGTH} characters (before anything is written)
   */
  long declare(String service, List<ConfigKey> keys, Duration timeout) {
    for (ConfigKey key : keys) {
      if (key.defaultValue().length() > MAX_VALUE_LENGTH) {
        throw new RegistryRejectedException("the default of " + key.name() + " is longer than " + MAX_VALUE_LENGTH
            + " characters (" + key.defaultValue().length() + ")", 400, "invalid_field");
      }
    }
    for (ConfigKey key : keys) {
      String description = key.description();
      gateway.putIfAbsent(ConfigEntries.serviceScoped(keyspace, service, key.name()), key.defaultValue(),
          description == null ? Map.of() : Map.of(keyspace.configDescription(service, key.name()), description),
          timeout);
    }
    return ConfigEntries.index(gateway.range(keyspace.config(service), timeout).kvs());
  }

  /**
   * Writes the index an instance applied at its applied key, attached to its lease, unless that
   * is what was written last.
   *
   * @return false when the lease is gone: the core registers again
   */
  boolean reportApplied(ServiceInstance instance, long lease, long configIndex, Duration timeout) {
    String key = keyspace.applied(Objects.requireNonNull(instance.stage(), "stage"), instance.service(), instance.id());
    Applied now = new Applied(lease, configIndex);
    if (now.equals(applied.get(key))) {
      return true;
    }
    try {
      gateway.put(key, Long.toString(configIndex), lease, timeout);
    } catch (RegistryRejectedException e) {
      if (!e.errorCode().equals("not_found")) {
        throw e;
      }
      applied.remove(key);
      return false; // the lease ended since its keep-alive
    } catch (RegistryUnavailableException e) {
      applied.remove(key);
      throw e;
    }
    applied.put(key, now);
    return true;
  }

  /** Forgets what was written for an instance that is deregistered (its key went with its lease). */
  void forget(ServiceInstance instance) {
    applied.remove(keyspace.applied(Objects.requireNonNull(instance.stage(), "stage"), instance.service(),
        instance.id()));
  }

  private record Applied(long lease, long index) {}
}
