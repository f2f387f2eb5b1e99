package dev.registry.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.registry.address.AddressPolicy;
import java.net.URI;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MicroReg's XML-RPC methods (the third seed's registry) on our registry, served at {@code POST
 * /RPC2}. A MicroReg registration is an instance of the service, id {@value #ID}, in the
 * default stage, at {@code http://host:port} (a host given with a scheme keeps it), held until
 * it is unregistered (MicroReg's clients send no heartbeats) and checked by the registry with
 * {@link HealthCheck#MICROREG} when the server runs health checks. Its status is MicroReg's
 * number: 1 running = UP, 0 stopped = OUT_OF_SERVICE, -1 error = DOWN.
 *
 * <p>As in MicroReg, a name holds one registration: {@code register} of a name that already has
 * an instance in the default stage answers {@code False}, and {@code update_status} and {@code
 * unregister} act on the MicroReg registration only. The reads see every instance of the default
 * stage. Writes need the server's token when it has one. Thread-safe.
 */
final class MicroRegApi {
  /** The id of every MicroReg registration: a name holds at most one. */
  static final String ID = "microreg";
  static final Set<String> WRITES = Set.of("register", "update_status", "unregister");

  private static final Logger LOG = LoggerFactory.getLogger(MicroRegApi.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String STAGE = Registry.DEFAULT_STAGE;

  private final Registry registry;
  private final boolean denyLinkLocal;

  MicroRegApi(Registry registry, boolean denyLinkLocal) {
    this.registry = registry;
    this.denyLinkLocal = denyLinkLocal;
  }

  /**
   * Runs a call; its result as an XML-RPC value.
   *
   * @param mayWrite whether the request carried the token (or the server has none)
   * @throws XmlRpc.Fault for an unknown method, wrong arguments, a missing token or a limit
   */
  Object invoke(XmlRpc.Call call, boolean mayWrite) {
    List<@Nullable Object> p = call.params();
    if (WRITES.contains(call.method()) && !mayWrite) {
      throw new XmlRpc.Fault(XmlRpc.APPLICATION_ERROR,
          "this registry needs its token for " + call.method() + ": 'Authorization: Bearer <token>', or the"
              + " token as the password of the URL (http://registry:<token>@host:port/RPC2)");
    }
    try {
      return switch (call.method()) {
        case "register" -> register(p);
        case "update_status" -> updateStatus(p);
        case "unregister" -> unregister(p);
        case "get_service_details" -> serviceDetails(p);
        case "get_all_service_details" -> allServiceDetails(p);
        case "get_reg_count" -> registrationCount(p);
        default -> throw new XmlRpc.Fault(XmlRpc.METHOD_NOT_FOUND, "no method '" + shorten(call.method())
            + "'; this registry answers register, update_status, unregister, get_service_details,"
            + " get_all_service_details, get_reg_count");
      };
    } catch (ApiException e) {
      throw new XmlRpc.Fault(XmlRpc.INVALID_PARAMS, call.method() + ": " + e.getMessage());
    } catch (LimitExceededException e) {
      throw new XmlRpc.Fault(XmlRpc.APPLICATION_ERROR, call.method() + ": " + e.getMessage());
    }
  }

  private Object register(List<@Nullable Object> p) {
    arguments("register(name, host, port[, status[, check]])", p, 3, 5);
    String name = name(p);
    String host = string(p, 1, "host");
    int port = integer(p, 2, "port");
    InstanceStatus status = p.size() > 3 ? status(p.get(3)) : InstanceStatus.UP;
    HealthCheck check = HealthCheck.MICROREG;
    if (p.size() > 4) {
      if (!(p.get(4) instanceof Map<?, ?> struct)) {
        throw new XmlRpc.Fault(XmlRpc.INVALID_PARAMS, "register: check must be a struct");
      }
      try {
        @SuppressWarnings("unchecked")
        Map<String, ?> fields = (Map<String, ?>) struct;
        check = HealthCheck.parse(fields);
      } catch (IllegalArgumentException e) {
        throw new XmlRpc.Fault(XmlRpc.INVALID_PARAMS, "register: " + e.getMessage());
      }
    }
    String address = RequestBody.address(address(host, port));
    if (denyLinkLocal) {
      Optional<String> denied = AddressPolicy.denied(URI.create(address));
      if (denied.isPresent()) {
        throw new XmlRpc.Fault(XmlRpc.INVALID_PARAMS, "register: the address must not be "
            + denied.get() + " (see --allow-link-local): " + address);
      }
    }
    if (!registry.view(name, STAGE).isEmpty()) {
      return false;  // MicroReg: one registration per name
    }
    Registry.Registered r = registry.register(new Registry.Registration(name, STAGE, ID, address, status, Map.of(),
        Lease.UNTIL_REMOVED, null, check));
    return r.created() ? (int) Math.min(Integer.MAX_VALUE, r.index()) : false;
  }

  private Object updateStatus(List<@Nullable Object> p) {
    arguments("update_status(name, status)", p, 2, 2);
    String name = name(p);
    InstanceStatus status = status(p.get(1));
    return onRegistration(name, ref -> registry.setStatus(name, STAGE, ref, status));
  }

  private Object unregister(List<@Nullable Object> p) {
    arguments("unregister(name)", p, 1, 1);
    String name = name(p);
    return onRegistration(name, ref -> registry.deregister(name, STAGE, ref));
  }

  /** Acts on the name's MicroReg registration with its own secret: true, or false when it has none. */
  private boolean onRegistration(String name, java.util.function.Consumer<Registry.InstanceRef> action) {
    Instance instance = registration(name);
    if (instance == null) {
      return false;
    }
    try {
      action.accept(new Registry.InstanceRef(ID, null, instance.secret));
      return true;
    } catch (NotRegisteredException e) {
      return false;  // removed meanwhile
    }
  }

  /** MicroReg's (host, port) of the service: its MicroReg registration, else its first UP instance. */
  private Object serviceDetails(List<@Nullable Object> p) {
    arguments("get_service_details(name)", p, 1, 1);
    String name = name(p);
    Instance chosen = registration(name);
    if (chosen == null) {
      for (Instance i : registry.view(name, STAGE).instances()) {
        if (i.status == InstanceStatus.UP) {
          chosen = i;
          break;
        }
      }
    }
    if (chosen == null) {
      return false;
    }
    URI uri = URI.create(chosen.address);
    return List.of(uri.getHost(), port(uri));
  }

  /**
   * MicroReg's answer: a JSON string of every registration of the default stage, by key, each
   * with name, host, port, status (1, 0, -1), id and reg_timestamp.
   */
  private Object allServiceDetails(List<@Nullable Object> p) {
    arguments("get_all_service_details()", p, 0, 0);
    Map<String, Object> all = new LinkedHashMap<>();
    for (ServiceView view : registry.catalog(STAGE).services().values()) {
      for (Instance i : view.instances()) {
        URI uri = URI.create(i.address);
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("name", i.service);
        record.put("host", uri.getHost());
        record.put("port", port(uri));
        record.put("status", microRegStatus(i.status));
        record.put("reg_timestamp", Instant.ofEpochMilli(i.registeredAtMillis).toString());
        record.put("id", i.id);
        all.put(i.service + "/" + i.id, record);
      }
    }
    try {
      return JSON.writeValueAsString(all);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write the services", e);
    }
  }

  private Object registrationCount(List<@Nullable Object> p) {
    arguments("get_reg_count()", p, 0, 0);
    int count = 0;
    for (ServiceView view : registry.catalog(STAGE).services().values()) {
      count += view.instances().size();
    }
    return count;
  }

  // ---------------------------------------------------------------- arguments

  private @Nullable Instance registration(String name) {
    for (Instance i : registry.view(name, STAGE).instances()) {
      if (i.id.equals(ID)) {
        return i;
      }
    }
    return null;
  }

  private static void arguments(String signature, List<@Nullable Object> p, int min, int max) {
    if (p.size() < min || p.size() > max) {
      throw new XmlRpc.Fault(XmlRpc.INVALID_PARAMS, signature + " takes " + (min == max ? min : min + " to " + max)
          + " arguments, not " + p.size());
    }
  }

  private static String name(List<@Nullable Object> p) {
    return RequestBody.name("name", string(p, 0, "name"));
  }

  private static String string(List<@Nullable Object> p, int index, String what) {
    if (!(p.get(index) instanceof String s) || s.isEmpty()) {
      throw new XmlRpc.Fault(XmlRpc.INVALID_PARAMS, what + " must be a non-empty string, not " + kind(p.get(index)));
    }
    return s;
  }

  private static int integer(List<@Nullable Object> p, int index, String what) {
    if (!(p.get(index) instanceof Integer i)) {
      throw new XmlRpc.Fault(XmlRpc.INVALID_PARAMS, what + " must be an int, not " + kind(p.get(index)));
    }
    return i;
  }

  /** MicroReg's status numbers: 1 running, 0 stopped, -1 error. */
  private static InstanceStatus status(@Nullable Object value) {
    if (value instanceof Integer i) {
      switch (i) {
        case 1 -> {
          return InstanceStatus.UP;
        }
        case 0 -> {
          return InstanceStatus.OUT_OF_SERVICE;
        }
        case -1 -> {
          return InstanceStatus.DOWN;
        }
        default -> { }
      }
    }
    throw new XmlRpc.Fault(XmlRpc.INVALID_PARAMS,
        "status must be 1 (running), 0 (stopped) or -1 (error), not " + kind(value));
  }

  static int microRegStatus(InstanceStatus status) {
    return switch (status) {
      case UP -> 1;
      case DOWN -> -1;
      case OUT_OF_SERVICE, STARTING -> 0;
    };
  }

  /** {@code http://host:port}; a host given with a scheme keeps it; an IPv6 literal gets brackets. */
  static String address(String host, int port) {
    if (host.contains("://")) {
      return host + ":" + port;
    }
    boolean v6 = host.indexOf(':') >= 0 && !host.startsWith("[");
    return "http://" + (v6 ? "[" + host + "]" : host) + ":" + port;
  }

  private static int port(URI uri) {
    return uri.getPort() != -1 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
  }

  private static String kind(@Nullable Object value) {
    if (value == null) {
      return "nil";
    }
    if (value instanceof Integer i) {
      return "the int " + i;
    }
    if (value instanceof String s) {
      return "the string '" + shorten(s) + "'";
    }
    return switch (value.getClass().getSimpleName()) {
      case "Boolean" -> "a boolean";
      case "Long" -> "an i8";
      case "Double" -> "a double";
      case "byte[]" -> "base64";
      default -> value instanceof List ? "an array" : value instanceof Map ? "a struct" : "a value";
    };
  }

  private static String shorten(String s) {
    return s.length() <= 100 ? s : s.substring(0, 100) + "...";
  }

  /** For an unexpected failure: logged, and answered as an internal fault rather than a 5xx. */
  static XmlRpc.Fault internal(String method, RuntimeException e) {
    LOG.error("Unexpected failure answering XML-RPC {}", method, e);
    return new XmlRpc.Fault(XmlRpc.INTERNAL_ERROR, "the server failed to answer " + shorten(method) + "; see its log");
  }
}
