package dev.registry.client.internal;

import dev.registry.client.RegistryRejectedException;
import dev.registry.client.Watch;
import dev.registry.client.spi.StageViews;
import dev.registry.client.spi.WatchListener;
import dev.registry.client.spi.WatchRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * One watch on the reference server: long-polls, each held until a named view changes, the
 * next sent from the answer's index as soon as it came. Services of a stage are watched
 * together with {@code GET /catalog?stage=&services=} (one poll per {@link #MAX_NAMES} names or
 * {@link #MAX_NAME_CHARS} characters of names, so that a request fits the server's 8 KiB head);
 * once a stage's registry has shown that it cannot (no catalog route, as the seed's; a list it
 * ignores, as an older server's; a refusal), its services one by one with
 * {@code GET /discover/{service}?index=&wait=}. A poll answered at once with nothing new means
 * a registry that does not hold polls: the next waits a second.
 */
final class HttpWatch extends LongPolls {
  static final int MAX_NAMES = 1000;
  static final int MAX_NAME_CHARS = 6000;
  private final HttpRegistryBackend backend;
  private final WatchRequest request;
  private final WatchListener listener;
  private final Duration wait;
  private final Duration timeout;
  /** Per poll, the index of its last answer: the least of them is where a new watch starts. */
  private long[] positions = new long[0];

  HttpWatch(HttpRegistryBackend backend, WatchRequest request, WatchListener listener,
      Duration wait, Duration timeout) {
    super(request.stage(), listener::unsupported, listener::failed);
    this.backend = backend;
    this.request = request;
    this.listener = listener;
    this.wait = wait;
    this.timeout = timeout;
  }

  Watch start() {
    String stage = request.stage();
    if (!backend.oneByOne(stage)) {
      List<List<String>> chunks = chunks(request.services());
      positions = new long[chunks.size()];
      Arrays.fill(positions, request.since());
      for (int i = 0; i < chunks.size(); i++) {
        pollStage(i, chunks.get(i), chunks.size() == 1, request.since());
      }
    } else if (request.services().size() == 1) {
      pollService(request.services().iterator().next(), request.since());
    } else {
      end(null);
    }
    return this;
  }

  private void pollStage(int chunk, List<String> names, boolean whole, long index) {
    long started = System.nanoTime();
    CompletableFuture<JsonCodec.@Nullable ServiceCatalog> poll =
        backend.pollStage(request.stage(), names, index, wait, timeout);
    track(poll).whenComplete((answer, failure) -> {
      if (failure != null) {
        Throwable cause = unwrap(failure);
        if (cause instanceof RegistryRejectedException) {
          backend.watchOneByOne(request.stage());  // a registry that refuses the list
          end(null);
        } else {
          end(cause);
        }
      } else if (answer == null) {
        backend.watchOneByOne(request.stage());
        end(null);
      } else {
        StageViews views = answer.answer();
        long position;
        synchronized (this) {
          positions[chunk] = views.index();
          position = Arrays.stream(positions).min().orElse(0);
        }
        // A chunk's full answer names every one of its services, the empty ones too.
        StageViews delivered = new StageViews(views.stage(), position, views.epoch(), whole && !answer.delta(),
            views.views());
        deliver(() -> listener.answered(delivered));
        boolean held = !views.views().isEmpty() || System.nanoTime() - started >= MIN_POLL_NANOS;
        next(() -> pollStage(chunk, names, whole, views.index()), held);
      }
    });
  }

  private void pollService(String service, long index) {
    long started = System.nanoTime();
    track(backend.pollService(service, request.stage(), index, wait, timeout)).whenComplete((views, failure) -> {
      if (failure != null) {
        end(unwrap(failure));
        return;
      }
      deliver(() -> listener.answered(views));
      boolean held = views.index() != index || System.nanoTime() - started >= MIN_POLL_NANOS;
      next(() -> pollService(service, views.index()), held);
    });
  }

  /** The services in polls that fit the server's request head. */
  private static List<List<String>> chunks(Set<String> services) {
    List<List<String>> chunks = new ArrayList<>();
    List<String> chunk = new ArrayList<>();
    int chars = 0;
    for (String service : services) {
      if (chunk.size() == MAX_NAMES || chars + service.length() + 1 > MAX_NAME_CHARS) {
        chunks.add(chunk);
        chunk = new ArrayList<>();
        chars = 0;
      }
      chunk.add(service);
      chars += service.length() + 1;
    }
    chunks.add(chunk);
    return chunks;
  }
}
