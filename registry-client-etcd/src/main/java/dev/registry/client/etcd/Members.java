package dev.registry.client.etcd;

import java.net.URI;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The members of one etcd cluster, as the base URLs of their JSON gateways, tried in turn: every
 * call goes to the current member; a failure moves to the next, which stays current while it
 * works. Thread-safe.
 */
final class Members {
  private final List<URI> bases;
  private final AtomicInteger current = new AtomicInteger();

  /** @param bases one or more {@code http} or {@code https} base URLs */
  Members(List<URI> bases) {
    if (bases.isEmpty()) {
      throw new IllegalArgumentException("an etcd cluster needs at least one member");
    }
    this.bases = List.copyOf(bases);
  }

  /** The member to ask now. */
  URI current() {
    return bases.get(Math.floorMod(current.get(), bases.size()));
  }

  /** {@code failed} did not answer: move on to the next member, unless another call already did. */
  void failed(URI failed) {
    int index = current.get();
    if (bases.size() > 1 && bases.get(Math.floorMod(index, bases.size())).equals(failed)) {
      current.compareAndSet(index, index + 1);
    }
  }

  /** Every member, in the order given. */
  List<URI> all() {
    return bases;
  }

  @Override
  public String toString() {
    return bases.toString();
  }
}
