package dev.registry.spring;

import static java.util.Objects.requireNonNull;

import dev.registry.client.Call;
import dev.registry.client.NoInstanceAvailableException;
import dev.registry.client.RegistryException;
import dev.registry.client.ServiceLookup;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.DefaultResponse;
import org.springframework.cloud.client.loadbalancer.EmptyResponse;
import org.springframework.cloud.client.loadbalancer.Request;
import org.springframework.cloud.client.loadbalancer.Response;
import org.springframework.cloud.loadbalancer.core.ReactorServiceInstanceLoadBalancer;
import reactor.core.publisher.Mono;

/**
 * Spring Cloud LoadBalancer's balancer for one service, delegating the pick to the core client:
 * its zone preference ({@code registry.zone}), its ejection, and its load balancer
 * ({@code registry.load-balancer}: round-robin, random, weighted, least-loaded). Each pick
 * {@linkplain ServiceLookup#startCall starts a call}, which {@link RegistryCallLifecycle} ends
 * with the call's outcome, so that the least-loaded balancer sees the calls in flight and the
 * ejection sees timeouts and 5xx answers.
 *
 * <p>The auto-configuration makes one per service for every {@code @LoadBalanced}
 * {@code RestClient}, {@code RestTemplate} and {@code WebClient} (Spring Cloud's
 * {@code @LoadBalancerClients} default configuration, {@link RegistryLoadBalancerConfiguration});
 * {@code registry.load-balancer=spring} keeps Spring's own instead. Thread-safe; a pick does not
 * block.
 */
public final class RegistryLoadBalancer implements ReactorServiceInstanceLoadBalancer {
  private final ServiceLookup lookup;
  private final String serviceId;

  /**
   * Creates the balancer of one service.
   *
   * @param lookup the client's lookups (the client, or one of its stages)
   * @param serviceId the service name
   */
  public RegistryLoadBalancer(ServiceLookup lookup, String serviceId) {
    this.lookup = requireNonNull(lookup, "lookup");
    this.serviceId = requireNonNull(serviceId, "serviceId");
  }

  /**
   * Picks an instance and starts a call to it.
   *
   * @param request Spring's request (its hints are not used)
   * @return the pick; an empty response when the service has no {@code UP} instance (Spring
   *     answers "no instances available"); an error when the service was never fetched and the
   *     registry cannot be reached, or the name breaks the registry's naming rule
   */
  @Override
  @SuppressWarnings("rawtypes")
  public Mono<Response<ServiceInstance>> choose(Request request) {
    Call call;
    try {
      call = lookup.startCall(serviceId);
    } catch (NoInstanceAvailableException e) {
      return Mono.just(new EmptyResponse());
    } catch (RegistryException | IllegalArgumentException e) {
      return Mono.error(e);
    }
    return Mono.just(new DefaultResponse(new RegistryServiceInstance(call)));
  }

  @Override
  public String toString() {
    return "RegistryLoadBalancer{" + serviceId + ", " + lookup + "}";
  }
}
