package dev.registry.client.etcd;

import dev.registry.client.RegistryException;
import dev.registry.client.ServiceView;
import dev.registry.client.spi.StageViews;
import dev.registry.client.spi.WatchListener;
import dev.registry.client.spi.WatchRequest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * One watch of the core: services of a stage, kept up by one etcd watch of the stage's prefix
 * ({@link PrefixWatch} says how it reads, resumes and fails over).
 *
 * <p>It answers every service asked about in full after a read, then the views of the services
 * that changed. It keeps the keys it holds, so that a change of one instance answers its
 * service's whole view. A confirmation is an answer without views.
 */
final class EtcdWatch extends PrefixWatch<StageViews> {
  private final EtcdBackend backend;
  private final String stage;
  private final Set<String> services;
  private final WatchListener listener;
  /** The keys of the watched services, by key. */
  private final Map<String, KeyValue> keys = new HashMap<>();

  private EtcdWatch(EtcdBackend backend, WatchRequest request, WatchListener listener) {
    super(backend, backend.keyspace().stage(request.stage()));
    this.backend = backend;
    this.stage = request.stage();
    this.services = new TreeSet<>(request.services());
    this.listener = listener;
  }

  static EtcdWatch start(EtcdBackend backend, WatchRequest request, WatchListener listener) {
    EtcdWatch watch = new EtcdWatch(backend, request, listener);
    watch.start();
    return watch;
  }

  @Override
  StageViews reset(Range range, String cluster) {
    keys.clear();
    for (KeyValue kv : range.kvs()) {
      if (watched(kv.key())) {
        keys.put(kv.key(), kv);
      }
    }
    return new StageViews(stage, range.revision(), cluster, true,
        backend.views(stage, List.copyOf(keys.values()), services));
  }

  @Override
  @Nullable StageViews apply(List<WatchStream.Change> changes, long revision, @Nullable String cluster) {
    Set<String> changed = new TreeSet<>();
    for (WatchStream.Change c : changes) {
      KeyValue kv = c.kv();
      if (!watched(kv.key())) {
        continue;
      }
      if (c.deleted()) {
        keys.remove(kv.key());
      } else {
        keys.put(kv.key(), kv);
      }
      backend.keyspace().serviceOf(stage, kv.key()).ifPresent(changed::add);
    }
    if (changed.isEmpty()) {
      return null;
    }
    List<KeyValue> ofChanged = new ArrayList<>();
    for (KeyValue kv : keys.values()) {
      if (backend.keyspace().serviceOf(stage, kv.key()).filter(changed::contains).isPresent()) {
        ofChanged.add(kv);
      }
    }
    Map<String, ServiceView> views = new LinkedHashMap<>(backend.views(stage, ofChanged, changed));
    return new StageViews(stage, revision, cluster, false, views);
  }

  @Override
  StageViews confirm(long revision, @Nullable String cluster) {
    return new StageViews(stage, revision, cluster, false, Map.of());
  }

  @Override
  void deliver(StageViews answer) {
    listener.answered(answer);
  }

  @Override
  void deliverFailure(RegistryException cause) {
    listener.failed(cause);
  }

  private boolean watched(String key) {
    Optional<String> service = backend.keyspace().serviceOf(stage, key);
    return service.isPresent() && services.contains(service.get());
  }

  @Override
  public String toString() {
    return "EtcdWatch[" + stage + " " + services + " from " + resume() + "]";
  }
}
