package dev.registry.server;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The configuration routes under {@code /config/{service}} (docs/api.md, "Configuration"): a
 * write, the configuration a reader sees (with the long-poll), every entry, the history, and
 * which index each instance has applied. The handler authorizes writes, reads their bodies and
 * parks long-polls; this class knows what the routes mean.
 */
final class ConfigRoutes {
  static final String PREFIX = "/config/";
  private static final Logger LOG = LoggerFactory.getLogger(ConfigRoutes.class);

  /** Parks a long-poll (the handler's): false when the answer is due at once. */
  interface Parking {
    boolean park(Request request, Response response, Callback callback, Duration wait, Runnable answer,
        Predicate<Watch> watch, Consumer<Watch> unwatch);
  }

  /** Sends an answer once the change is saved (the handler's). */
  interface SavedAnswer {
    void send(Response response, Callback callback, int status, Map<String, Object> body);
  }

  /**
   * What a path under {@link #PREFIX} names: a service (its name not yet checked, so that a write
   * is refused for its missing token first), and the part of its configuration ("" for itself).
   */
  record Target(String rawService, String part) {
    /** The service name. @throws ApiException 400 naming it, when it breaks the name rule */
    String service() {
      return RequestBody.name("service", rawService);
    }

    /** Whether {@code method} on this target is the write. */
    boolean isWrite(String method) {
      return part.isEmpty() && "POST".equals(method);
    }
  }

  private final Configurations config;
  private final Registry registry;
  private final Limits limits;

  ConfigRoutes(Configurations config, Registry registry, Limits limits) {
    this.config = config;
    this.registry = registry;
    this.limits = limits;
  }

  /**
   * The target of a path that starts with {@link #PREFIX}.
   *
   * @throws ApiException 404 for no such part
   */
  static Target target(String path) {
    String rest = path.substring(PREFIX.length());
    int slash = rest.indexOf('/');
    String part = slash < 0 ? "" : rest.substring(slash + 1);
    if (!List.of("", "entries", "history", "applied").contains(part)) {
      throw new ApiException(404, "not_found", "no such route: " + RequestBody.quote(path));
    }
    return new Target(slash < 0 ? rest : rest.substring(0, slash), part);
  }

  /** {@code POST /config/{service}}: one write, answered once saved. */
  void write(Target target, RequestBody body, Caller caller, Response response, Callback callback,
      SavedAnswer saved) {
    String service = target.service();
    ConfigWrite write = ConfigRequest.write(body, limits);
    Configurations.Written written = config.write(service, write, caller);
    if (!written.changed().isEmpty()) {
      // The keys, never the values: a value may be a secret.
      LOG.atInfo().addKeyValue("event", "config_changed").addKeyValue("service", service)
          .addKeyValue("scope", write.scope().toString()).addKeyValue("index", written.index())
          .addKeyValue("keys", String.join(",", written.changed())).addKeyValue("by", caller.label)
          .log("Configuration of {} changed at {} (index {}) by {}: {}", service, write.scope(), written.index(),
              caller.label, written.changed());
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("service", service);
    m.put("scope", write.scope().json());
    m.put("index", written.index());
    m.put("changed", written.changed());
    saved.send(response, callback, 200, m);
  }

  /** Every read route: {@code GET} only. */
  void read(Request request, Response response, Callback callback, Target target, Parking parking) {
    if (!"GET".equals(request.getMethod())) {
      String allow = target.part().isEmpty() ? "GET, POST" : "GET";
      throw new ApiException(405, "method_not_allowed", request.getMethod() + " is not allowed on "
          + Request.getPathInContext(request) + "; use " + allow.replace(", ", " or "), allow);
    }
    String service = target.service();
    Fields query = Request.extractQueryParameters(request);
    switch (target.part()) {
      case "" -> {
        ConfigScope reader = ConfigRequest.reader(query, RegistryHandler.queryStage(query));
        poll(request, response, callback, query, parking, service, changed -> changed.appliesTo(reader),
            () -> ConfigJson.resolved(service, reader, config.resolve(service, reader), config.epoch));
      }
      case "entries" -> poll(request, response, callback, query, parking, service, changed -> true,
          () -> ConfigJson.entries(service, config.config(service), config.epoch));
      case "history" -> {
        Configurations.ServiceConfig c = config.config(service);
        RegistryHandler.send(response, callback, 200, ConfigJson.history(service, c), c.index());
      }
      default -> applied(response, callback, query, service);
    }
  }

  /**
   * Answers {@code body}, at once or, with {@code ?index=N}, once a change that {@code affects}
   * says concerns the reader moves the service's index from N (or the wait ends).
   */
  private void poll(Request request, Response response, Callback callback, Fields query, Parking parking,
      String service, Predicate<ConfigScope> affects, java.util.function.Supplier<Map<String, Object>> body) {
    Long index = RegistryHandler.queryIndex(query);
    Duration wait = RegistryHandler.queryWait(query);
    String epoch = query.getValue("epoch");
    Runnable answer = () -> {
      Map<String, Object> m = body.get();
      RegistryHandler.send(response, callback, 200, m, (Long) m.get("index"));
    };
    if (index != null && parking.park(request, response, callback, wait, answer,
        w -> config.watch(service, affects, index, epoch, w), w -> config.unwatch(service, w))) {
      return;
    }
    answer.run();
  }

  /** {@code GET /config/{service}/applied[?stage=S]}. */
  private void applied(Response response, Callback callback, Fields query, String service) {
    String stage = query.getValue("stage") == null ? null : RegistryHandler.queryStage(query);
    List<ServiceView> views = new ArrayList<>();
    for (ServiceView view : registry.viewsOf(service)) {
      if (stage == null || stage.equals(view.stage())) {
        views.add(view);
      }
    }
    long index = config.config(service).index();
    RegistryHandler.send(response, callback, 200, ConfigJson.applied(service, index, views), index);
  }
}
