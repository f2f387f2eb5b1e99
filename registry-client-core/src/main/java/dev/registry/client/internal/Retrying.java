package dev.registry.client.internal;

import dev.registry.client.RetryPolicy;
import dev.registry.client.RegistryUnavailableException;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Every blocking call to the registry goes through here: resilience4j {@link Retry} with
 * exponential backoff and full jitter (a random wait in {@code [0, bound]}), retrying only
 * {@link RegistryUnavailableException} (connection failures, timeouts, 5xx, 429, 404 for a
 * route). Refusals (other 4xx) go straight through.
 */
final class Retrying {
  private final RetryPolicy policy;
  private final Retry retry;

  Retrying(RetryPolicy policy) {
    this.policy = policy;
    this.retry = Retry.of("registry", config(policy, () -> Long.MAX_VALUE));
  }

  /** Runs {@code call} with the policy's retries. */
  <T> T call(Supplier<T> call) {
    return retry.executeSupplier(call);
  }

  /**
   * Runs {@code call} with the policy's retries, but none that would start after
   * {@code deadlineNanos} ({@link System#nanoTime()}), and no backoff past it.
   */
  <T> T callBefore(long deadlineNanos, Supplier<T> call) {
    LongSupplier remainingMillis = () -> (deadlineNanos - System.nanoTime()) / 1_000_000;
    return Retry.of("registry-deadline", config(policy, remainingMillis)).executeSupplier(call);
  }

  /** A backoff for {@code attempt} failures so far: random in [0, bound]. */
  long backoffMillis(int attempt) {
    long bound = policy.backoffBound(attempt).toMillis();
    return bound <= 0 ? 0 : ThreadLocalRandom.current().nextLong(bound + 1);
  }

  private RetryConfig config(RetryPolicy policy, LongSupplier remainingMillis) {
    IntervalFunction fullJitter =
        attempt -> Math.max(0, Math.min(backoffMillis(attempt), remainingMillis.getAsLong()));
    return RetryConfig.custom()
        .maxAttempts(policy.maxAttempts())
        .intervalFunction(fullJitter)
        .retryOnException(e -> e instanceof RegistryUnavailableException
            && remainingMillis.getAsLong() > 0)
        .failAfterMaxAttempts(false)
        .build();
  }

  static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}
