package dev.registry.client.etcd;

import dev.registry.client.RegistryException;
import dev.registry.client.RegistryUnavailableException;
import dev.registry.client.Watch;
import dev.registry.client.spi.StageViews;
import dev.registry.client.spi.WatchListener;
import dev.registry.client.spi.WatchRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * One watch of the core: services of a stage, kept up by one etcd watch of the stage's prefix.
 *
 * <p>It reads the stage's keys (a linearizable range) and answers every service asked about in
 * full, then watches the prefix from that read's revision + 1 and answers the views of the
 * services that changed. It keeps the keys it holds, so that a change of one instance answers
 * its service's whole view; every key it applies moves its resume revision past it.
 *
 * <ul>
 *   <li>A stream that fails (the member died, lost its leader, or went quiet for the idle time)
 *       is opened again <em>from the resume revision</em> on the next member: no event is lost
 *       or applied twice, and the core hears nothing of it. Only when every member has failed in
 *       a row does the watch fail, and the core watches anew after a backoff (reading in full).
 *   <li>A stream opened again after an idle time answers an empty delta once it is created, so
 *       that the core knows the registry is there; so do etcd's progress notifications.
 *   <li>A resume revision that etcd compacted away leads to a fresh read answered in full, then a
 *       watch from that read, never to a silently missed change.
 * </ul>
 *
 * <p>The listener hears answers one at a time and in order, and never while this watch holds its
 * own lock (the core closes watches under its lock): answers queue in an outbox, which one
 * thread at a time empties.
 */
final class EtcdWatch implements Watch, WatchStream.Listener {
  private final EtcdBackend backend;
  private final String stage;
  private final Set<String> services;
  private final WatchListener listener;
  private final Duration timeout;
  private final Duration idle;
  /** The keys of the watched services, by key. */
  private final Map<String, KeyValue> keys = new HashMap<>();
  private long resume;
  private @Nullable String clusterId;
  private @Nullable WatchStream stream;
  /** Streams that failed in a row, without one being created: after one per member, give up. */
  private int failuresInARow;
  private boolean confirmWhenCreated;
  private boolean closed;
  /** Answers ({@link StageViews}) and the failure ({@link RegistryException}) to tell, in order. */
  private final ConcurrentLinkedQueue<Object> outbox = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean telling = new AtomicBoolean();

  private EtcdWatch(EtcdBackend backend, WatchRequest request, WatchListener listener) {
    this.backend = backend;
    this.stage = request.stage();
    this.services = new TreeSet<>(request.services());
    this.listener = listener;
    this.timeout = backend.context().requestTimeout();
    this.idle = backend.context().longPollWait();
  }

  static EtcdWatch start(EtcdBackend backend, WatchRequest request, WatchListener listener) {
    EtcdWatch watch = new EtcdWatch(backend, request, listener);
    backend.streams().executor().execute(watch::readAndWatch);
    return watch;
  }

  /** Reads the stage afresh, answers it in full, and watches from past the read. */
  private void readAndWatch() {
    Range range;
    try {
      range = backend.gateway().range(backend.keyspace().stage(stage), timeout);
    } catch (RegistryException e) {
      fail(e);
      return;
    }
    try {
      synchronized (this) {
        if (closed) {
          return;
        }
        keys.clear();
        for (KeyValue kv : range.kvs()) {
          if (watched(kv.key())) {
            keys.put(kv.key(), kv);
          }
        }
        resume = range.revision() + 1;
        clusterId = range.clusterId();
        outbox.add(new StageViews(stage, range.revision(), clusterId, true,
            backend.views(stage, List.copyOf(keys.values()), services)));
        openStream();
      }
    } catch (RegistryException e) { // a view past the client's limits
      fail(e);
      return;
    }
    tell();
  }

  private void openStream() {
    stream = WatchStream.open(backend.gateway(), backend.streams(), backend.keyspace().stage(stage),
        resume, timeout, idle, this);
  }

  @Override
  public void created(String cluster, long revision) {
    String lost;
    synchronized (this) {
      failuresInARow = 0;
      if (clusterId != null && !clusterId.equals(cluster)) {
        lost = "etcd cluster " + clusterId + " was replaced by " + cluster;
      } else if (revision < resume - 1) {
        // Same cluster id (a cluster made again with the same names), but its history is gone:
        // a watch from our revision would wait for revisions it may never reach.
        lost = "etcd's revision went back from " + (resume - 1) + " to " + revision + ": the cluster lost its data";
      } else {
        lost = null;
      }
      if (lost == null && confirmWhenCreated && !closed) {
        confirmWhenCreated = false;
        outbox.add(new StageViews(stage, resume - 1, clusterId, false, Map.of()));
      }
    }
    if (lost != null) {
      // Its revisions mean nothing here: the core watches anew, reading in full.
      fail(new RegistryUnavailableException(lost, 0, null));
    }
    tell();
  }

  @Override
  public void changed(List<WatchStream.Change> changes, long revision) {
    @Nullable RegistryException tooLarge = null;
    synchronized (this) {
      if (closed) {
        return;
      }
      Set<String> changed = new TreeSet<>();
      for (WatchStream.Change c : changes) {
        KeyValue kv = c.kv();
        if (kv.modRevision() < resume || !watched(kv.key())) {
          continue; // heard before, or not asked about
        }
        if (c.deleted()) {
          keys.remove(kv.key());
        } else {
          keys.put(kv.key(), kv);
        }
        backend.keyspace().serviceOf(stage, kv.key()).ifPresent(changed::add);
      }
      resume = Math.max(resume, revision + 1);
      if (changed.isEmpty()) {
        return;
      }
      List<KeyValue> ofChanged = new ArrayList<>();
      for (KeyValue kv : keys.values()) {
        if (backend.keyspace().serviceOf(stage, kv.key()).filter(changed::contains).isPresent()) {
          ofChanged.add(kv);
        }
      }
      try {
        outbox.add(new StageViews(stage, revision, clusterId, false,
            new LinkedHashMap<>(backend.views(stage, ofChanged, changed))));
      } catch (RegistryException e) { // a view past the client's limits
        tooLarge = e;
      }
    }
    if (tooLarge != null) {
      fail(tooLarge);
    }
    tell();
  }

  @Override
  public void progress(long revision) {
    synchronized (this) {
      if (closed) {
        return;
      }
      resume = Math.max(resume, revision + 1);
      outbox.add(new StageViews(stage, revision, clusterId, false, Map.of()));
    }
    tell();
  }

  @Override
  public void compacted(long compactRevision) {
    synchronized (this) {
      if (closed) {
        return;
      }
      stream = null;
    }
    backend.streams().executor().execute(this::readAndWatch);
  }

  @Override
  public synchronized void idle() {
    if (!closed) {
      confirmWhenCreated = true;
      openStream();
    }
  }

  @Override
  public void failed(RegistryException cause) {
    synchronized (this) {
      if (closed) {
        return;
      }
      if (cause instanceof RegistryUnavailableException
          && ++failuresInARow < backend.gateway().members().all().size()) {
        openStream(); // on the next member, from where this one stopped
        return;
      }
    }
    fail(cause);
  }

  private void fail(RegistryException cause) {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      if (stream != null) {
        stream.close();
        stream = null;
      }
      outbox.add(cause);
    }
    tell();
  }

  /** Tells the listener what the outbox holds, unless another thread is telling it. */
  private void tell() {
    while (!outbox.isEmpty() && telling.compareAndSet(false, true)) {
      try {
        for (Object next; (next = outbox.poll()) != null; ) {
          if (next instanceof StageViews answer) {
            listener.answered(answer);
          } else {
            listener.failed((RegistryException) next);
          }
        }
      } finally {
        telling.set(false);
      }
    }
  }

  private boolean watched(String key) {
    Optional<String> service = backend.keyspace().serviceOf(stage, key);
    return service.isPresent() && services.contains(service.get());
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (stream != null) {
      stream.close();
      stream = null;
    }
  }

  @Override
  public synchronized String toString() {
    return "EtcdWatch[" + stage + " " + services + " from " + resume + "]";
  }
}
