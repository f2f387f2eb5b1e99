package dev.registry.client.etcd;

import static java.util.Objects.requireNonNull;

/**
 * One key of etcd as a range or a watch event gives it, keys and values decoded as UTF-8.
 *
 * @param key the key
 * @param value the value, empty for a deleted key
 * @param modRevision the revision of the key's last change (of its deletion, in a delete event)
 * @param lease the id of the lease the key is attached to, 0 for none
 */
record KeyValue(String key, String value, long modRevision, long lease) {

  KeyValue {
    requireNonNull(key, "key");
    requireNonNull(value, "value");
  }
}
