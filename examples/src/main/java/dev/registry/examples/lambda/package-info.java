/**
 * AWS Lambda examples: {@link dev.registry.examples.lambda.OrdersFunction} (client-side
 * discovery in a handler wrapper, with self-registration) and
 * {@link dev.registry.examples.lambda.DiscoveryProxyFunction} (server-side discovery for callers
 * that cannot run the library). {@code examples/lambda/template.yaml} deploys them with the
 * CloudFormation custom resource that registers the orders endpoint with the stack.
 */
@NullMarked
package dev.registry.examples.lambda;

import org.jspecify.annotations.NullMarked;
