package dev.registry.client;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** Makes named daemon threads: {@code prefix-1}, {@code prefix-2}, ..., or just {@code prefix}. */
final class DaemonThreads implements ThreadFactory {
  private final String prefix;
  private final boolean single;
  private final AtomicInteger next = new AtomicInteger(1);

  DaemonThreads(String prefix) {
    this(prefix, false);
  }

  DaemonThreads(String prefix, boolean single) {
    this.prefix = prefix;
    this.single = single;
  }

  @Override
  public Thread newThread(Runnable runnable) {
    Thread thread = new Thread(runnable, single ? prefix : prefix + "-" + next.getAndIncrement());
    thread.setDaemon(true);
    return thread;
  }
}
