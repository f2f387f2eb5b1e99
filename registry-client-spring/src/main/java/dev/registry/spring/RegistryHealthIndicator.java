package dev.registry.spring;

import static java.util.Objects.requireNonNull;

import dev.registry.client.RegistryClient;
import dev.registry.client.RegistryException;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * The {@code registry} health component, configured when Spring Boot's health support is
 * present: {@code DOWN} while the registry is unreachable (as the client's last call found
 * it; no request is made for the check), {@code UP} otherwise, with this application's own
 * registration (service, instance id, stage, address, status) in the details. Turn it off with
 * {@code management.health.registry.enabled=false}.
 */
public final class RegistryHealthIndicator extends AbstractHealthIndicator {
  private final RegistryClient client;
  private final RegistryReachability reachability;
  private final @Nullable RegistryRegistration registration;
  private final @Nullable RegistryServiceRegistry serviceRegistry;

  /**
   * Creates the indicator.
   *
   * @param client the core client
   * @param reachability the reachability tracker fed by the client's events
   * @param registration this application's instance, or null when it does not register
   * @param serviceRegistry the service registry, or null when it does not register
   */
  public RegistryHealthIndicator(RegistryClient client, RegistryReachability reachability,
      @Nullable RegistryRegistration registration,
      @Nullable RegistryServiceRegistry serviceRegistry) {
    super("Registry health check failed");
    this.client = requireNonNull(client, "client");
    this.reachability = requireNonNull(reachability, "reachability");
    this.registration = registration;
    this.serviceRegistry = serviceRegistry;
  }

  @Override
  protected void doHealthCheck(Health.Builder builder) {
    RegistryException failure = reachability.lastFailure();
    if (failure == null) {
      builder.up();
    } else {
      builder.down().withDetail("error", failure.getMessage());
    }
    builder.withDetail("registry", client.toString());
    RegistryRegistration me = registration;
    if (me != null && serviceRegistry != null) {
      String status = serviceRegistry.getStatus(me);
      builder.withDetail("service", me.getServiceId())
          .withDetail("instanceId", me.getInstanceId())
          .withDetail("stage", me.stage())
          .withDetail("address", String.valueOf(me.address()))
          .withDetail("status", status != null ? status : "NOT_REGISTERED");
    }
  }
}
