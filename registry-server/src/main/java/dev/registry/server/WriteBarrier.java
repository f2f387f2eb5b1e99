package dev.registry.server;

import java.util.function.Consumer;

/**
 * When the answer to a write may be sent. Without a data directory at once; with one, once
 * every change made so far is committed to it, so that an acknowledged write survives a crash.
 */
interface WriteBarrier {
  /** Answers at once: the state lives in memory only. */
  WriteBarrier NONE = (onSaved, onFailed) -> onSaved.run();

  /**
   * Runs {@code onSaved} once every change made before this call is saved, or {@code onFailed}
   * if saving them failed. Either runs on the calling thread or on a pool thread; neither blocks.
   */
  void afterSaved(Runnable onSaved, Consumer<Exception> onFailed);
}
