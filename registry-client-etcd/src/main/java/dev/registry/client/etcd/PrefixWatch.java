package dev.registry.client.etcd;

import dev.registry.client.RegistryException;
import dev.registry.client.RegistryUnavailableException;
import dev.registry.client.Watch;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * One watch of the core kept up by one etcd watch of a key prefix: what a watch of a stage's
 * services ({@link EtcdWatch}) and a watch of a service's configuration ({@link EtcdConfigWatch})
 * share. A subclass says what it holds of the keys and what it answers; this class reads,
 * watches, resumes, and tells.
 *
 * <p>It reads the prefix (a linearizable range) and answers in full, then watches the prefix
 * from that read's revision + 1; every key it applies moves its resume revision past it.
 *
 * <ul>
 *   <li>A stream that fails (the member died, lost its leader, or went quiet for the idle time)
 *       is opened again <em>from the resume revision</em> on the next member: no event is lost
 *       or applied twice, and the core hears nothing of it. Only when every member has failed in
 *       a row does the watch fail, and the core watches anew after a backoff (reading in full).
 *   <li>A stream opened again after an idle time answers a confirmation once it is created, so
 *       that the core knows the registry is there; so do etcd's progress notifications.
 *   <li>A resume revision that etcd compacted away leads to a fresh read answered in full, then a
 *       watch from that read, never to a silently missed change.
 *   <li>A cluster that answers with another id, or whose revision went back, fails the watch.
 * </ul>
 *
 * <p>The listener hears answers one at a time and in order, and never while this watch holds its
 * own lock (the core closes watches under its lock): answers queue in an outbox, which one
 * thread at a time empties.
 *
 * @param <A> what the core's listener is told
 */
abstract class PrefixWatch<A> implements Watch, WatchStream.Listener {
  private final EtcdBackend backend;
  private final String prefix;
  private final Duration timeout;
  private final Duration idle;
  private long resume;
  private @Nullable String clusterId;
  private @Nullable WatchStream stream;
  /** Streams that failed in a row, without one being created: after one per member, give up. */
  private int failuresInARow;
  private boolean confirmWhenCreated;
  private boolean closed;
  /** What to tell the listener, in order. */
  private final ConcurrentLinkedQueue<Runnable> outbox = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean telling = new AtomicBoolean();

  PrefixWatch(EtcdBackend backend, String prefix) {
    this.backend = backend;
    this.prefix = prefix;
    this.timeout = backend.context().requestTimeout();
    this.idle = backend.context().longPollWait();
  }

  /** Starts on the backend's stream threads: the first read, then the stream. */
  final void start() {
    backend.streams().executor().execute(this::readAndWatch);
  }

  /**
   * Under the lock: forgets what is held, takes the keys of a fresh read, and answers them in
   * full. A {@link RegistryException} (an answer past the client's limits) fails the watch.
   */
  abstract A reset(Range range, String cluster);

  /**
   * Under the lock: applies changes the watch had not applied yet (each at or past the resume
   * revision), all at or below {@code revision}: the answer to give, or null when none is due. A
   * {@link RegistryException} (an answer past the client's limits) fails the watch.
   */
  abstract @Nullable A apply(List<WatchStream.Change> changes, long revision, @Nullable String cluster);

  /** Under the lock: the answer that confirms what is held, nothing having changed up to {@code revision}. */
  abstract A confirm(long revision, @Nullable String cluster);

  /** Tells the core's listener an answer (never under the lock). */
  abstract void deliver(A answer);

  /** Tells the core's listener that the watch failed and ended (never under the lock). */
  abstract void deliverFailure(RegistryException cause);

  private void readAndWatch() {
    Range range;
    try {
      range = backend.gateway().range(prefix, timeout);
    } catch (RegistryException e) {
      fail(e);
      return;
    }
    try {
      synchronized (this) {
        if (closed) {
          return;
        }
        resume = range.revision() + 1;
        clusterId = range.clusterId();
        A full = reset(range, range.clusterId());
        outbox.add(() -> deliver(full));
        openStream();
      }
    } catch (RegistryException e) { // an answer past the client's limits
      fail(e);
      return;
    }
    tell();
  }

  private void openStream() {
    stream = WatchStream.open(backend.gateway(), backend.streams(), prefix, resume, timeout, idle, this);
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
        A same = confirm(resume - 1, clusterId);
        outbox.add(() -> deliver(same));
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
      List<WatchStream.Change> unheard = changes.stream().filter(c -> c.kv().modRevision() >= resume).toList();
      resume = Math.max(resume, revision + 1);
      try {
        A answer = unheard.isEmpty() ? null : apply(unheard, revision, clusterId);
        if (answer == null) {
          return;
        }
        outbox.add(() -> deliver(answer));
      } catch (RegistryException e) { // an answer past the client's limits
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
      A same = confirm(revision, clusterId);
      outbox.add(() -> deliver(same));
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
      outbox.add(() -> deliverFailure(cause));
    }
    tell();
  }

  /** Tells the listener what the outbox holds, unless another thread is telling it. */
  private void tell() {
    while (!outbox.isEmpty() && telling.compareAndSet(false, true)) {
      try {
        for (Runnable next; (next = outbox.poll()) != null; ) {
          next.run();
        }
      } finally {
        telling.set(false);
      }
    }
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (stream != null) {
      stream.close();
      stream = null;
    }
  }

  /** The resume revision, for a subclass's {@code toString}. */
  synchronized long resume() {
    return resume;
  }
}
