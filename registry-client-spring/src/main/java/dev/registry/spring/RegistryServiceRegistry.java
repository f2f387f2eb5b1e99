package dev.registry.spring;

import static java.util.Objects.requireNonNull;

import dev.registry.client.RegistryClient;
import dev.registry.client.Status;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.springframework.cloud.client.serviceregistry.ServiceRegistry;

/**
 * Spring Cloud's {@link ServiceRegistry} over the core client: {@link #register} hands the
 * instance to the core, which keeps its lease alive with heartbeats and registers it again if
 * the registry forgets it; {@link #deregister} closes that lease. {@link #setStatus} and
 * {@link #getStatus} back the {@code /serviceregistry} actuator endpoint. Thread-safe.
 */
public final class RegistryServiceRegistry implements ServiceRegistry<RegistryRegistration> {
  private final RegistryClient client;
  private final Map<String, dev.registry.client.Registration> leases = new ConcurrentHashMap<>();

  /**
   * Creates the service registry.
   *
   * @param client the core client
   */
  public RegistryServiceRegistry(RegistryClient client) {
    this.client = requireNonNull(client, "client");
  }

  /**
   * Registers the instance as {@link Status#UP}; does nothing if it is registered already.
   * Blocks until the registry has accepted it (with retries).
   *
   * @throws dev.registry.client.RegistryException if the registry could not be reached or refused
   * @throws IllegalStateException if the registration's address is not bound yet
   */
  @Override
  public void register(RegistryRegistration registration) {
    register(registration, Status.UP);
  }

  /**
   * Registers the instance with {@code status}; does nothing if it is registered already.
   *
   * @param registration the instance
   * @param status its initial status
   * @throws dev.registry.client.RegistryException if the registry could not be reached or refused
   * @throws IllegalStateException if the registration's address is not bound yet
   */
  public void register(RegistryRegistration registration, Status status) {
    requireNonNull(registration, "registration");
    requireNonNull(status, "status");
    leases.computeIfAbsent(registration.getInstanceId(),
        id -> client.register(registration.toInstance(status)));
  }

  /**
   * Deregisters the instance (bounded by the client's deregistration timeout; a failure is
   * logged by the core and the lease ends by itself). Does nothing if it is not registered.
   */
  @Override
  public void deregister(RegistryRegistration registration) {
    requireNonNull(registration, "registration");
    dev.registry.client.Registration lease = leases.remove(registration.getInstanceId());
    if (lease != null) {
      lease.close();
    }
  }

  /** Deregisters every instance still registered through this service registry. */
  @Override
  public void close() {
    for (String id : leases.keySet()) {
      dev.registry.client.Registration lease = leases.remove(id);
      if (lease != null) {
        lease.close();
      }
    }
  }

  /**
   * Changes the registered instance's status.
   *
   * @param status one of {@code UP}, {@code DOWN}, {@code STARTING}, {@code OUT_OF_SERVICE}
   *     (any case)
   * @throws IllegalArgumentException if the status is none of those
   * @throws IllegalStateException if the instance is not registered
   * @throws dev.registry.client.RegistryException if the registry could not be told
   */
  @Override
  public void setStatus(RegistryRegistration registration, String status) {
    requireNonNull(registration, "registration");
    requireNonNull(status, "status");
    Status parsed;
    try {
      parsed = Status.valueOf(status.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "status must be one of UP, DOWN, STARTING, OUT_OF_SERVICE: '" + status + "'", e);
    }
    dev.registry.client.Registration lease = leases.get(registration.getInstanceId());
    if (lease == null) {
      throw new IllegalStateException("not registered: " + registration);
    }
    lease.status(parsed);
  }

  /**
   * Returns the registered instance's status, as the name of a {@link Status}.
   *
   * @return the status name, or null when the instance is not registered
   */
  @Override
  @SuppressWarnings("unchecked")
  public <T> @Nullable T getStatus(RegistryRegistration registration) {
    requireNonNull(registration, "registration");
    dev.registry.client.Registration lease = leases.get(registration.getInstanceId());
    return lease == null ? null : (T) lease.instance().status().name();
  }

  /**
   * Returns whether the instance is registered through this service registry.
   *
   * @param registration the instance
   * @return whether it is registered
   */
  public boolean isRegistered(RegistryRegistration registration) {
    return leases.containsKey(requireNonNull(registration, "registration").getInstanceId());
  }
}
