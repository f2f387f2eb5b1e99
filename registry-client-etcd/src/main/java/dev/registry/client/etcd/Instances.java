package dev.registry.client.etcd;

import dev.registry.client.RegistryUnavailableException;
import dev.registry.client.ServiceInstance;
import dev.registry.client.ServiceView;
import dev.registry.client.spi.Json;
import dev.registry.client.spi.JsonViews;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An instance as the value of its key: the JSON object of the reference server's wire
 * ({@code {"id","address","stage","status","metadata"}}, read and checked by
 * {@link JsonViews}), and the view of a service made of its keys. Stateless.
 */
final class Instances {
  private Instances() {}

  /** The value written at an instance's key. */
  static String value(ServiceInstance instance, String stage) {
    return new Json.ObjectWriter()
        .field("id", instance.id())
        .field("address", instance.address().toString())
        .field("stage", stage)
        .field("status", instance.status().name())
        .field("metadata", instance.metadata())
        .toString();
  }

  /**
   * The view of {@code service} made of its keys, in key order. Its index is the highest
   * revision among them (0 for none), so that a view read afresh equals the same view kept up by
   * a watch. A value that is not an instance of the service (another writer's key under the
   * prefix) is left out, and logged at debug.
   *
   * @throws RegistryUnavailableException if there are more keys than {@code maxInstances}
   */
  static ServiceView view(String service, String stage, Collection<KeyValue> keys, int maxInstances) {
    if (keys.size() > maxInstances) {
      throw new RegistryUnavailableException("etcd holds " + keys.size() + " instances of " + service
          + "@" + stage + ", more than the client's maxInstancesPerView (" + maxInstances + ")", 200, null);
    }
    List<Object> instances = new ArrayList<>(keys.size());
    long index = 0;
    for (KeyValue kv : keys) {
      try {
        Object parsed = Json.parse(kv.value());
        // Checked one by one, so that one bad value does not hide the service.
        JsonViews.view(Map.of("instances", List.of(parsed)), service, stage, 1);
        instances.add(parsed);
        index = Math.max(index, kv.modRevision());
      } catch (IOException e) {
        log().debug("etcd key {} is not an instance of {}: {}", kv.key(), service, e.getMessage());
      }
    }
    try {
      return JsonViews.view(Map.of("index", index, "instances", instances), service, stage, maxInstances);
    } catch (IOException e) {
      throw new IllegalStateException("instances checked one by one failed together: " + e, e);
    }
  }

  private static Logger log() {
    return LoggerFactory.getLogger(Instances.class);
  }
}
