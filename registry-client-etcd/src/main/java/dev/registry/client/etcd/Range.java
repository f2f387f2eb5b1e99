package dev.registry.client.etcd;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * What a range read answered: the keys, and the cluster's revision when it was read (a watch
 * from {@code revision + 1} misses no change after it).
 *
 * @param revision the store's revision of the read
 * @param clusterId the id of the cluster that answered
 * @param kvs the keys in key order (immutable)
 */
record Range(long revision, String clusterId, List<KeyValue> kvs) {

  Range {
    requireNonNull(clusterId, "clusterId");
    kvs = List.copyOf(kvs);
  }
}
