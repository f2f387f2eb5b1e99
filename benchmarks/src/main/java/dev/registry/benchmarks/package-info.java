/**
 * Benchmarks and load harnesses of the registry: JMH benchmarks of the client's pick cost and
 * plain {@code main} harnesses for change propagation, server throughput, watchers and memory.
 * Nothing here runs in the build; {@code benchmarks/run} runs all of it, and {@code
 * docs/benchmarks.md} holds the numbers.
 */
@NullMarked
package dev.registry.benchmarks;

import org.jspecify.annotations.NullMarked;
