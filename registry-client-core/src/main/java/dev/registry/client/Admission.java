package dev.registry.client;

import static dev.registry.client.Logs.log;

import dev.registry.address.AddressPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the client takes of a view the registry answered, whatever the backend, before the view
 * is applied (never on the pick path): at most {@code maxInstancesPerView} instances, and none at
 * an address the {@link AddressPolicy} denies (link-local and cloud metadata addresses), unless
 * the builder allows them. A view past the limit is refused whole; a denied instance is left
 * out, and logged once per service and address. Thread-safe.
 */
final class Admission {
  /** Left-out addresses logged at most this many times per client, so a flood cannot flood the log. */
  private static final int MAX_LOGGED = 256;

  private final int maxInstances;
  private final boolean allowLinkLocal;
  private final Set<String> logged = ConcurrentHashMap.newKeySet();

  Admission(int maxInstances, boolean allowLinkLocal) {
    this.maxInstances = maxInstances;
    this.allowLinkLocal = allowLinkLocal;
  }

  /**
   * The view as the client takes it: {@code view} itself when every instance may be called.
   *
   * @throws RegistryUnavailableException if it holds more instances than the limit; the
   *     message names the limit
   */
  ServiceView admit(ServiceView view) {
    List<ServiceInstance> instances = view.instances();
    if (instances.size() > maxInstances) {
      throw new RegistryUnavailableException("the registry answered " + instances.size()
          + " instances of " + view.service() + "@" + view.stage()
          + ", more than the client's maxInstancesPerView (" + maxInstances + "): refused", 0, null);
    }
    if (allowLinkLocal) {
      return view;
    }
    List<ServiceInstance> kept = null;
    for (int i = 0; i < instances.size(); i++) {
      ServiceInstance instance = instances.get(i);
      Optional<String> denied = AddressPolicy.denied(instance.address());
      if (denied.isPresent()) {
        if (kept == null) {
          kept = new ArrayList<>(instances.subList(0, i));
        }
        leftOut(instance, denied.get());
      } else if (kept != null) {
        kept.add(instance);
      }
    }
    return kept == null ? view
        : new ServiceView(view.service(), view.stage(), view.index(), kept, view.stale());
  }

  /** A view refused whole while others of its answer were applied: kept stale, and logged once. */
  void refused(RegistryUnavailableException e) {
    if (logged.size() < MAX_LOGGED && logged.add(e.getMessage())) {
      log().warn("{}; the client keeps its last view, marked stale", e.getMessage());
    }
  }

  private void leftOut(ServiceInstance instance, String why) {
    String key = instance.service() + " " + instance.address();
    if (logged.size() < MAX_LOGGED && logged.add(key)) {
      log().warn("Left out instance {} of {} at {}: {}. A client never calls such an address"
          + " (Builder.allowLinkLocalAddresses allows it); the registry should refuse it",
          instance.id(), instance.service(), instance.address(), why);
    }
  }
}
