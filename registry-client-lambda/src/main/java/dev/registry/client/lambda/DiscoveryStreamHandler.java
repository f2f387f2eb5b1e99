package dev.registry.client.lambda;

import static java.util.Objects.requireNonNull;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * A {@link RequestStreamHandler} with service discovery: extend it and implement
 * {@link #handleRequest(InputStream, OutputStream, Context, Discovery)}. Raw streams need no
 * JSON binding from the runtime, the lightest cold start. As {@link DiscoveryRequestHandler},
 * one {@link LambdaRegistry} per container (made from the environment by the constructor, no
 * I/O) serves every invocation, and {@link LambdaRegistry#begin} runs first.
 */
public abstract class DiscoveryStreamHandler implements RequestStreamHandler {
  private final LambdaRegistry registry;

  /**
   * Makes the container's registry from the environment.
   *
   * @throws IllegalArgumentException if a variable is missing or malformed
   */
  protected DiscoveryStreamHandler() {
    this(LambdaRegistry.fromEnvironment());
  }

  /**
   * Uses {@code registry}.
   *
   * @param registry the container's registry
   */
  protected DiscoveryStreamHandler(LambdaRegistry registry) {
    this.registry = requireNonNull(registry, "registry");
  }

  @Override
  public final void handleRequest(InputStream input, OutputStream output, Context context)
      throws IOException {
    handleRequest(input, output, context, registry.begin(context));
  }

  /**
   * Handles one invocation.
   *
   * @param input the event's bytes
   * @param output where the answer's bytes go
   * @param context the invocation's context
   * @param discovery lookups in the invocation's stage
   * @throws IOException if the streams fail
   */
  protected abstract void handleRequest(
      InputStream input, OutputStream output, Context context, Discovery discovery)
      throws IOException;

  /**
   * Returns the container's registry.
   *
   * @return the registry
   */
  protected final LambdaRegistry registry() {
    return registry;
  }
}
