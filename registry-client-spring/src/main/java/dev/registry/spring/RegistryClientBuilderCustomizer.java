package dev.registry.spring;

import dev.registry.client.RegistryClient;

/**
 * Customizes the {@link RegistryClient.Builder} of the auto-configured client, after the
 * {@code registry.*} properties are applied: a load balancer, a retry policy, an HTTP transport,
 * a shared OkHttp client. Declare one or more as beans; they run in their {@code @Order}.
 *
 * <p>Event listeners are not set here: declare {@link dev.registry.client.EventListener} beans
 * instead, and the auto-configuration tells each of them (and the health indicator) every event.
 */
@FunctionalInterface
public interface RegistryClientBuilderCustomizer {

  /**
   * Customizes the builder.
   *
   * @param builder the builder, with the properties applied
   */
  void customize(RegistryClient.Builder builder);
}
