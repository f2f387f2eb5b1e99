package dev.registry.client.etcd;

import dev.registry.client.RegistryException;
import dev.registry.client.spi.ConfigAnswer;
import dev.registry.client.spi.ConfigQuery;
import dev.registry.client.spi.ConfigWatchListener;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One watch of a service's configuration, as one reader sees it: one etcd watch of the service's
 * configuration prefix ({@link PrefixWatch} says how it reads, resumes and fails over). It holds
 * every key under the prefix, and answers the resolved configuration ({@link ConfigEntries})
 * after a read in full, and after each change that moves the index or a value this reader sees;
 * a confirmation repeats the last answer.
 */
final class EtcdConfigWatch extends PrefixWatch<ConfigAnswer> {
  private final ConfigQuery query;
  private final String prefix;
  private final ConfigWatchListener listener;
  private final Map<String, KeyValue> keys = new HashMap<>();
  private @Nullable ConfigAnswer last;

  private EtcdConfigWatch(EtcdBackend backend, ConfigQuery query, ConfigWatchListener listener) {
    super(backend, backend.keyspace().config(query.service()));
    this.query = query;
    this.prefix = backend.keyspace().config(query.service());
    this.listener = listener;
  }

  /**
   * Starts a watch. It always reads in full first: the index is a function of the keys, so an
   * answer equal to what the core holds changes nothing there, and none is missed between the
   * core's read and the watch.
   */
  static EtcdConfigWatch start(EtcdBackend backend, ConfigQuery query, ConfigWatchListener listener) {
    EtcdConfigWatch watch = new EtcdConfigWatch(backend, query, listener);
    watch.start();
    return watch;
  }

  @Override
  ConfigAnswer reset(Range range, String cluster) {
    keys.clear();
    range.kvs().forEach(kv -> keys.put(kv.key(), kv));
    return remember(cluster);
  }

  @Override
  @Nullable ConfigAnswer apply(List<WatchStream.Change> changes, long revision, @Nullable String cluster) {
    for (WatchStream.Change c : changes) {
      if (c.deleted()) {
        keys.remove(c.kv().key());
      } else {
        keys.put(c.kv().key(), c.kv());
      }
    }
    ConfigAnswer before = last;
    ConfigAnswer now = remember(cluster);
    return now.equals(before) ? null : now;
  }

  @Override
  ConfigAnswer confirm(long revision, @Nullable String cluster) {
    ConfigAnswer held = last;
    return held != null ? held : remember(cluster);
  }

  private ConfigAnswer remember(@Nullable String cluster) {
    ConfigAnswer answer = ConfigEntries.resolve(query, prefix, keys.values(), cluster);
    last = answer;
    return answer;
  }

  @Override
  void deliver(ConfigAnswer answer) {
    listener.answered(answer);
  }

  @Override
  void deliverFailure(RegistryException cause) {
    listener.failed(cause);
  }

  @Override
  public String toString() {
    return "EtcdConfigWatch[" + query.service() + "@" + query.stage() + " from " + resume() + "]";
  }
}
