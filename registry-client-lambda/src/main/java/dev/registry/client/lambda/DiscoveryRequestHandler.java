package dev.registry.client.lambda;

import static java.util.Objects.requireNonNull;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;

/**
 * A {@link RequestHandler} with service discovery: extend it and implement
 * {@link #handleRequest(Object, Context, Discovery)}.
 *
 * <pre>{@code
 * public final class OrdersHandler extends DiscoveryRequestHandler<Order, Receipt> {
 *   @Override
 *   protected Receipt handleRequest(Order order, Context context, Discovery discovery) {
 *     URI payments = discovery.choose("payment-service").address();
 *     ...
 *   }
 * }
 * }</pre>
 *
 * <p>Lambda makes one handler object per container, so the {@link LambdaRegistry} made by the
 * constructor (from the environment, see {@link LambdaSettings}; no I/O) serves every
 * invocation of the container and its cache lives across them. Each invocation first runs
 * {@link LambdaRegistry#begin}, which never throws because of the registry.
 *
 * @param <I> the input type
 * @param <O> the output type
 */
public abstract class DiscoveryRequestHandler<I, O> implements RequestHandler<I, O> {
  private final LambdaRegistry registry;

  /**
   * Makes the container's registry from the environment.
   *
   * @throws IllegalArgumentException if a variable is missing or malformed
   */
  protected DiscoveryRequestHandler() {
    this(LambdaRegistry.fromEnvironment());
  }

  /**
   * Uses {@code registry}.
   *
   * @param registry the container's registry
   */
  protected DiscoveryRequestHandler(LambdaRegistry registry) {
    this.registry = requireNonNull(registry, "registry");
  }

  @Override
  public final O handleRequest(I input, Context context) {
    return handleRequest(input, context, registry.begin(context));
  }

  /**
   * Handles one invocation.
   *
   * @param input the event
   * @param context the invocation's context
   * @param discovery lookups in the invocation's stage
   * @return the answer
   */
  protected abstract O handleRequest(I input, Context context, Discovery discovery);

  /**
   * Returns the container's registry.
   *
   * @return the registry
   */
  protected final LambdaRegistry registry() {
    return registry;
  }
}
