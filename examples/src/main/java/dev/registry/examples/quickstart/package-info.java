/**
 * The quickstart demo: a registry, three payment-service instances and a caller that
 * discovers them, told as a short story. Run {@code java -jar examples/target/quickstart.jar}.
 */
@NullMarked
package dev.registry.examples.quickstart;

import org.jspecify.annotations.NullMarked;
