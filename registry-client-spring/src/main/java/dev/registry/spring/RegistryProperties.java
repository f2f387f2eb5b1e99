package dev.registry.spring;

import dev.registry.client.LoadBalancer;
import dev.registry.client.Outcome;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.env.Environment;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;

/**
 * The {@code registry.*} properties. Every one has a default; a typical application sets
 * {@code registry.urls} and nothing else (the service name comes from
 * {@code spring.application.name}, the stage is {@code default}).
 *
 * <p>Each property is documented once, on its field: that text is what Spring Boot's
 * configuration processor puts in the jar's metadata for IDEs (the README's table sums them
 * up). The getters and setters are the JavaBean accessors Spring binds through, nothing more.
 *
 * <p>Checked when Spring binds them, before any bean uses them (this class validates itself,
 * see {@link RegistryPropertiesCheck}): the client's values by the core's builders, the
 * adapter's own here, and a {@code registry.*} key that no property has fails too. A bad one
 * stops the startup with an {@link InvalidRegistryPropertiesException}, which Spring Boot's
 * failure analysis reports naming the property as written, its value, the rule and the fix.
 */
@ConfigurationProperties("registry")
public class RegistryProperties implements Validator, EnvironmentAware {

  /** The URLs when neither registry.urls nor registry.url is set. */
  static final List<URI> DEFAULT_URLS = List.of(URI.create("http://127.0.0.1:5001"));

  private @Nullable Environment environment;

  /** Whether the registry client, discovery and registration are configured at all. */
  private boolean enabled = true;

  /**
   * Registry URLs, tried in turn: requests go to the first that works, and move on after a
   * failure. Default: http://127.0.0.1:5001.
   */
  private @Nullable List<URI> urls;

  /** Another name for registry.urls (set one of the two). */
  private @Nullable List<URI> url;

  /** Service name this application registers under. Default: spring.application.name. */
  private @Nullable String serviceName;

  /**
   * Stage of registration and of lookups ("production", "staging", ...): a fact of the
   * deployment, shared by the services that call each other. Default: "default". Profiles do not
   * change it; to follow one, set it in that profile's file (application-production.properties:
   * registry.stage=production).
   */
  private @Nullable String stage;

  /**
   * Region this application runs in, for its configuration (spring.config.import=registry:):
   * the registry's entries for this region apply to it. Default: none.
   */
  private @Nullable String region;

  /**
   * Client (a tenant of yours) this application serves, for its configuration: the registry's
   * entries for this client apply to it, over those of its region and stage. Default: none.
   */
  private @Nullable String client;

  /** Instance id. Default: a random UUID, so that a restarted process is a new instance. */
  private @Nullable String instanceId;

  /**
   * Host (name or IP address) in the registered address. Default: the first non-loopback
   * address found by Spring Cloud's InetUtils.
   */
  private @Nullable String host;

  /** Port in the registered address. Default: the port the web server actually listens on. */
  private @Nullable Integer port;

  /**
   * The whole registered address, such as http://10.0.0.5:8080; overrides host and port. Default:
   * http(s)://host:port, and for a non-web application http://host/instance-id (no port, and
   * unique on its host).
   */
  private @Nullable URI address;

  /** Metadata entries registered with the instance (at most 64). */
  private Map<String, String> metadata = new LinkedHashMap<>();

  /** Lease of the registration: the registry forgets an instance silent for this long. */
  private Duration leaseTtl = Duration.ofSeconds(15);

  /** Time between two heartbeats; shorter than the lease TTL. Default: a third of it. */
  private @Nullable Duration heartbeatInterval;

  /** Bound of one request to the registry. */
  private Duration requestTimeout = Duration.ofSeconds(5);

  /**
   * The registry's shared token, sent as {@code Authorization: Bearer} on every call; needed
   * when the registry was started with one; empty means none. Prefer an environment variable
   * ({@code REGISTRY_TOKEN}) to a file.
   */
  private @Nullable String token;

  /**
   * A PEM file of the certificates (a private CA, or the registry's self-signed certificate)
   * that https registry URLs must chain to, instead of the JVM's default trust store; host names
   * are still verified. Read at startup: a file that cannot be read fails it.
   */
  private @Nullable Path trustedCertificates;

  /** Bound of the deregistration at shutdown, retries included. */
  private Duration deregisterTimeout = Duration.ofSeconds(2);

  /**
   * At shutdown, how long to keep serving after deregistering, before the web server stops: the
   * time callers' caches need to hear of the deregistration (the client's long-poll watch tells
   * them within milliseconds; this bounds it).
   */
  private Duration propagationWait = Duration.ofSeconds(1);

  /**
   * After how many @LoadBalanced calls in a row that failed (see registry.eject-on) an instance is
   * ejected: not picked, and left out of discovery, for registry.ejection-time. Never more than
   * half of a service's instances are ejected at once.
   */
  private int ejectAfter = 3;

  /**
   * Which outcomes of calls count as failures towards an ejection: connection-failure, timeout,
   * gateway-error (502, 503, 504), server-error (other 5xx). Add server-error for Envoy's
   * "consecutive 5xx".
   */
  private Set<Outcome> ejectOn =
      EnumSet.of(Outcome.CONNECTION_FAILURE, Outcome.TIMEOUT, Outcome.GATEWAY_ERROR);

  /**
   * This application's zone (such as eu-west-1a): @LoadBalanced calls and the client's picks
   * prefer instances whose zone metadata names it while at least 5 of 7 of them are healthy,
   * spilling over to the others in proportion below that; the application's own registration
   * carries it as its zone metadata. Default: none.
   */
  private @Nullable String zone;

  /**
   * How @LoadBalanced calls and the client's choose pick an instance: round-robin, random,
   * weighted (by the weight metadata), least-loaded (fewer calls in flight, of two drawn at
   * random), or spring (Spring Cloud LoadBalancer's own round-robin over the DiscoveryClient for
   * @LoadBalanced calls, without zone preference; the client's choose round-robins).
   */
  private Balancer loadBalancer = Balancer.ROUND_ROBIN;

  /** How long an ejected instance is left out before it is called again. */
  private Duration ejectionTime = Duration.ofSeconds(30);

  /**
   * Whether an application annotated with @EnableServiceRegistration registers itself. Also off
   * when spring.cloud.service-registry.auto-registration.enabled is false.
   */
  private boolean register = true;

  /**
   * Whether instances at link-local and cloud metadata addresses (169.254.0.0/16, fe80::/10,
   * fd00:ec2::254, metadata.google.internal, in any notation) are kept in discovery. Off, they
   * are left out and logged once: a call sent there reaches the host's metadata service.
   */
  private boolean allowLinkLocalAddresses;

  /** The values of {@code registry.load-balancer}. */
  public enum Balancer {
    /** {@link LoadBalancer#roundRobin()}. */
    ROUND_ROBIN,
    /** {@link LoadBalancer#random()}. */
    RANDOM,
    /** {@link LoadBalancer#weighted()}. */
    WEIGHTED,
    /** {@link LoadBalancer#leastLoaded()}. */
    LEAST_LOADED,
    /** Spring Cloud LoadBalancer's own balancer for {@code @LoadBalanced} calls. */
    SPRING;

    /** The core's balancer of this choice (round-robin for {@link #SPRING}). */
    LoadBalancer core() {
      return switch (this) {
        case RANDOM -> LoadBalancer.random();
        case WEIGHTED -> LoadBalancer.weighted();
        case LEAST_LOADED -> LoadBalancer.leastLoaded();
        case ROUND_ROBIN, SPRING -> LoadBalancer.roundRobin();
      };
    }
  }

  /** The registry's Spring Cloud DiscoveryClient. */
  private final Discovery discovery = new Discovery();

  /** The {@code registry.discovery.*} properties. */
  public static class Discovery {
    /** Order of the registry's DiscoveryClient among several (lower first). */
    private int order;

    public int getOrder() {
      return order;
    }

    public void setOrder(int order) {
      this.order = order;
    }
  }

  /**
   * Returns the registry URLs in use: {@code registry.urls}, else {@code registry.url}, else
   * {@code http://127.0.0.1:5001}.
   *
   * @return the URLs
   */
  public List<URI> registryUrls() {
    return urls != null ? urls : url != null ? url : DEFAULT_URLS;
  }

  /**
   * Checks the bound properties (Spring calls this when it binds them).
   *
   * @throws InvalidRegistryPropertiesException naming each property that breaks a rule, and
   *     each {@code registry.*} key that is no property
   */
  @Override
  public void validate(Object target, Errors errors) {
    RegistryPropertiesCheck.check((RegistryProperties) target, environment);
  }

  @Override
  public boolean supports(Class<?> type) {
    return RegistryProperties.class.isAssignableFrom(type);
  }

  /** Spring hands the environment over before binding: the unknown keys are read from it. */
  @Override
  public void setEnvironment(Environment environment) {
    this.environment = environment;
  }

  // ---- accessors, for Spring's binding (each property is documented on its field)

  public boolean isEnabled() {
    return enabled;
  }

  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  public @Nullable List<URI> getUrls() {
    return urls;
  }

  public void setUrls(@Nullable List<URI> urls) {
    this.urls = urls;
  }

  public @Nullable List<URI> getUrl() {
    return url;
  }

  public void setUrl(@Nullable List<URI> url) {
    this.url = url;
  }

  public @Nullable String getServiceName() {
    return serviceName;
  }

  public void setServiceName(@Nullable String serviceName) {
    this.serviceName = serviceName;
  }

  public @Nullable String getStage() {
    return stage;
  }

  public void setStage(@Nullable String stage) {
    this.stage = stage;
  }

  public @Nullable String getRegion() {
    return region;
  }

  public void setRegion(@Nullable String region) {
    this.region = region;
  }

  public @Nullable String getClient() {
    return client;
  }

  public void setClient(@Nullable String client) {
    this.client = client;
  }

  public @Nullable String getInstanceId() {
    return instanceId;
  }

  public void setInstanceId(@Nullable String instanceId) {
    this.instanceId = instanceId;
  }

  public @Nullable String getHost() {
    return host;
  }

  public void setHost(@Nullable String host) {
    this.host = host;
  }

  public @Nullable Integer getPort() {
    return port;
  }

  public void setPort(@Nullable Integer port) {
    this.port = port;
  }

  public @Nullable URI getAddress() {
    return address;
  }

  public void setAddress(@Nullable URI address) {
    this.address = address;
  }

  public Map<String, String> getMetadata() {
    return metadata;
  }

  public void setMetadata(Map<String, String> metadata) {
    this.metadata = metadata;
  }

  public Duration getLeaseTtl() {
    return leaseTtl;
  }

  public void setLeaseTtl(Duration leaseTtl) {
    this.leaseTtl = leaseTtl;
  }

  public @Nullable Duration getHeartbeatInterval() {
    return heartbeatInterval;
  }

  public void setHeartbeatInterval(@Nullable Duration heartbeatInterval) {
    this.heartbeatInterval = heartbeatInterval;
  }

  public Duration getRequestTimeout() {
    return requestTimeout;
  }

  public void setRequestTimeout(Duration requestTimeout) {
    this.requestTimeout = requestTimeout;
  }

  public @Nullable String getToken() {
    return token;
  }

  public void setToken(@Nullable String token) {
    this.token = token;
  }

  public @Nullable Path getTrustedCertificates() {
    return trustedCertificates;
  }

  public void setTrustedCertificates(@Nullable Path trustedCertificates) {
    this.trustedCertificates = trustedCertificates;
  }

  public Duration getDeregisterTimeout() {
    return deregisterTimeout;
  }

  public void setDeregisterTimeout(Duration deregisterTimeout) {
    this.deregisterTimeout = deregisterTimeout;
  }

  public Duration getPropagationWait() {
    return propagationWait;
  }

  public void setPropagationWait(Duration propagationWait) {
    this.propagationWait = propagationWait;
  }

  public int getEjectAfter() {
    return ejectAfter;
  }

  public void setEjectAfter(int ejectAfter) {
    this.ejectAfter = ejectAfter;
  }

  public Set<Outcome> getEjectOn() {
    return ejectOn;
  }

  public void setEjectOn(Set<Outcome> ejectOn) {
    this.ejectOn = ejectOn;
  }

  public @Nullable String getZone() {
    return zone;
  }

  public void setZone(@Nullable String zone) {
    this.zone = zone;
  }

  public Balancer getLoadBalancer() {
    return loadBalancer;
  }

  public void setLoadBalancer(Balancer loadBalancer) {
    this.loadBalancer = loadBalancer;
  }

  public Duration getEjectionTime() {
    return ejectionTime;
  }

  public void setEjectionTime(Duration ejectionTime) {
    this.ejectionTime = ejectionTime;
  }

  public boolean isRegister() {
    return register;
  }

  public void setRegister(boolean register) {
    this.register = register;
  }

  public Discovery getDiscovery() {
    return discovery;
  }

  public boolean isAllowLinkLocalAddresses() {
    return allowLinkLocalAddresses;
  }

  public void setAllowLinkLocalAddresses(boolean allowLinkLocalAddresses) {
    this.allowLinkLocalAddresses = allowLinkLocalAddresses;
  }
}
