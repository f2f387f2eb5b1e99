package dev.registry.client.lambda;

import static java.util.Objects.requireNonNull;

import dev.registry.client.RegistryClient;
import dev.registry.client.RetryPolicy;
import dev.registry.client.ServiceInstance;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The adapter's configuration, read from environment variables by {@link #fromEnvironment()}.
 * Each variable is one component of the record:
 *
 * <table>
 * <caption>Environment variables</caption>
 * <tr><th>variable (component)</th><th>meaning</th><th>default</th></tr>
 * <tr><td>{@code REGISTRY_URLS} ({@code registryUrls}; {@code REGISTRY_URL} is another name for
 *     it)</td><td>registry URLs, comma-separated, tried in turn</td><td>required</td></tr>
 * <tr><td>{@code REGISTRY_STAGE} ({@code stage})</td><td>the stage of lookups and of the
 *     self-registration</td><td>the alias of the invoked ARN ({@code ...:function:orders:prod}
 *     gives {@code prod}), else {@code default}</td></tr>
 * <tr><td>{@code REGISTRY_CACHE_TTL} ({@code cacheTtl})</td><td>age past which a cached view is
 *     fetched again, inline ({@code 30s}, {@code 500ms}, {@code 2m} or plain seconds)</td>
 *     <td>{@code 30s}</td></tr>
 * <tr><td>{@code REGISTRY_REQUEST_TIMEOUT} ({@code requestTimeout})</td><td>bound of one call to
 *     the registry</td><td>{@code 1s}</td></tr>
 * <tr><td>{@code REGISTRY_WORK_BUDGET} ({@code workBudget})</td><td>the most time an invocation
 *     spends on due work (lease renewal, refreshes)</td><td>{@code 300ms}</td></tr>
 * <tr><td>{@code REGISTRY_WARM_UP} ({@code warmUp})</td><td>fetch every service of the stage in
 *     one call (the catalog) at the first invocation</td><td>{@code true}</td></tr>
 * <tr><td>{@code REGISTRY_SERVICE_NAME} ({@code serviceName})</td><td>self-registration: the
 *     function's service name</td><td>none: no self-registration</td></tr>
 * <tr><td>{@code REGISTRY_SERVICE_ADDRESS} ({@code serviceAddress})</td><td>self-registration:
 *     the function's endpoint (an API Gateway or function URL)</td><td>none: no
 *     self-registration</td></tr>
 * <tr><td>{@code REGISTRY_INSTANCE_ID} ({@code instanceId})</td><td>self-registration: the
 *     instance id, shared by all containers of the function</td><td>the service name</td></tr>
 * <tr><td>{@code REGISTRY_LEASE_TTL} ({@code leaseTtl})</td><td>self-registration: the lease
 *     (1 s to 1 h), renewed by invocations once a third of it has passed</td>
 *     <td>{@code 15m}</td></tr>
 * <tr><td>{@code REGISTRY_TOKEN} ({@code token})</td><td>the registry's shared token, sent as
 *     {@code Authorization: Bearer} on every call (keep it in a secret store, not in the
 *     template); never printed</td><td>none</td></tr>
 * <tr><td>{@code REGISTRY_TRUSTED_CERTIFICATES} ({@code trustedCertificates})</td><td>a PEM file
 *     of the certificates (a private CA, or the registry's self-signed certificate) that https
 *     registry URLs must chain to, such as one bundled with the function
 *     ({@code /var/task/registry-ca.pem}; a relative path is resolved against the working
 *     directory, {@code /var/task} on Lambda); host names are still verified. Read by
 *     {@link #clientBuilder()}, at container start</td><td>none: the JVM's default trust
 *     store</td></tr>
 * <tr><td>{@code REGISTRY_ZONE} ({@code zone})</td><td>the function's zone: lookups prefer
 *     instances whose {@code zone} metadata names it, while enough of them are healthy (see
 *     {@link RegistryClient.Builder#zone})</td><td>{@code AWS_REGION}, the function's region
 *     (Lambda sets it), so that instances registered with their region as zone are preferred;
 *     none outside Lambda</td></tr>
 * <tr><td>{@code REGISTRY_CONFIG} ({@code config})</td><td>read the function's configuration
 *     from the registry at the first invocation of a stage ({@link Discovery#config()}): the
 *     service's ({@code REGISTRY_SERVICE_NAME}, else the function's name) as its stage, region
 *     and client see it; then refreshed inline once older than the cache TTL</td>
 *     <td>{@code false}</td></tr>
 * <tr><td>{@code REGISTRY_REGION} ({@code region})</td><td>the region of the function's
 *     configuration</td><td>{@code AWS_REGION}, which Lambda sets</td></tr>
 * <tr><td>{@code REGISTRY_CLIENT} ({@code client})</td><td>the client (a tenant) of the
 *     function's configuration</td><td>none</td></tr>
 * <tr><td>{@code REGISTRY_ALLOW_LINK_LOCAL_ADDRESSES} ({@code allowLinkLocalAddresses})</td>
 *     <td>keep instances at link-local and cloud metadata addresses in views (see
 *     {@link RegistryClient.Builder#allowLinkLocalAddresses}); off, they are left out, since a
 *     call sent there reaches the function's metadata service</td><td>{@code false}</td></tr>
 * </table>
 *
 * <p>The values are checked by the core's {@link RegistryClient.Builder} and
 * {@link ServiceInstance.Builder}, when the settings are made: a bad one throws
 * {@link IllegalArgumentException} at container start. {@link #fromEnvironment(Map)} names the
 * variable and its value in it ({@code REGISTRY_LEASE_TTL=2h: leaseTtl must be between 1 s and
 * 1 h: PT2H}); the constructor, given components, names those.
 *
 * @param registryUrls {@code REGISTRY_URLS}
 * @param stage {@code REGISTRY_STAGE}, or null to take it from the invoked alias
 * @param cacheTtl {@code REGISTRY_CACHE_TTL}
 * @param requestTimeout {@code REGISTRY_REQUEST_TIMEOUT}
 * @param workBudget {@code REGISTRY_WORK_BUDGET}
 * @param warmUp {@code REGISTRY_WARM_UP}
 * @param serviceName {@code REGISTRY_SERVICE_NAME}, or null for no self-registration
 * @param serviceAddress {@code REGISTRY_SERVICE_ADDRESS}, or null for no self-registration
 * @param instanceId {@code REGISTRY_INSTANCE_ID}, or null for the service name
 * @param leaseTtl {@code REGISTRY_LEASE_TTL}
 * @param token {@code REGISTRY_TOKEN}, or null for an open registry
 * @param trustedCertificates {@code REGISTRY_TRUSTED_CERTIFICATES}, or null for the JVM's
 *     default trust store
 * @param zone {@code REGISTRY_ZONE} (else {@code AWS_REGION}), or null for none
 * @param config {@code REGISTRY_CONFIG}
 * @param region {@code REGISTRY_REGION} (else {@code AWS_REGION}), or null for none
 * @param client {@code REGISTRY_CLIENT}, or null for none
 * @param allowLinkLocalAddresses {@code REGISTRY_ALLOW_LINK_LOCAL_ADDRESSES}
 */
public record LambdaSettings(
    List<URI> registryUrls,
    @Nullable String stage,
    Duration cacheTtl,
    Duration requestTimeout,
    Duration workBudget,
    boolean warmUp,
    @Nullable String serviceName,
    @Nullable URI serviceAddress,
    @Nullable String instanceId,
    Duration leaseTtl,
    @Nullable String token,
    @Nullable Path trustedCertificates,
    @Nullable String zone,
    boolean config,
    @Nullable String region,
    @Nullable String client,
    boolean allowLinkLocalAddresses) {

  private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m|h)?");

  /**
   * Checks the components, with the core's builders.
   *
   * @throws IllegalArgumentException if a component is out of range, or only one of the
   *     service name and address is set; the message names it
   * @throws NullPointerException if a required component is null
   */
  public LambdaSettings {
    registryUrls = List.copyOf(requireNonNull(registryUrls, "registryUrls"));
    requireNonNull(workBudget, "workBudget");
    if (workBudget.isNegative() || workBudget.isZero()) {
      throw new IllegalArgumentException("workBudget must be > 0: " + workBudget);
    }
    if ((serviceName == null) != (serviceAddress == null)) {
      throw new IllegalArgumentException("serviceName and serviceAddress go together: "
          + serviceName + ", " + serviceAddress);
    }
    coreBuilder(registryUrls, stage, cacheTtl, requestTimeout, leaseTtl, token, zone, region, client);
    if (serviceName != null && serviceAddress != null) {
      ServiceInstance.builder(serviceName).id(instanceId != null ? instanceId : serviceName)
          .address(serviceAddress);
    }
  }

  /**
   * Returns these settings trusting the certificates of {@code pemFile} for https registry URLs.
   *
   * @param pemFile a PEM file (one or more {@code -----BEGIN CERTIFICATE-----} blocks), or null
   *     for the JVM's default trust store
   * @return new settings, the same otherwise
   */
  public LambdaSettings withTrustedCertificates(@Nullable Path pemFile) {
    return new LambdaSettings(registryUrls, stage, cacheTtl, requestTimeout, workBudget, warmUp,
        serviceName, serviceAddress, instanceId, leaseTtl, token, pemFile, zone, config, region, client,
        allowLinkLocalAddresses);
  }

  /**
   * Returns these settings reading the function's configuration at the first invocation of a
   * stage ({@code REGISTRY_CONFIG}), as a reader in {@code region} and {@code client} sees it.
   *
   * @param region the region, or null for none
   * @param client the client (a tenant), or null for none
   * @return new settings, the same otherwise
   * @throws IllegalArgumentException if a name breaks the naming rule
   */
  public LambdaSettings withConfig(@Nullable String region, @Nullable String client) {
    return new LambdaSettings(registryUrls, stage, cacheTtl, requestTimeout, workBudget, warmUp,
        serviceName, serviceAddress, instanceId, leaseTtl, token, trustedCertificates, zone, true,
        region, client, allowLinkLocalAddresses);
  }

  /**
   * Settings with every default, for {@code registryUrls}.
   *
   * @param registryUrls one or more registry URLs
   * @return the settings
   */
  public static LambdaSettings of(URI... registryUrls) {
    return new LambdaSettings(List.of(registryUrls), null, Duration.ofSeconds(30),
        Duration.ofSeconds(1), Duration.ofMillis(300), true, null, null, null,
        Duration.ofMinutes(15), null, null, null, false, null, null, false);
  }

  /**
   * Reads the settings from the process environment (see the table above).
   *
   * @return the settings
   * @throws IllegalArgumentException if a variable is missing or malformed
   */
  public static LambdaSettings fromEnvironment() {
    return fromEnvironment(System.getenv());
  }

  /**
   * Reads the settings from {@code env}, variables named as in the table above.
   *
   * @param env the variables
   * @return the settings
   * @throws IllegalArgumentException if a variable is missing, malformed or out of range; the
   *     message names the variable and its value ({@code REGISTRY_LEASE_TTL=2h: ...}), then the
   *     rule it breaks
   */
  public static LambdaSettings fromEnvironment(Map<String, String> env) {
    requireNonNull(env, "env");
    String urlsVariable = urlsVariable(env);
    String urls = requireNonNull(blankToNull(env.get(urlsVariable)));
    List<URI> parsed = new ArrayList<>();
    for (String url : urls.split(",")) {
      parsed.add(uri(urlsVariable, url.trim()));
    }
    try {
      RegistryClient.builder().registryUris(parsed);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(urlsVariable + "=" + urls + ": " + e.getMessage()
          + " (registry URLs are http(s)://, etcd:// with registry-client-etcd, s3:// with"
          + " registry-client-s3)", e);
    }
    String stage = blankToNull(env.get("REGISTRY_STAGE"));
    if (stage != null) {
      check("REGISTRY_STAGE", stage, () -> RegistryClient.builder().stage(stage));
    }
    Duration leaseTtl = duration(env, "REGISTRY_LEASE_TTL", Duration.ofMinutes(15));
    check("REGISTRY_LEASE_TTL", env.get("REGISTRY_LEASE_TTL"), () -> RegistryClient.builder().leaseTtl(leaseTtl));
    String token = blankToNull(env.get("REGISTRY_TOKEN"));
    if (token != null) {
      // The value is a secret: the message names the variable, and the core's rule, only.
      check("REGISTRY_TOKEN", "(not shown)", () -> RegistryClient.builder().token(token));
    }
    String name = blankToNull(env.get("REGISTRY_SERVICE_NAME"));
    String address = blankToNull(env.get("REGISTRY_SERVICE_ADDRESS"));
    if ((name == null) != (address == null)) {
      throw new IllegalArgumentException("REGISTRY_SERVICE_NAME and REGISTRY_SERVICE_ADDRESS go"
          + " together (self-registration needs both): " + (name != null
              ? "REGISTRY_SERVICE_NAME is " + name + ", REGISTRY_SERVICE_ADDRESS is not set"
              : "REGISTRY_SERVICE_ADDRESS is " + address + ", REGISTRY_SERVICE_NAME is not set"));
    }
    String id = blankToNull(env.get("REGISTRY_INSTANCE_ID"));
    URI serviceAddress = null;
    if (name != null && address != null) {
      check("REGISTRY_SERVICE_NAME", name, () -> ServiceInstance.builder(name));
      if (id != null) {
        check("REGISTRY_INSTANCE_ID", id, () -> ServiceInstance.builder(name).id(id));
      }
      URI parsedAddress = uri("REGISTRY_SERVICE_ADDRESS", address);
      check("REGISTRY_SERVICE_ADDRESS", address, () -> ServiceInstance.builder(name).address(parsedAddress));
      serviceAddress = parsedAddress;
    }
    String pem = blankToNull(env.get("REGISTRY_TRUSTED_CERTIFICATES"));
    String regionVariable = blankToNull(env.get("REGISTRY_REGION")) != null ? "REGISTRY_REGION" : "AWS_REGION";
    String region = blankToNull(env.get(regionVariable));
    if (region != null) {
      check(regionVariable, region, () -> RegistryClient.builder().region(region));
    }
    String client = blankToNull(env.get("REGISTRY_CLIENT"));
    if (client != null) {
      check("REGISTRY_CLIENT", client, () -> RegistryClient.builder().client(client));
    }
    return new LambdaSettings(
        parsed,
        stage,
        duration(env, "REGISTRY_CACHE_TTL", Duration.ofSeconds(30)),
        duration(env, "REGISTRY_REQUEST_TIMEOUT", Duration.ofSeconds(1)),
        duration(env, "REGISTRY_WORK_BUDGET", Duration.ofMillis(300)),
        bool(env, "REGISTRY_WARM_UP", true),
        name,
        serviceAddress,
        id,
        leaseTtl,
        token,
        pem == null ? null : Path.of(pem),
        zone(env),
        bool(env, "REGISTRY_CONFIG", false),
        region,
        client,
        bool(env, "REGISTRY_ALLOW_LINK_LOCAL_ADDRESSES", false));
  }

  /**
   * {@code REGISTRY_URLS}, or {@code REGISTRY_URL}, another name for it (the singular is an easy
   * slip, and etcd's documentation speaks of one URL).
   */
  private static String urlsVariable(Map<String, String> env) {
    String urls = blankToNull(env.get("REGISTRY_URLS"));
    String url = blankToNull(env.get("REGISTRY_URL"));
    if (urls != null && url != null) {
      throw new IllegalArgumentException("REGISTRY_URL is another name for REGISTRY_URLS, and both"
          + " are set: keep one (REGISTRY_URLS=" + urls + ", REGISTRY_URL=" + url + ")");
    }
    if (urls == null && url == null) {
      throw new IllegalArgumentException(
          "REGISTRY_URLS is required (the registry's URL; several comma-separated)");
    }
    return urls != null ? "REGISTRY_URLS" : "REGISTRY_URL";
  }

  /** Runs the core's check of a variable's value; its refusal names the variable and the value. */
  private static void check(String variable, @Nullable String value, Runnable coreCheck) {
    try {
      coreCheck.run();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(variable + "=" + value + ": " + e.getMessage(), e);
    }
  }

  /**
   * Returns whether the function registers itself at its first invocation.
   *
   * @return true if a service name and address are set
   */
  public boolean selfRegistration() {
    return serviceName != null;
  }

  /**
   * Returns a client builder set up for Lambda from these settings: no retry (a call that fails
   * leaves the stale view serving), the cache TTL as refresh interval, the request timeout for
   * deregistration too. Change what you need (a fake clock in tests) and
   * {@link RegistryClient.Builder#buildInline() buildInline()}: an inline client starts no
   * thread, and its transport is the JDK's. With {@link #trustedCertificates()}, reads that file
   * now; without, loads no TLS class.
   *
   * @return a new builder
   * @throws IllegalArgumentException if the trusted certificates' file cannot be read or holds no
   *     certificate; the message names {@code REGISTRY_TRUSTED_CERTIFICATES} and the file
   */
  public RegistryClient.Builder clientBuilder() {
    RegistryClient.Builder builder =
        coreBuilder(registryUrls, stage, cacheTtl, requestTimeout, leaseTtl, token, zone, region, client)
            .allowLinkLocalAddresses(allowLinkLocalAddresses);
    if (trustedCertificates != null) {
      try {
        builder.trustedCertificates(trustedCertificates);
      } catch (IllegalArgumentException e) {
        // The core names the file; this names the variable too.
        throw new IllegalArgumentException("REGISTRY_TRUSTED_CERTIFICATES (trustedCertificates): "
            + e.getMessage(), e);
      }
    }
    return builder;
  }

  private static RegistryClient.Builder coreBuilder(List<URI> registryUrls, @Nullable String stage,
      Duration cacheTtl, Duration requestTimeout, Duration leaseTtl, @Nullable String token,
      @Nullable String zone, @Nullable String region, @Nullable String client) {
    requireNonNull(cacheTtl, "cacheTtl");
    Duration idle = cacheTtl.compareTo(Duration.ofMinutes(5)) < 0
        ? Duration.ofMinutes(10) : cacheTtl.multipliedBy(2);
    RegistryClient.Builder builder = RegistryClient.builder()
        .registryUris(registryUrls)
        .retryPolicy(RetryPolicy.none())
        .refreshInterval(cacheTtl)
        .idleTimeout(idle)
        .requestTimeout(requestTimeout)
        .deregisterTimeout(requestTimeout)
        .leaseTtl(leaseTtl);
    if (stage != null) {
      builder.stage(stage);
    }
    if (token != null) {
      builder.token(token);
    }
    if (zone != null) {
      try {
        builder.zone(zone);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("REGISTRY_ZONE (zone): " + e.getMessage(), e);
      }
    }
    if (region != null) {
      builder.region(region);
    }
    if (client != null) {
      builder.client(client);
    }
    return builder;
  }

  /** {@code REGISTRY_ZONE}, else the region Lambda runs the function in. */
  private static @Nullable String zone(Map<String, String> env) {
    String zone = blankToNull(env.get("REGISTRY_ZONE"));
    return zone != null ? zone : blankToNull(env.get("AWS_REGION"));
  }

  /** Like the record's, with the token masked (the certificates' file is not a secret). */
  @Override
  public String toString() {
    return "LambdaSettings[registryUrls=" + registryUrls + ", stage=" + stage + ", cacheTtl="
        + cacheTtl + ", requestTimeout=" + requestTimeout + ", workBudget=" + workBudget
        + ", warmUp=" + warmUp + ", serviceName=" + serviceName + ", serviceAddress="
        + serviceAddress + ", instanceId=" + instanceId + ", leaseTtl=" + leaseTtl + ", token="
        + (token == null ? "none" : "(set)") + ", trustedCertificates=" + trustedCertificates
        + ", zone=" + zone + ", config=" + config + ", region=" + region + ", client=" + client
        + ", allowLinkLocalAddresses=" + allowLinkLocalAddresses + "]";
  }

  /**
   * Returns the stage named by the alias of an invoked function ARN:
   * {@code arn:aws:lambda:eu-west-1:123456789012:function:orders:prod} gives {@code prod}.
   * An unqualified ARN, a version ({@code :7}) or {@code $LATEST} has none, nor has an alias
   * that is not a valid stage name.
   *
   * @param invokedFunctionArn the ARN, as {@code Context.getInvokedFunctionArn()} gives it
   * @return the alias, if the ARN has one that is a valid stage name
   */
  public static Optional<String> stageOfArn(@Nullable String invokedFunctionArn) {
    if (invokedFunctionArn == null) {
      return Optional.empty();
    }
    String[] parts = invokedFunctionArn.split(":", -1);
    if (parts.length != 8 || !"function".equals(parts[5])) {
      return Optional.empty();
    }
    String qualifier = parts[7];
    if (qualifier.equals("$LATEST") || isVersion(qualifier)) {
      return Optional.empty();
    }
    try {
      RegistryClient.builder().stage(qualifier);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    return Optional.of(qualifier);
  }

  private static boolean isVersion(String qualifier) {
    for (int i = 0; i < qualifier.length(); i++) {
      if (qualifier.charAt(i) < '0' || qualifier.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }

  private static @Nullable String blankToNull(@Nullable String value) {
    return value == null || value.isBlank() ? null : value.trim();
  }

  private static URI uri(String variable, String value) {
    try {
      return new URI(value);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(variable + "=" + value + ": not a URL (" + e.getMessage() + ")", e);
    }
  }

  static Duration duration(Map<String, String> env, String variable, Duration fallback) {
    String value = blankToNull(env.get(variable));
    if (value == null) {
      return fallback;
    }
    Matcher m = DURATION.matcher(value);
    if (!m.matches()) {
      throw new IllegalArgumentException(
          variable + " must be a duration such as 30s, 500ms, 2m, 1h or plain seconds: '" + value + "'");
    }
    long amount = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "s" : m.group(2);
    Duration d = switch (unit) {
      case "ms" -> Duration.ofMillis(amount);
      case "m" -> Duration.ofMinutes(amount);
      case "h" -> Duration.ofHours(amount);
      default -> Duration.ofSeconds(amount);
    };
    if (d.isZero()) {
      throw new IllegalArgumentException(variable + " must be > 0: '" + value + "'");
    }
    return d;
  }

  private static boolean bool(Map<String, String> env, String variable, boolean fallback) {
    String value = blankToNull(env.get(variable));
    if (value == null) {
      return fallback;
    }
    if (value.equalsIgnoreCase("true")) {
      return true;
    }
    if (value.equalsIgnoreCase("false")) {
      return false;
    }
    throw new IllegalArgumentException(variable + " must be true or false: '" + value + "'");
  }
}
