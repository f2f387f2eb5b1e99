package dev.registry.server;

import java.util.List;

/** An immutable snapshot of the live instances of one service in one stage, at {@code index}. */
record ServiceView(String service, String stage, long index, List<Instance> instances) {
  ServiceView {
    instances = List.copyOf(instances);
  }

  boolean isEmpty() {
    return instances.isEmpty();
  }
}
