package dev.registry.server;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Saves the writes of every store in the data directory on one thread, many to a transaction:
 * whatever was submitted while the last commit ran goes into the next one. So a commit costs
 * once per batch, not once per write, and the writes reach the database in the order they were
 * submitted. {@link #afterSaved} holds an answer until its write is committed.
 *
 * <p>A commit that fails (a full disk) fails the answers waiting for it and is tried again, with
 * the same writes first, every {@link #RETRY_MILLIS}: each write sets a row to a value, so
 * writing one twice does no harm.
 *
 * <p>Threading: {@link #submit} and {@link #afterSaved} may be called from any thread (the
 * registry submits under its lock: they only queue). The writes run on the thread
 * {@code registry-store}; the answers are handed to the executor.
 */
final class GroupCommit implements WriteBarrier, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(GroupCommit.class);
  static final long RETRY_MILLIS = 1_000;
  private static final long CLOSE_WAIT_MILLIS = 5_000;

  /** One write: statements on the store's connection, inside the batch's transaction. */
  interface Write {
    void apply(Connection connection) throws SQLException;
  }

  private record Waiter(long seq, Runnable onSaved, Consumer<Exception> onFailed) {}

  private final Connection connection;
  private final Executor executor;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition work = lock.newCondition();
  private List<Write> pending = new ArrayList<>();
  private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
  /** Writes submitted so far; under the lock. */
  private long submitted;
  /** Writes committed so far; under the lock. */
  private long saved;
  private boolean closing;
  private @Nullable Thread writer;

  GroupCommit(Connection connection, Executor executor) {
    this.connection = connection;
    this.executor = executor;
  }

  /** Starts the writer thread. */
  void start() {
    Thread t = new Thread(this::run, "registry-store");
    t.setDaemon(true);
    writer = t;
    t.start();
  }

  /**
   * Queues a write for the next commit. Once closed, a write is dropped: no answer can wait for
   * it any more ({@link #afterSaved} fails), and the only changes made while a server stops are
   * expiries, which the next run's grace ends again.
   */
  void submit(Write write) {
    lock.lock();
    try {
      if (closing) {
        return;
      }
      pending.add(write);
      submitted++;
      work.signal();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void afterSaved(Runnable onSaved, Consumer<Exception> onFailed) {
    lock.lock();
    try {
      if (closing) {
        onFailed.accept(new IllegalStateException("the data directory is closed"));
        return;
      }
      if (saved < submitted) {
        waiters.add(new Waiter(submitted, onSaved, onFailed));
        return;
      }
    } finally {
      lock.unlock();
    }
    onSaved.run();
  }

  private void run() {
    List<Write> batch = List.of();
    while (true) {
      long upTo;
      lock.lock();
      try {
        while (pending.isEmpty() && batch.isEmpty() && !closing) {
          work.awaitUninterruptibly();
        }
        if (pending.isEmpty() && batch.isEmpty()) {
          return;  // closing, and everything is saved
        }
        if (batch.isEmpty()) {
          batch = pending;
        } else {
          batch.addAll(pending);  // a failed batch goes first, in its order
        }
        pending = new ArrayList<>();
        upTo = submitted;
      } finally {
        lock.unlock();
      }
      Exception failure = commit(batch);
      List<Waiter> done = new ArrayList<>();
      lock.lock();
      try {
        if (failure == null) {
          saved = upTo;
        }
        while (!waiters.isEmpty() && waiters.peekFirst().seq() <= upTo) {
          done.add(waiters.pollFirst());
        }
      } finally {
        lock.unlock();
      }
      answer(done, failure);
      if (failure == null) {
        batch = List.of();
      } else if (!retryLater()) {
        LOG.error("Lost {} unsaved writes to the data directory on close: {}", batch.size(), failure.toString());
        return;
      }
    }
  }

  /** Commits the batch; the failure, or null. */
  private @Nullable Exception commit(List<Write> batch) {
    try {
      for (Write write : batch) {
        write.apply(connection);
      }
      connection.commit();
      return null;
    } catch (SQLException | RuntimeException e) {
      LOG.error("Cannot save {} writes to the data directory (retrying every {} ms): {}",
          batch.size(), RETRY_MILLIS, e.toString());
      try {
        connection.rollback();
      } catch (SQLException rollback) {
        e.addSuppressed(rollback);
      }
      return e;
    }
  }

  /** Waits before retrying a failed batch; false when closing (the batch is given up). */
  private boolean retryLater() {
    lock.lock();
    try {
      if (!closing) {
        work.await(RETRY_MILLIS, TimeUnit.MILLISECONDS);
      }
      return !closing;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } finally {
      lock.unlock();
    }
  }

  private void answer(List<Waiter> done, @Nullable Exception failure) {
    if (done.isEmpty()) {
      return;
    }
    Runnable task = () -> {
      for (Waiter w : done) {
        if (failure == null) {
          w.onSaved().run();
        } else {
          w.onFailed().accept(failure);
        }
      }
    };
    try {
      executor.execute(task);
    } catch (RejectedExecutionException e) {
      task.run();  // the pool is stopping: answer here
    }
  }

  /**
   * Commits what is queued and stops the writer (waiting at most 5 s); idempotent. Answers
   * still waiting after that are failed.
   */
  @Override
  public void close() {
    Thread t;
    lock.lock();
    try {
      if (closing) {
        return;
      }
      closing = true;
      work.signal();
      t = writer;
    } finally {
      lock.unlock();
    }
    if (t != null) {
      try {
        t.join(CLOSE_WAIT_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    List<Waiter> left;
    lock.lock();
    try {
      left = new ArrayList<>(waiters);
      waiters.clear();
    } finally {
      lock.unlock();
    }
    for (Waiter w : left) {
      w.onFailed().accept(new IllegalStateException("the data directory closed before this write was saved"));
    }
  }
}
