package dev.registry.examples.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import dev.registry.client.NoInstanceAvailableException;
import dev.registry.client.RegistryException;
import dev.registry.client.ServiceInstance;
import dev.registry.client.lambda.Discovery;
import dev.registry.client.lambda.DiscoveryRequestHandler;
import dev.registry.client.lambda.LambdaRegistry;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Client-side discovery in a Lambda function: the {@code orders} function picks the
 * {@code payment-service} instance of its own stage (the alias it was invoked through:
 * {@code orders:prod} looks in {@code prod}) for each order. The first invocation of a container
 * fetches the stage's whole catalog in one call; the invocations after it answer from the
 * container's cache without calling the registry. With {@code REGISTRY_SERVICE_NAME} and
 * {@code REGISTRY_SERVICE_ADDRESS} set (see template.yaml) the function registers itself at
 * its first invocation and its invocations keep the lease alive.
 *
 * <p>Handler: {@code dev.registry.examples.lambda.OrdersFunction::handleRequest}.
 */
public final class OrdersFunction extends DiscoveryRequestHandler<Map<String, Object>, Map<String, Object>> {

  /** Lambda's constructor: the registry from the environment. */
  public OrdersFunction() {}

  /**
   * With a registry of your own (tests).
   *
   * @param registry the container's registry
   */
  public OrdersFunction(LambdaRegistry registry) {
    super(registry);
  }

  @Override
  protected Map<String, Object> handleRequest(
      Map<String, Object> order, Context context, Discovery discovery) {
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("orderId", order.get("orderId"));
    answer.put("stage", discovery.stage());
    try {
      ServiceInstance payment = discovery.choose("payment-service");
      // A real function would now call the payment service at this address.
      answer.put("paymentService", payment.address().toString());
      answer.put("paymentInstance", payment.id());
      answer.put("stale", discovery.view("payment-service").stale());
    } catch (NoInstanceAvailableException e) {
      answer.put("error", "no payment-service instance is up in " + discovery.stage());
    } catch (RegistryException e) {
      // Only when the registry was never reached by this container: nothing cached yet.
      answer.put("error", "registry unreachable: " + e.getMessage());
    }
    return answer;
  }
}
