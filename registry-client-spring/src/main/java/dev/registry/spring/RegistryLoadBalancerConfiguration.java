package dev.registry.spring;

import dev.registry.client.RegistryClient;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.loadbalancer.core.ReactorLoadBalancer;
import org.springframework.cloud.loadbalancer.support.LoadBalancerClientFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * The configuration of each service's Spring Cloud LoadBalancer context: a
 * {@link RegistryLoadBalancer} over the application's {@link RegistryClient}. The
 * auto-configuration makes it the default of every service ({@code @LoadBalancerClients}); a
 * service's own {@code @LoadBalancerClient(configuration = ...)} with a balancer of its own wins.
 */
@Configuration(proxyBeanMethods = false)
public class RegistryLoadBalancerConfiguration {

  /** Created by Spring, in each service's context. */
  public RegistryLoadBalancerConfiguration() {}

  /**
   * The service's balancer.
   *
   * @param environment the service's context's environment, which names the service
   * @param client the application's client
   * @return the balancer
   */
  @Bean
  @ConditionalOnMissingBean
  public ReactorLoadBalancer<ServiceInstance> registryLoadBalancer(Environment environment,
      RegistryClient client) {
    return new RegistryLoadBalancer(client, LoadBalancerClientFactory.getName(environment));
  }
}
