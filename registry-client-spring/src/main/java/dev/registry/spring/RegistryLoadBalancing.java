package dev.registry.spring;

import dev.registry.client.Outcome;
import dev.registry.client.RegistryClient;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.cloud.loadbalancer.annotation.LoadBalancerClients;

/**
 * Puts the core client's pick behind {@code @LoadBalanced} calls: every service's Spring Cloud
 * LoadBalancer context gets a {@link RegistryLoadBalancer} ({@link
 * RegistryLoadBalancerConfiguration} as the {@code @LoadBalancerClients} default), unless
 * {@code registry.load-balancer=spring}. Also turns the {@code registry.*} routing properties
 * into the client's settings: the zone, the balancer, what ejects.
 */
@AutoConfiguration(after = RegistryAutoConfiguration.class)
@ConditionalOnProperty(name = "registry.enabled", matchIfMissing = true)
@ConditionalOnExpression("!'${registry.load-balancer:round-robin}'.equalsIgnoreCase('spring')")
@LoadBalancerClients(defaultConfiguration = RegistryLoadBalancerConfiguration.class)
public class RegistryLoadBalancing {

  /** Created by Spring. */
  RegistryLoadBalancing() {}

  /** Sets the client's zone, balancer and ejecting outcomes from the properties. */
  static void configure(RegistryProperties properties, RegistryClient.Builder builder) {
    builder.loadBalancer(properties.getLoadBalancer().core());
    if (properties.getEjectOn() != null && !properties.getEjectOn().isEmpty()) {
      builder.ejectOn(properties.getEjectOn().toArray(new Outcome[0]));
    }
    String zone = properties.getZone();
    if (zone != null && !zone.isBlank()) {
      try {
        builder.zone(zone.trim());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("registry.zone: " + e.getMessage(), e);
      }
    }
  }

  /** The registered metadata: with the zone as its {@code zone} entry, unless it names one. */
  static Map<String, String> withZone(Map<String, String> metadata, @Nullable String zone) {
    if (zone == null || zone.isBlank() || metadata.containsKey("zone")) {
      return metadata;
    }
    Map<String, String> with = new LinkedHashMap<>(metadata);
    with.put("zone", zone.trim());
    return with;
  }
}
