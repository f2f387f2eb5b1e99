package dev.registry.spring;

import io.micrometer.context.ContextSnapshot;
import io.micrometer.context.ContextSnapshotFactory;
import java.util.function.Supplier;
import org.springframework.util.ClassUtils;

/**
 * Carries the thread-local context of the code that asks for work (the current Observation, and
 * so the current span; whatever else Micrometer's context-propagation knows) to the thread that
 * does it, so that a registry call made on Reactor's bounded-elastic scheduler for a caller is
 * a span of the caller's trace. Without {@code io.micrometer:context-propagation} (Micrometer
 * Tracing brings it) there is nothing to carry, and the work runs as it is.
 */
final class CallerContext {
  private static final boolean PROPAGATION = ClassUtils.isPresent(
      "io.micrometer.context.ContextSnapshotFactory", CallerContext.class.getClassLoader());

  private CallerContext() {}

  /**
   * Captures this thread's context now; the returned work runs {@code work} within it, on
   * whichever thread calls it.
   */
  static <T> Supplier<T> carried(Supplier<T> work) {
    return PROPAGATION ? Snapshots.carried(work) : work;
  }

  /** Everything that touches context-propagation, loaded only when it is present. */
  private static final class Snapshots {
    private static final ContextSnapshotFactory FACTORY = ContextSnapshotFactory.builder().build();

    static <T> Supplier<T> carried(Supplier<T> work) {
      ContextSnapshot snapshot = FACTORY.captureAll();
      return () -> {
        try (ContextSnapshot.Scope scope = snapshot.setThreadLocals()) {
          return work.get();
        }
      };
    }
  }
}
