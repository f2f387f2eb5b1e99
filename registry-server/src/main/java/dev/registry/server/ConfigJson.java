package dev.registry.server;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The answers of the configuration routes, as ordered maps (docs/api.md, "Configuration"). */
final class ConfigJson {
  private ConfigJson() {}

  /** {@code GET /config/{service}}: what one reader sees, with each key's scope. */
  static Map<String, Object> resolved(String service, ConfigScope reader, Configurations.Resolved resolved,
      String epoch) {
    Map<String, Object> entries = new LinkedHashMap<>();
    resolved.entries().forEach((key, entry) -> {
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("value", entry.value());
      e.put("scope", entry.scope().json());
      entries.put(key, e);
    });
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("service", service);
    m.put("stage", reader.stage());
    m.put("region", reader.region());
    m.put("client", reader.client());
    m.put("index", resolved.index());
    m.put("epoch", epoch);
    m.put("entries", entries);
    return m;
  }

  /** {@code GET /config/{service}/entries}: every entry at every scope, by key, then most specific first. */
  static Map<String, Object> entries(String service, Configurations.ServiceConfig config, String epoch) {
    List<ConfigEntry> all = new ArrayList<>(config.size());
    config.scopes().values().forEach(e -> all.addAll(e.values()));
    all.sort(Comparator.comparing(ConfigEntry::key)
        .thenComparing(e -> -e.scope().precedence())
        .thenComparing(e -> e.scope().toString()));
    List<Map<String, Object>> list = new ArrayList<>(all.size());
    for (ConfigEntry entry : all) {
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("key", entry.key());
      e.put("value", entry.value());
      e.put("scope", entry.scope().json());
      e.put("description", entry.description());
      e.put("index", entry.index());
      e.put("updated", Instant.ofEpochMilli(entry.updatedAtMillis()).toString());
      list.add(e);
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("service", service);
    m.put("index", config.index());
    m.put("epoch", epoch);
    m.put("count", list.size());
    m.put("entries", list);
    return m;
  }

  /** {@code GET /config/{service}/history}: the kept changes, newest first. */
  static Map<String, Object> history(String service, Configurations.ServiceConfig config) {
    List<Map<String, Object>> changes = new ArrayList<>(config.history().size());
    for (int i = config.history().size() - 1; i >= 0; i--) {
      ConfigChange c = config.history().get(i);
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("index", c.index());
      e.put("time", Instant.ofEpochMilli(c.atMillis()).toString());
      e.put("scope", c.scope().json());
      e.put("key", c.key());
      e.put("old", c.oldValue());
      e.put("new", c.newValue());
      e.put("by", c.by());
      changes.add(e);
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("service", service);
    m.put("index", config.index());
    m.put("changes", changes);
    return m;
  }

  /**
   * {@code GET /config/{service}/applied}: which index each live instance of the service reports
   * it has applied, and how many run each.
   */
  static Map<String, Object> applied(String service, long index, List<ServiceView> views) {
    // The newest index first, instances that reported none last.
    Map<String, Integer> counts = new TreeMap<>(
        Comparator.comparingLong((String k) -> k.equals("none") ? Long.MAX_VALUE : -Long.parseLong(k)));
    List<Map<String, Object>> instances = new ArrayList<>();
    int current = 0;
    for (ServiceView view : views) {
      for (Instance i : view.instances()) {
        long applied = i.appliedConfig.get();
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("stage", i.stage);
        e.put("id", i.id);
        e.put("address", i.address);
        e.put("status", i.status.name());
        e.put("config_index", applied < 0 ? null : applied);
        instances.add(e);
        counts.merge(applied < 0 ? "none" : Long.toString(applied), 1, Integer::sum);
        current += applied == index ? 1 : 0;
      }
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("service", service);
    m.put("index", index);
    m.put("instances_total", instances.size());
    m.put("instances_current", current);
    m.put("by_index", counts);
    m.put("instances", instances);
    return m;
  }
}
