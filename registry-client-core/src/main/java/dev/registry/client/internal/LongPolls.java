package dev.registry.client.internal;

import dev.registry.client.RegistryException;
import dev.registry.client.RegistryUnavailableException;
import dev.registry.client.Watch;
import java.util.ArrayList;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The machinery of a watch made of long-poll loops on the reference server, shared by the
 * watch of views ({@link HttpWatch}) and of a configuration ({@link HttpConfigWatch}): the
 * requests in flight, cancelled when it ends; the next poll of a loop, at once or a second later
 * after a poll the registry did not hold; answers told one at a time; and one end, a failure or
 * a registry that cannot do it.
 */
abstract class LongPolls implements Watch {
  /** A poll answered this fast with nothing new means the registry does not hold it. */
  static final long MIN_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

  private final String what;
  private final Runnable unsupported;
  private final Consumer<RegistryException> failed;
  private final Set<CompletableFuture<?>> inFlight = ConcurrentHashMap.newKeySet();
  private volatile boolean ended;
  /**
   * Held while the listener hears an answer, so that it hears one at a time; never while the
   * watch closes, which the listener may do meanwhile from another thread.
   */
  private final Object delivery = new Object();

  /**
   * @param what what the watch is of, for a failure's message
   * @param unsupported tells the listener that the registry cannot do it
   * @param failed tells the listener of a failure
   */
  LongPolls(String what, Runnable unsupported, Consumer<RegistryException> failed) {
    this.what = what;
    this.unsupported = unsupported;
    this.failed = failed;
  }

  /** Tells the listener of an answer, one at a time, unless the watch ended or was closed meanwhile. */
  final void deliver(Runnable tell) {
    synchronized (delivery) {
      if (!ended) {
        tell.run();
      }
    }
  }

  /** The next poll of a loop: at once, or a second later after a poll that was not held. */
  final void next(Runnable poll, boolean now) {
    if (isClosed()) {
      return;
    }
    if (now) {
      poll.run();
    } else {
      track(CompletableFuture.runAsync(() -> {
        if (!isClosed()) {
          poll.run();
        }
      }, CompletableFuture.delayedExecutor(1, TimeUnit.SECONDS)));
    }
  }

  /** Ends the watch: a failure ({@code cause}), or, when null, a registry that cannot do it. */
  final void end(@Nullable Throwable cause) {
    synchronized (this) {
      if (ended) {
        return;
      }
      ended = true;
    }
    cancelAll();
    if (cause == null) {
      unsupported.run();
    } else if (!(cause instanceof CancellationException)) {
      failed.accept(cause instanceof RegistryException e
          ? e : new RegistryUnavailableException("watch of " + what + " failed: " + cause, 0, cause));
    }
  }

  @Override
  public final void close() {
    synchronized (this) {
      ended = true;
    }
    cancelAll();
  }

  final boolean isClosed() {
    return ended;
  }

  /** Keeps {@code call} to cancel it when the watch ends; cancels it at once if it has. */
  final <T> CompletableFuture<T> track(CompletableFuture<T> call) {
    inFlight.add(call);
    call.whenComplete((value, failure) -> inFlight.remove(call));
    if (isClosed()) {
      call.cancel(true);
    }
    return call;
  }

  /** The cause of a failed asynchronous call. */
  static Throwable unwrap(Throwable failure) {
    return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
  }

  private void cancelAll() {
    for (CompletableFuture<?> call : new ArrayList<>(inFlight)) {
      call.cancel(true);
    }
  }
}
