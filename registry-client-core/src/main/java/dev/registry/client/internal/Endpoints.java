package dev.registry.client.internal;

import java.net.URI;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The registry URLs, tried in turn: every request goes to the current one; a failure moves
 * to the next, which stays current while it works (sticky).
 */
final class Endpoints {
  private final List<URI> urls;
  private final AtomicInteger current = new AtomicInteger();

  Endpoints(List<URI> urls) {
    this.urls = List.copyOf(urls);
  }

  /** Returns the URL to use now. */
  URI current() {
    return urls.get(Math.floorMod(current.get(), urls.size()));
  }

  /** {@code failed} did not work: move on, unless another thread already did. */
  void failed(URI failed) {
    int index = current.get();
    if (urls.size() > 1 && urls.get(Math.floorMod(index, urls.size())).equals(failed)) {
      current.compareAndSet(index, index + 1);
    }
  }

  List<URI> all() {
    return urls;
  }
}
