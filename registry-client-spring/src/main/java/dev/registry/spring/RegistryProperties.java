package dev.registry.spring;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code registry.*} properties. Every one has a default; a typical application sets
 * {@code registry.urls} and nothing else (the service name comes from
 * {@code spring.application.name}, the stage from the active profile).
 */
@ConfigurationProperties("registry")
public class RegistryProperties {

  /** Whether the registry client, discovery and registration are configured at all. */
  private boolean enabled = true;

  /**
   * Registry URLs, tried in turn: requests go to the first that works, and move on after a
   * failure.
   */
  private List<URI> urls = new ArrayList<>(List.of(URI.create("http://127.0.0.1:5001")));

  /** Service name this application registers under. Default: spring.application.name. */
  private @Nullable String serviceName;

  /**
   * Stage of registration and of lookups ("production", "staging", ...). Default: the first
   * active profile, else "default".
   */
  private @Nullable String stage;

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
   * when the registry was started with one. Prefer an environment variable
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
   * After how many @LoadBalanced calls in a row that could not connect an instance is ejected:
   * left out of discovery (and of the client's choose) for registry.ejection-time. Never more
   * than half of a service's instances are ejected at once.
   */
  private int ejectAfter = 3;

  /** How long an ejected instance is left out before it is called again. */
  private Duration ejectionTime = Duration.ofSeconds(30);

  /**
   * Whether an application annotated with @EnableServiceRegistration registers itself. Also off
   * when spring.cloud.service-registry.auto-registration.enabled is false.
   */
  private boolean register = true;

  /**
   * Returns whether the registry client is configured at all.
   *
   * @return the flag, default {@code true}
   */
  public boolean isEnabled() {
    return enabled;
  }

  /**
   * Sets whether the registry client is configured at all.
   *
   * @param enabled the flag
   */
  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  /**
   * Returns the registry URLs.
   *
   * @return the URLs, default {@code http://127.0.0.1:5001}
   */
  public List<URI> getUrls() {
    return urls;
  }

  /**
   * Sets the registry URLs.
   *
   * @param urls one or more absolute http(s) URLs
   */
  public void setUrls(List<URI> urls) {
    this.urls = requireNonNull(urls, "urls");
  }

  /**
   * Returns the service name.
   *
   * @return the name, or null for {@code spring.application.name}
   */
  public @Nullable String getServiceName() {
    return serviceName;
  }

  /**
   * Sets the service name.
   *
   * @param serviceName the name
   */
  public void setServiceName(@Nullable String serviceName) {
    this.serviceName = serviceName;
  }

  /**
   * Returns the stage.
   *
   * @return the stage, or null for the first active profile (else {@code "default"})
   */
  public @Nullable String getStage() {
    return stage;
  }

  /**
   * Sets the stage.
   *
   * @param stage the stage
   */
  public void setStage(@Nullable String stage) {
    this.stage = stage;
  }

  /**
   * Returns the instance id.
   *
   * @return the id, or null for a random UUID
   */
  public @Nullable String getInstanceId() {
    return instanceId;
  }

  /**
   * Sets the instance id.
   *
   * @param instanceId the id
   */
  public void setInstanceId(@Nullable String instanceId) {
    this.instanceId = instanceId;
  }

  /**
   * Returns the host of the registered address.
   *
   * @return the host, or null to detect it
   */
  public @Nullable String getHost() {
    return host;
  }

  /**
   * Sets the host of the registered address.
   *
   * @param host the host name or IP address
   */
  public void setHost(@Nullable String host) {
    this.host = host;
  }

  /**
   * Returns the port of the registered address.
   *
   * @return the port, or null for the web server's actual port
   */
  public @Nullable Integer getPort() {
    return port;
  }

  /**
   * Sets the port of the registered address.
   *
   * @param port the port
   */
  public void setPort(@Nullable Integer port) {
    this.port = port;
  }

  /**
   * Returns the registered address.
   *
   * @return the address, or null to make it from host and port
   */
  public @Nullable URI getAddress() {
    return address;
  }

  /**
   * Sets the registered address.
   *
   * @param address an absolute http(s) URI
   */
  public void setAddress(@Nullable URI address) {
    this.address = address;
  }

  /**
   * Returns the metadata entries.
   *
   * @return the entries (mutable, for binding)
   */
  public Map<String, String> getMetadata() {
    return metadata;
  }

  /**
   * Sets the metadata entries.
   *
   * @param metadata the entries
   */
  public void setMetadata(Map<String, String> metadata) {
    this.metadata = requireNonNull(metadata, "metadata");
  }

  /**
   * Returns the lease TTL.
   *
   * @return the TTL, default 15 s
   */
  public Duration getLeaseTtl() {
    return leaseTtl;
  }

  /**
   * Sets the lease TTL.
   *
   * @param leaseTtl the TTL, whole seconds from 1 s to 1 h
   */
  public void setLeaseTtl(Duration leaseTtl) {
    this.leaseTtl = requireNonNull(leaseTtl, "leaseTtl");
  }

  /**
   * Returns the heartbeat interval.
   *
   * @return the interval, or null for a third of the lease TTL
   */
  public @Nullable Duration getHeartbeatInterval() {
    return heartbeatInterval;
  }

  /**
   * Sets the heartbeat interval.
   *
   * @param heartbeatInterval the interval
   */
  public void setHeartbeatInterval(@Nullable Duration heartbeatInterval) {
    this.heartbeatInterval = heartbeatInterval;
  }

  /**
   * Returns the bound of one request.
   *
   * @return the timeout, default 5 s
   */
  public Duration getRequestTimeout() {
    return requestTimeout;
  }

  /**
   * Sets the bound of one request.
   *
   * @param requestTimeout the timeout
   */
  public void setRequestTimeout(Duration requestTimeout) {
    this.requestTimeout = requireNonNull(requestTimeout, "requestTimeout");
  }

  /**
   * Returns the registry's shared token.
   *
   * @return the token, or null for an open registry
   */
  public @Nullable String getToken() {
    return token;
  }

  /**
   * Sets the registry's shared token.
   *
   * @param token the token, or null (or empty) for none
   */
  public void setToken(@Nullable String token) {
    this.token = token == null || token.isEmpty() ? null : token;
  }

  /**
   * Returns the PEM file of the certificates https registry URLs must chain to.
   *
   * @return the file, or null for the JVM's default trust store
   */
  public @Nullable Path getTrustedCertificates() {
    return trustedCertificates;
  }

  /**
   * Sets the PEM file of the certificates https registry URLs must chain to.
   *
   * @param trustedCertificates the file (one or more {@code -----BEGIN CERTIFICATE-----}
   *     blocks), or null for the JVM's default trust store
   */
  public void setTrustedCertificates(@Nullable Path trustedCertificates) {
    this.trustedCertificates = trustedCertificates;
  }

  /**
   * Returns the bound of the deregistration.
   *
   * @return the timeout, default 2 s
   */
  public Duration getDeregisterTimeout() {
    return deregisterTimeout;
  }

  /**
   * Sets the bound of the deregistration.
   *
   * @param deregisterTimeout the timeout
   */
  public void setDeregisterTimeout(Duration deregisterTimeout) {
    this.deregisterTimeout = requireNonNull(deregisterTimeout, "deregisterTimeout");
  }

  /**
   * Returns how many failed connections in a row eject an instance.
   *
   * @return the count, default 3
   */
  public int getEjectAfter() {
    return ejectAfter;
  }

  /**
   * Sets how many failed connections in a row eject an instance.
   *
   * @param ejectAfter one or more
   */
  public void setEjectAfter(int ejectAfter) {
    if (ejectAfter < 1) {
      throw new IllegalArgumentException("ejectAfter must be >= 1: " + ejectAfter);
    }
    this.ejectAfter = ejectAfter;
  }

  /**
   * Returns how long an ejected instance is left out.
   *
   * @return the time, default 30 s
   */
  public Duration getEjectionTime() {
    return ejectionTime;
  }

  /**
   * Sets how long an ejected instance is left out.
   *
   * @param ejectionTime more than zero
   */
  public void setEjectionTime(Duration ejectionTime) {
    requireNonNull(ejectionTime, "ejectionTime");
    if (ejectionTime.isNegative() || ejectionTime.isZero()) {
      throw new IllegalArgumentException("ejectionTime must be > 0: " + ejectionTime);
    }
    this.ejectionTime = ejectionTime;
  }

  /**
   * Returns the wait between deregistration and the web server's stop.
   *
   * @return the wait, default 1 s
   */
  public Duration getPropagationWait() {
    return propagationWait;
  }

  /**
   * Sets the wait between deregistration and the web server's stop.
   *
   * @param propagationWait the wait, zero or more
   */
  public void setPropagationWait(Duration propagationWait) {
    requireNonNull(propagationWait, "propagationWait");
    if (propagationWait.isNegative()) {
      throw new IllegalArgumentException("propagationWait must be >= 0: " + propagationWait);
    }
    this.propagationWait = propagationWait;
  }

  /**
   * Returns whether an annotated application registers itself.
   *
   * @return the flag, default {@code true}
   */
  public boolean isRegister() {
    return register;
  }

  /**
   * Sets whether an annotated application registers itself.
   *
   * @param register the flag
   */
  public void setRegister(boolean register) {
    this.register = register;
  }
}
