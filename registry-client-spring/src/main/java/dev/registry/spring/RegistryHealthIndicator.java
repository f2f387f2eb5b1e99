package dev.registry.spring;

import static java.util.Objects.requireNonNull;

import dev.registry.client.RegistryClient;
import dev.registry.client.RegistryException;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * The {@code registry} health component, configured when Spring Boot's health support is
 * present. Its details say whether the registry is reachable (as the client's last call found
 * it; no request is made for the check), the last error while it is not, and this
 * application's own registration (service, instance id, stage, address, status).
 *
 * <p>Its status stays {@code UP} while the registry is away, by default: the client keeps
 * serving its cached views precisely so that an outage of the registry takes no service down,
 * and a {@code DOWN} here would turn the aggregate {@code /actuator/health} to 503, which
 * Kubernetes and load balancers read as "restart or drain every service of the system". The
 * {@code registry.client.reachable} meter and the details carry the registry's state instead.
 * {@code management.health.registry.down-when-unreachable=true} makes it {@code DOWN} again, for
 * an application that cannot work without the registry; either way it is in neither the
 * readiness nor the liveness group. Turn it off with
 * {@code management.health.registry.enabled=false}.
 */
public final class RegistryHealthIndicator extends AbstractHealthIndicator {
  private final RegistryClient client;
  private final RegistryReachability reachability;
  private final @Nullable RegistryRegistration registration;
  private final @Nullable RegistryServiceRegistry serviceRegistry;
  private final boolean downWhenUnreachable;

  /**
   * Creates the indicator.
   *
   * @param client the core client
   * @param reachability the reachability tracker fed by the client's events
   * @param registration this application's instance, or null when it does not register
   * @param serviceRegistry the service registry, or null when it does not register
   * @param downWhenUnreachable whether the status is {@code DOWN} while the registry is
   *     unreachable (default false: {@code UP}, the registry's state in the details)
   */
  public RegistryHealthIndicator(RegistryClient client, RegistryReachability reachability,
      @Nullable RegistryRegistration registration,
      @Nullable RegistryServiceRegistry serviceRegistry, boolean downWhenUnreachable) {
    super("Registry health check failed");
    this.client = requireNonNull(client, "client");
    this.reachability = requireNonNull(reachability, "reachability");
    this.registration = registration;
    this.serviceRegistry = serviceRegistry;
    this.downWhenUnreachable = downWhenUnreachable;
  }

  @Override
  protected void doHealthCheck(Health.Builder builder) {
    RegistryException failure = reachability.lastFailure();
    if (failure != null && downWhenUnreachable) {
      builder.down();
    } else {
      builder.up();
    }
    builder.withDetail("reachable", failure == null);
    if (failure != null) {
      builder.withDetail("error", failure.getMessage());
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
