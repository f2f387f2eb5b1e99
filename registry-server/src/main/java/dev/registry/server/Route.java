package dev.registry.server;

/**
 * The routes the server answers, by template: what metrics and logs name a request by. A raw
 * path never becomes a label, since {@code /discover/{service}} alone would make one series per
 * service name a client ever asked for. A route added to the server gets its constant here;
 * until then its requests count as {@link #UNKNOWN}.
 */
enum Route {
  REGISTER("/register"),
  HEARTBEAT("/heartbeat"),
  DEREGISTER("/deregister"),
  STATUS("/status"),
  DISCOVER("/discover/{service}"),
  CATALOG("/catalog"),
  SERVICES("/services"),
  STAGES("/stages"),
  HEALTH("/health"),
  METRICS("/metrics"),
  CONFIG("/config/{service}"),
  CONFIG_ENTRIES("/config/{service}/entries"),
  CONFIG_HISTORY("/config/{service}/history"),
  CONFIG_APPLIED("/config/{service}/applied"),
  /** MicroReg's XML-RPC API. */
  RPC2("/RPC2"),
  /** The dashboard's files: a fixed list, so one label. */
  DASHBOARD("/ui/{file}"),
  /** The redirects to the dashboard. */
  ROOT("/"),
  UI("/ui"),
  /** Any path the server has no route for (answered 404 {@code not_found}). */
  UNKNOWN("unknown");

  private static final Route[] ALL = values();

  final String template;

  Route(String template) {
    this.template = template;
  }

  /** The route of a request path (the path in context, decoded), {@link #UNKNOWN} for none. */
  static Route of(String path) {
    if (path.startsWith("/discover/")) {
      return DISCOVER;
    }
    if (path.startsWith(Dashboard.PREFIX)) {
      return DASHBOARD;
    }
    if (path.startsWith(ConfigRoutes.PREFIX)) {
      int slash = path.indexOf('/', ConfigRoutes.PREFIX.length());
      return switch (slash < 0 ? "" : path.substring(slash + 1)) {
        case "" -> CONFIG;
        case "entries" -> CONFIG_ENTRIES;
        case "history" -> CONFIG_HISTORY;
        case "applied" -> CONFIG_APPLIED;
        default -> UNKNOWN;
      };
    }
    for (Route route : ALL) {
      if (route.template.equals(path)) {
        return route;
      }
    }
    return UNKNOWN;
  }

  static int count() {
    return ALL.length;
  }
}
