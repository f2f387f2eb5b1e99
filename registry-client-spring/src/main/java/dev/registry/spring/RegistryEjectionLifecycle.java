package dev.registry.spring;

import static java.util.Objects.requireNonNull;

import dev.registry.client.RegistryClient;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import org.jspecify.annotations.Nullable;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.CompletionContext;
import org.springframework.cloud.client.loadbalancer.LoadBalancerLifecycle;
import org.springframework.cloud.client.loadbalancer.Request;
import org.springframework.cloud.client.loadbalancer.Response;

/**
 * Feeds the core client's ejection from Spring Cloud LoadBalancer's calls. When a
 * {@code @LoadBalanced} call to one of our instances fails because it could not connect (a
 * refused connection, no route to the host), that instance gets {@link
 * RegistryClient#reportFailure}. A call that completed, whatever its HTTP status, gets {@link
 * RegistryClient#reportSuccess}. After the core's run of failures (3 by default, see {@link
 * RegistryClient.Builder#ejection}) the instance is ejected, and {@link RegistryDiscoveryClient}
 * leaves it out for the ejection time, never more than half of a service's instances.
 *
 * <p>Spring Cloud LoadBalancer tells every {@link LoadBalancerLifecycle} bean of the
 * application; the blocking ({@code RestTemplate}, {@code RestClient}) and the reactive
 * ({@code WebClient}) load-balanced clients both do. Instances that are not ours (another
 * discovery client's) are left alone.
 */
public final class RegistryEjectionLifecycle implements LoadBalancerLifecycle<Object, Object, ServiceInstance> {
  private final RegistryClient client;

  /**
   * Creates the lifecycle.
   *
   * @param client the core client whose instances it reports on
   */
  public RegistryEjectionLifecycle(RegistryClient client) {
    this.client = requireNonNull(client, "client");
  }

  @Override
  public void onStart(Request<Object> request) {
    // nothing to do before a pick
  }

  @Override
  public void onStartRequest(Request<Object> request, Response<ServiceInstance> response) {
    // nothing to do before the call
  }

  @Override
  public void onComplete(CompletionContext<Object, ServiceInstance, Object> completion) {
    Response<ServiceInstance> response = completion.getLoadBalancerResponse();
    ServiceInstance server = response == null ? null : response.getServer();
    if (!(server instanceof RegistryServiceInstance ours)) {
      return;
    }
    switch (completion.status()) {
      case SUCCESS -> client.report(ours.instance(), dev.registry.client.Outcome.SUCCESS);
      case FAILED -> {
        if (couldNotConnect(completion.getThrowable())) {
          client.report(ours.instance(), dev.registry.client.Outcome.CONNECTION_FAILURE);
        }
      }
      default -> {
        // DISCARD: no instance was called
      }
    }
  }

  /** Whether the failure, or one of its causes, is a connection that could not be made. */
  static boolean couldNotConnect(@Nullable Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof ConnectException || t instanceof NoRouteToHostException) {
        return true;
      }
    }
    return false;
  }
}
