package dev.registry.client;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The calls in flight to one service's instances, one {@link Load} per instance id, kept while
 * the instance is in the service's view (a call in flight to an instance that left keeps its
 * handle, which then counts for nothing).
 */
final class Loads {
  private final ViewHolder holder;
  private final Routing routing;
  private final ConcurrentHashMap<String, Load> byId = new ConcurrentHashMap<>();

  Loads(ViewHolder holder, Routing routing) {
    this.holder = holder;
    this.routing = routing;
  }

  /** The load of {@code instance}, made at its first view; it now names this instance object. */
  Load of(ServiceInstance instance) {
    Load load = byId.get(instance.id());
    if (load == null) {
      load = byId.computeIfAbsent(instance.id(), id -> new Load(holder, routing, instance));
    }
    load.instance = instance;
    return load;
  }

  /** The load of the instance with {@code id}, or null. No allocation. */
  @Nullable Load get(String id) {
    return byId.get(id);
  }

  /** Forgets the instances that are not in {@code up}. */
  void retain(List<ServiceInstance> up) {
    Set<String> ids = new HashSet<>();
    for (ServiceInstance i : up) {
      ids.add(i.id());
    }
    byId.keySet().retainAll(ids);
  }
}
