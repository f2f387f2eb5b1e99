package dev.registry.spring;

import dev.registry.client.RegistryClient;
import dev.registry.client.ServiceInstance;
import dev.registry.spring.InvalidRegistryPropertiesException.Problem;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.springframework.core.env.Environment;

/**
 * The checks of the {@code registry.*} properties when Spring binds them. The rules are not
 * written here: each value goes through the core's builder setter it will reach, and the
 * setter's {@link IllegalArgumentException} (which names the value) becomes a problem of the
 * property, with the fix for it. Only the adapter's own values ({@code propagation-wait}) and the
 * keys that are no property ({@link RegistryPropertyNames}) are checked here. Every problem is
 * collected, so that one start shows them all.
 */
final class RegistryPropertiesCheck {
  private final List<Problem> problems = new ArrayList<>();

  private RegistryPropertiesCheck() {}

  /**
   * Checks {@code properties}, and the {@code registry.*} keys of {@code environment} when given.
   *
   * @throws InvalidRegistryPropertiesException if anything is wrong
   */
  static void check(RegistryProperties properties, @Nullable Environment environment) {
    RegistryPropertiesCheck check = new RegistryPropertiesCheck();
    if (environment != null) {
      check.problems.addAll(RegistryPropertyNames.onClassPath().unknownIn(environment));
    }
    check.values(properties);
    if (!check.problems.isEmpty()) {
      throw new InvalidRegistryPropertiesException(check.problems);
    }
  }

  private void values(RegistryProperties p) {
    List<URI> urls = p.registryUrls();
    String urlsProperty = p.getUrls() == null && p.getUrl() != null ? "registry.url" : "registry.urls";
    if (p.getUrls() != null && p.getUrl() != null) {
      problems.add(new Problem("registry.url", join(p.getUrl()),
          "registry.url is another name for registry.urls, and both are set",
          "Keep one of the two (registry.urls = " + join(p.getUrls()) + " is in use)."));
    }
    boolean urlsValid = check(urlsProperty, join(urls), () -> {
      if (urls.isEmpty()) {
        throw new IllegalArgumentException("registry URLs must not be empty");
      }
      RegistryClient.builder().registryUris(urls);
    }, "Set it to the registry's URL, several comma-separated, such as http://127.0.0.1:5001"
        + " (etcd:// URLs need registry-client-etcd on the class path).");
    if (p.getStage() != null) {
      check("registry.stage", p.getStage(), () -> RegistryClient.builder().stage(p.getStage()),
          "Set it to a stage name such as production, or leave it unset for the stage 'default'.");
    }
    if (p.getRegion() != null) {
      check("registry.region", p.getRegion(), () -> RegistryClient.builder().region(p.getRegion()),
          "Set it to a region name such as eu-west-1, or leave it unset for none.");
    }
    if (p.getClient() != null) {
      check("registry.client", p.getClient(), () -> RegistryClient.builder().client(p.getClient()),
          "Set it to a client (tenant) name such as acme, or leave it unset for none.");
    }
    if (p.getServiceName() != null) {
      check("registry.service-name", p.getServiceName(), () -> ServiceInstance.builder(p.getServiceName()),
          "Set it to a service name such as payment-service, or leave it unset to use"
              + " spring.application.name.");
    }
    if (p.getInstanceId() != null) {
      check("registry.instance-id", p.getInstanceId(),
          () -> ServiceInstance.builder("check").id(p.getInstanceId()),
          "Set it to an id such as payment-7, or leave it unset for a random UUID.");
    }
    String host = p.getHost() != null ? RegistryAutoConfiguration.Registration.hostForUri(p.getHost())
        : "localhost";
    boolean hostValid = p.getHost() == null || check("registry.host", p.getHost(),
        () -> ServiceInstance.builder("check").address("http://" + host),
        "Set it to the name or IP address callers reach this host at, or leave it unset to detect it.");
    if (p.getPort() != null && hostValid) {
      check("registry.port", p.getPort(),
          () -> ServiceInstance.builder("check").address("http://" + host + ":" + p.getPort()),
          "Set it from 1 to 65535, or leave it unset for the port the web server listens on.");
    }
    if (p.getAddress() != null) {
      check("registry.address", p.getAddress(), () -> ServiceInstance.builder("check").address(p.getAddress()),
          "Set it to the whole address callers use, such as http://10.0.0.5:8080, or leave it"
              + " unset (http://host:port).");
    }
    check("registry.metadata", p.getMetadata().isEmpty() ? null : p.getMetadata(),
        () -> ServiceInstance.builder("check").metadata(p.getMetadata()),
        "Keep at most 64 entries, keys of 1 to 128 characters and values of at most 1024.");
    boolean leaseValid = check("registry.lease-ttl", p.getLeaseTtl(),
        () -> RegistryClient.builder().leaseTtl(p.getLeaseTtl()),
        "Set it from 1s to 1h, such as 15s (the default).");
    Duration heartbeat = p.getHeartbeatInterval();
    if (heartbeat != null
        && check("registry.heartbeat-interval", heartbeat,
            () -> RegistryClient.builder().heartbeatInterval(heartbeat),
            "Set it above zero and shorter than registry.lease-ttl, or leave it unset: a third of"
                + " the lease.")
        && leaseValid && urlsValid) {
      check("registry.heartbeat-interval", heartbeat, () -> RegistryClient.builder()
              .registryUris(urls).leaseTtl(p.getLeaseTtl()).heartbeatInterval(heartbeat).build().close(),
          "Set it shorter than registry.lease-ttl (" + p.getLeaseTtl() + "), or leave it unset: a"
              + " third of the lease.");
    }
    check("registry.request-timeout", p.getRequestTimeout(),
        () -> RegistryClient.builder().requestTimeout(p.getRequestTimeout()),
        "Set it above zero, such as 5s (the default).");
    check("registry.deregister-timeout", p.getDeregisterTimeout(),
        () -> RegistryClient.builder().deregisterTimeout(p.getDeregisterTimeout()),
        "Set it above zero, such as 2s (the default).");
    check("registry.propagation-wait", p.getPropagationWait(), () -> {
      if (p.getPropagationWait().isNegative()) {
        throw new IllegalArgumentException("propagationWait must be >= 0: " + p.getPropagationWait());
      }
    }, "Set it to 0s or more, such as 1s (the default).");
    check("registry.eject-after", p.getEjectAfter(),
        () -> RegistryClient.builder().ejection(p.getEjectAfter(), Duration.ofSeconds(30)),
        "Set it to 1 or more, such as 3 (the default).");
    check("registry.ejection-time", p.getEjectionTime(),
        () -> RegistryClient.builder().ejection(3, p.getEjectionTime()),
        "Set it above zero, such as 30s (the default).");
    String token = p.getToken();
    if (token != null && !token.isEmpty()) {
      check("registry.token", "(set)", () -> RegistryClient.builder().token(token),
          "Set it to the registry's token, or leave it empty for a registry without one.");
    }
    if (p.getTrustedCertificates() != null) {
      check("registry.trusted-certificates", p.getTrustedCertificates(),
          () -> RegistryClient.builder().trustedCertificates(p.getTrustedCertificates()),
          "Point it at a readable PEM file of the certificates https registry URLs chain to, or"
              + " leave it unset for the JVM's trust store.");
    }
  }

  /** Runs {@code coreCheck}; its refusal becomes a problem of {@code property}. */
  private boolean check(String property, @Nullable Object value, Runnable coreCheck, String fix) {
    try {
      coreCheck.run();
      return true;
    } catch (IllegalArgumentException | IllegalStateException e) {
      problems.add(new Problem(property, value == null ? null : String.valueOf(value), e.getMessage(), fix));
      return false;
    }
  }

  private static String join(List<URI> urls) {
    return urls.stream().map(URI::toString).collect(Collectors.joining(","));
  }
}
