package dev.registry.spring;

import dev.registry.client.ConfigView;
import dev.registry.client.EventListener;
import dev.registry.client.RegistryException;
import dev.registry.client.ServiceInstance;
import dev.registry.client.ServiceView;
import java.util.List;
import java.util.function.Consumer;

/** Tells every one of several listeners each event; the core guards each call. */
final class CompositeEventListener implements EventListener {
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
