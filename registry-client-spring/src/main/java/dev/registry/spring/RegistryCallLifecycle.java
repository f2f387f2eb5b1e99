package dev.registry.spring;

import static java.util.Objects.requireNonNull;

import dev.registry.client.Call;
import dev.registry.client.Outcome;
import dev.registry.client.RegistryClient;
import java.io.IOException;
import org.jspecify.annotations.Nullable;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.CompletionContext;
import org.springframework.cloud.client.loadbalancer.LoadBalancerLifecycle;
import org.springframework.cloud.client.loadbalancer.Request;
import org.springframework.cloud.client.loadbalancer.Response;
import org.springframework.cloud.client.loadbalancer.ResponseData;
import org.springframework.http.client.ClientHttpResponse;

/**
 * Tells the core client how each {@code @LoadBalanced} call to one of our instances ended. A call
 * our balancer picked ({@link RegistryLoadBalancer}) ends its {@link Call} with the outcome, so
 * that it stops counting as in flight; a call Spring's own balancer picked (with
 * {@code registry.load-balancer=spring}) is {@linkplain RegistryClient#report reported}. Either
 * way the outcome feeds the client's ejection: a 502, 503 or 504 answer is a
 * {@link Outcome#GATEWAY_ERROR}, another 5xx a {@link Outcome#SERVER_ERROR}, a timeout (the
 * JDK's, or Netty's of a {@code WebClient}) a {@link Outcome#TIMEOUT}, a refused or broken
 * connection a {@link Outcome#CONNECTION_FAILURE}; which of them eject is
 * {@code registry.eject-on}.
 *
 * <p>Spring Cloud LoadBalancer tells every {@link LoadBalancerLifecycle} bean of the
 * application; the blocking ({@code RestTemplate}, {@code RestClient}) and the reactive
 * ({@code WebClient}) load-balanced clients both do. A reactive call cancelled before it is
 * answered is not told (Spring Cloud does not say); its count ends by itself (see {@link Call}).
 * Instances that are not ours (another discovery client's) are left alone.
 */
public final class RegistryCallLifecycle implements LoadBalancerLifecycle<Object, Object, ServiceInstance> {
  private final RegistryClient client;

  /**
   * Creates the lifecycle.
   *
   * @param client the core client whose instances it reports on
   */
  public RegistryCallLifecycle(RegistryClient client) {
    this.client = requireNonNull(client, "client");
  }

  @Override
  public void onStart(Request<Object> request) {
    // the call starts when our balancer picks; Spring's own picks are not counted
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
    Outcome outcome = outcome(completion);
    Call call = ours.call();
    if (call != null) {
      call.end(outcome);
    } else {
      client.report(ours.instance(), outcome);
    }
  }

  static Outcome outcome(CompletionContext<Object, ServiceInstance, Object> completion) {
    return switch (completion.status()) {
      case SUCCESS -> answered(completion.getClientResponse());
      case FAILED -> failed(completion.getThrowable());
      case DISCARD -> Outcome.CANCELLED;
    };
  }

  /** The outcome of an answer, by its status when Spring Cloud passed it on. */
  static Outcome answered(@Nullable Object response) {
    try {
      if (response instanceof ResponseData data && data.getHttpStatus() != null) {
        return Outcome.ofStatus(data.getHttpStatus().value());
      }
      if (response instanceof ClientHttpResponse http) {
        return Outcome.ofStatus(http.getStatusCode().value());
      }
    } catch (IOException | IllegalArgumentException e) {
      return Outcome.SUCCESS; // an answer came, with a status we cannot read: not a failure
    }
    return Outcome.SUCCESS;
  }

  /** The outcome of a failed call: Netty's timeouts (WebClient) first, then the JDK's rules. */
  static Outcome failed(@Nullable Throwable failure) {
    if (failure == null) {
      return Outcome.CANCELLED;
    }
    int depth = 0;
    for (Throwable t = failure; t != null && depth < 32; t = t.getCause(), depth++) {
      if (t.getClass().getName().startsWith("io.netty.handler.timeout.")) {
        return Outcome.TIMEOUT;
      }
    }
    return Outcome.of(failure);
  }
}
