package dev.registry.client;

import java.util.AbstractList;
import java.util.List;
import java.util.RandomAccess;
import org.jspecify.annotations.Nullable;

/**
 * The instances a {@link LoadBalancer} picks from, as the client hands them over: an immutable
 * list made once per view change, with each instance's calls in flight beside it and a slot
 * where a built-in balancer keeps what it computed from the list (the weighted one's table).
 * Package-private: a balancer of the user's own sees a plain immutable list.
 */
final class Candidates extends AbstractList<ServiceInstance> implements RandomAccess {
  private final ServiceInstance[] instances;
  private final Load[] loads;
  /** The balancer's own data about this list, or null. Written racily: any writer's is right. */
  volatile @Nullable Object memo;

  Candidates(List<ServiceInstance> instances, Loads loads) {
    this.instances = instances.toArray(new ServiceInstance[0]);
    this.loads = new Load[this.instances.length];
    for (int i = 0; i < this.instances.length; i++) {
      this.loads[i] = loads.of(this.instances[i]);
    }
  }

  @Override
  public ServiceInstance get(int index) {
    return instances[index];
  }

  @Override
  public int size() {
    return instances.length;
  }

  /** The calls in flight to the instance at {@code index}. */
  int outstanding(int index) {
    return loads[index].outstanding();
  }
}
