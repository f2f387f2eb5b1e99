package dev.registry.client;

import static dev.registry.client.Logs.log;

import java.net.URI;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Calls the user's {@link EventListener} safely, and tracks whether the registry is reachable
 * so that an outage logs one WARN when it starts and one INFO when it ends.
 */
final class Events {

  private final EventListener listener;
  private final List<URI> registryUrls;
  private final AtomicBoolean registryUp = new AtomicBoolean(true);
  /** Whether a view was ever cached: the outage's WARN says whether lookups still answer. */
  private volatile boolean viewCached;

  Events(EventListener listener, List<URI> registryUrls) {
    this.listener = listener;
    this.registryUrls = registryUrls;
  }

  /** A view entered the cache. */
  void viewCached() {
    viewCached = true;
  }

  void fire(Consumer<EventListener> event) {
    try {
      event.accept(listener);
    } catch (RuntimeException e) {
      log().warn("EventListener {} threw; ignored", listener, e);
    }
  }

  /** A call starts: what hears its end, {@link EventListener.CallListener#NONE} if the listener threw. */
  EventListener.CallListener callStarted(RegistryCall call) {
    try {
      EventListener.CallListener heard = listener.callStarted(call);
      return heard != null ? heard : EventListener.CallListener.NONE;
    } catch (RuntimeException e) {
      log().warn("EventListener {} threw; ignored", listener, e);
      return EventListener.CallListener.NONE;
    }
  }

  /** A call has ended: tells what heard its start. */
  void callEnded(EventListener.CallListener heard, @Nullable RuntimeException failure) {
    try {
      heard.callEnded(failure);
    } catch (RuntimeException e) {
      log().warn("EventListener {} threw; ignored", listener, e);
    }
  }

  /** A call to the registry succeeded. */
  void registryReachable() {
    if (registryUp.compareAndSet(false, true)) {
      log().info("Registry reachable again at {}", registryUrls);
      fire(EventListener::registryAvailable);
    }
  }

  /** A call to the registry failed after its retries. */
  void registryFailed(RegistryException cause) {
    if (cause instanceof RegistryUnavailableException
        && registryUp.compareAndSet(true, false)) {
      if (viewCached) {
        log().warn("Registry unreachable, serving cached views until it is back: {}",
            cause.getMessage());
      } else {
        log().warn("Registry unreachable, and nothing is cached yet (lookups fail until it"
            + " answers): {}", cause.getMessage());
      }
      fire(l -> l.registryUnavailable(cause));
    }
  }
}
