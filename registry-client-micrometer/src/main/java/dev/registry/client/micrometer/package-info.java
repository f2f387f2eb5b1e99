/**
 * The registry client's meters and Observations in Micrometer:
 * {@link dev.registry.client.micrometer.MicrometerEventListener}, given to the client's builder.
 */
@NullMarked
package dev.registry.client.micrometer;

import org.jspecify.annotations.NullMarked;
