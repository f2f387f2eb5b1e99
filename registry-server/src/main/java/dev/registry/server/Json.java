package dev.registry.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The response bodies of the contract, as ordered maps written by Jackson. */
final class Json {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private Json() {}

  static byte[] write(Object body) {
    try {
      return MAPPER.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write " + body.getClass(), e);
    }
  }

  static Map<String, Object> error(String code, String message) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("error", code);
    body.put("message", message);
    return body;
  }

  static Map<String, Object> instance(Instance i, long now) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", i.id);
    m.put("address", i.address);
    m.put("stage", i.stage);
    m.put("status", i.status.name());
    m.put("metadata", i.metadata);
    m.put("uptime_seconds", seconds(now - i.registeredAtMillis));
    m.put("ttl_seconds", i.ttlSeconds());
    long leaseEnd = i.lease.end();
    // null for an instance held until removed (a MicroReg registration): its lease never ends.
    m.put("lease_remaining_seconds", leaseEnd == Lease.REMOVED ? (Object) 0.0
        : leaseEnd == Long.MAX_VALUE ? null : seconds(leaseEnd - now));
    long applied = i.appliedConfig.get();
    m.put("config_index", applied < 0 ? null : applied);
    return m;
  }

  static List<Map<String, Object>> instances(ServiceView view, long now) {
    List<Map<String, Object>> list = new ArrayList<>(view.instances().size());
    for (Instance i : view.instances()) {
      list.add(instance(i, now));
    }
    return list;
  }

  static Map<String, Object> discover(ServiceView view, long now) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("service", view.service());
    m.put("stage", view.stage());
    m.put("index", view.index());
    m.put("count", view.instances().size());
    m.put("instances", instances(view, now));
    if (view.isEmpty()) {
      m.put("error", "unknown_service");
      m.put("message", "Service " + view.service() + " not found"
          + (view.stage().equals(Registry.DEFAULT_STAGE) ? "" : " in stage " + view.stage()));
    }
    return m;
  }

  static Map<String, Object> catalog(CatalogView catalog, long now) {
    Map<String, Object> services = new LinkedHashMap<>();
    for (ServiceView view : catalog.services().values()) {
      Map<String, Object> s = new LinkedHashMap<>();
      s.put("index", view.index());
      s.put("count", view.instances().size());
      s.put("instances", instances(view, now));
      services.put(view.service(), s);
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("stage", catalog.stage());
    m.put("index", catalog.index());
    m.put("services", services);
    return m;
  }

  static Map<String, Object> stages(long revision, String epoch, List<Registry.StageSummary> summaries) {
    Map<String, Object> stages = new LinkedHashMap<>();
    for (Registry.StageSummary summary : summaries) {
      Map<String, Object> s = new LinkedHashMap<>();
      s.put("index", summary.index());
      s.put("services", summary.services());
      s.put("instances", summary.instances());
      stages.put(summary.stage(), s);
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("index", revision);
    m.put("epoch", epoch);
    m.put("stages", stages);
    return m;
  }

  /** Seconds with millisecond precision, as the seed's float seconds. */
  static double seconds(long millis) {
    return Math.max(0, millis) / 1000.0;
  }
}
