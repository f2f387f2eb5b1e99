package dev.registry.spring;

import static java.util.Objects.requireNonNull;

import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.cloud.client.discovery.event.InstanceRegisteredEvent;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.ApplicationEventPublisherAware;
import org.springframework.context.ApplicationListener;

/**
 * Publishes Spring Cloud's {@link InstanceRegisteredEvent} when an application that does not
 * register itself is ready: its discovery works from then on, and Spring Cloud's
 * {@code discoveryComposite} health shows {@code UNKNOWN "Discovery Client not initialized"} until
 * it hears that event (Spring Cloud Kubernetes, whose applications do not register either, does
 * the same). An application that registers publishes it after its registration instead
 * ({@link RegistryAutoRegistration}).
 */
public final class RegistryDiscoveryReady
    implements ApplicationListener<ApplicationReadyEvent>, ApplicationEventPublisherAware {
  private final ObjectProvider<RegistryAutoRegistration> autoRegistration;
  private @Nullable ApplicationEventPublisher publisher;

  /**
   * Creates the listener.
   *
   * @param autoRegistration the application's registration, if it registers
   */
  public RegistryDiscoveryReady(ObjectProvider<RegistryAutoRegistration> autoRegistration) {
    this.autoRegistration = requireNonNull(autoRegistration, "autoRegistration");
  }

  @Override
  public void onApplicationEvent(ApplicationReadyEvent event) {
    ApplicationEventPublisher events = publisher;
    if (events != null && autoRegistration.getIfAvailable() == null) {
      events.publishEvent(new InstanceRegisteredEvent<>(this, "discovery only"));
    }
  }

  @Override
  public void setApplicationEventPublisher(ApplicationEventPublisher publisher) {
    this.publisher = publisher;
  }
}
