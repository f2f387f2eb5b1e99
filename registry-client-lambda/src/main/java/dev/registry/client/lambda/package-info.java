/**
 * The AWS Lambda adapter: handler wrappers ({@link DiscoveryRequestHandler},
 * {@link DiscoveryStreamHandler}) that keep one {@link LambdaRegistry} per container, so that
 * lookups are cached across invocations; configuration from environment variables
 * ({@link LambdaSettings}); the stage from the invoked alias; serverless registration (on cold
 * start, lease renewed lazily) and a CloudFormation custom resource
 * ({@link RegistrationResource}) that registers an endpoint with the stack. No background
 * thread: due work runs inline, bounded in time, and a slow or absent registry never fails an
 * invocation.
 */
@NullMarked
package dev.registry.client.lambda;

import org.jspecify.annotations.NullMarked;
