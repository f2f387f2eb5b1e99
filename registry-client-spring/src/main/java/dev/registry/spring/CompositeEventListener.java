package dev.registry.spring;

import dev.registry.client.ClientStats;
import dev.registry.client.ConfigView;
import dev.registry.client.EventListener;
import dev.registry.client.RegistryCall;
import dev.registry.client.RegistryException;
import dev.registry.client.ServiceInstance;
import dev.registry.client.ServiceView;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells every one of several listeners each event; the core guards each call. A call's start
 * and end are guarded here, one listener at a time, so that one that throws cannot keep the
 * others' scopes open.
 */
final class CompositeEventListener implements EventListener {
  private static final Logger LOG = LoggerFactory.getLogger(CompositeEventListener.class);

  private final List<EventListener> listeners;

  CompositeEventListener(List<EventListener> listeners) {
    this.listeners = List.copyOf(listeners);
  }

  private void each(Consumer<EventListener> event) {
    for (EventListener listener : listeners) {
      event.accept(listener);
    }
  }

  @Override
  public void clientBuilt(Supplier<ClientStats> stats) {
    each(l -> l.clientBuilt(stats));
  }

  /** Each listener's end is told in the reverse order of the starts, so that scopes nest. */
  @Override
  public CallListener callStarted(RegistryCall call) {
    List<CallListener> started = new ArrayList<>(listeners.size());
    for (EventListener listener : listeners) {
      try {
        started.add(listener.callStarted(call));
      } catch (RuntimeException e) {
        LOG.warn("EventListener {} threw; ignored", listener, e);
      }
    }
    return failure -> {
      for (int i = started.size() - 1; i >= 0; i--) {
        try {
          started.get(i).callEnded(failure);
        } catch (RuntimeException e) {
          LOG.warn("EventListener {} threw; ignored", started.get(i), e);
        }
      }
    };
  }

  @Override
  public void registered(ServiceInstance instance) {
    each(l -> l.registered(instance));
  }

  @Override
  public void reRegistered(ServiceInstance instance) {
    each(l -> l.reRegistered(instance));
  }

  @Override
  public void deregistered(ServiceInstance instance, boolean success) {
    each(l -> l.deregistered(instance, success));
  }

  @Override
  public void heartbeatSent(ServiceInstance instance) {
    each(l -> l.heartbeatSent(instance));
  }

  @Override
  public void heartbeatFailed(ServiceInstance instance, RegistryException cause) {
    each(l -> l.heartbeatFailed(instance, cause));
  }

  @Override
  public void viewChanged(ServiceView view) {
    each(l -> l.viewChanged(view));
  }

  @Override
  public void staleServed(ServiceView view) {
    each(l -> l.staleServed(view));
  }

  @Override
  public void instanceEjected(ServiceInstance instance, Duration ejectionTime) {
    each(l -> l.instanceEjected(instance, ejectionTime));
  }

  @Override
  public void watchFailed(String stage, RegistryException cause) {
    each(l -> l.watchFailed(stage, cause));
  }

  @Override
  public void configChanged(ConfigView view) {
    each(l -> l.configChanged(view));
  }

  @Override
  public void configRejected(ConfigView rejected, RuntimeException reason) {
    each(l -> l.configRejected(rejected, reason));
  }

  @Override
  public void registryUnavailable(RegistryException cause) {
    each(l -> l.registryUnavailable(cause));
  }

  @Override
  public void registryAvailable() {
    each(EventListener::registryAvailable);
  }
}
