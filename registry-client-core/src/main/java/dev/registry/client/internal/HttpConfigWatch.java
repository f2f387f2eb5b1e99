package dev.registry.client.internal;

import dev.registry.client.Watch;
import dev.registry.client.spi.ConfigAnswer;
import dev.registry.client.spi.ConfigQuery;
import dev.registry.client.spi.ConfigWatchListener;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * One watch of a configuration on the reference server: {@code GET
 * /config/{service}?stage=&region=&client=&index=&epoch=&wait=} in a loop, each held until a
 * change that affects this reader (or the wait's end), the next sent from the answer's index and
 * epoch as soon as it came. A poll answered at once with the same index means a registry that
 * does not hold polls: the next waits a second.
 */
final class HttpConfigWatch extends LongPolls {
  private final HttpRegistryBackend backend;
  private final ConfigQuery query;
  private final ConfigWatchListener listener;
  private final Duration wait;
  private final Duration timeout;

  HttpConfigWatch(HttpRegistryBackend backend, ConfigQuery query, ConfigWatchListener listener, Duration wait,
      Duration timeout) {
    super("the configuration of " + query.service(), listener::unsupported, listener::failed);
    this.backend = backend;
    this.query = query;
    this.listener = listener;
    this.wait = wait;
    this.timeout = timeout;
  }

  Watch start(long since, @Nullable String epoch) {
    poll(since, epoch);
    return this;
  }

  private void poll(long index, @Nullable String epoch) {
    long started = System.nanoTime();
    track(backend.pollConfig(query, index, epoch, wait, timeout)).whenComplete((answer, failure) -> {
      if (failure != null) {
        end(unwrap(failure));
        return;
      }
      deliver(() -> listener.answered(answer));
      boolean held = answer.index() != index || System.nanoTime() - started >= MIN_POLL_NANOS;
      next(() -> poll(answer.index(), answer.epoch()), held);
    });
  }
}
