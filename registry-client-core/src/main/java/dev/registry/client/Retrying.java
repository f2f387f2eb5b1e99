package dev.registry.client;

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
 * {@link RegistryUnavailableException} (connection failures, timeouts, 5xx, 429). Refusals
 * (other 4xx, and a 404 for a route, which says the URL is not a registry) go straight through.
 *
 * <p>A policy of one attempt ({@link RetryPolicy#none()}, the Lambda adapter's) calls straight
 * through and never loads resilience4j; otherwise the {@link Retry} is built at the first call,
 * not with the client (cold start). Callers go through {@link ClientContext#call}, which also
 * counts the failed attempts and tells the events.
 */
final class Retrying {
  private final RetryPolicy policy;
  private volatile Object retry; // a Retry, typed Object so that this class loads no resilience4j

  Retrying(RetryPolicy policy) {
    this.policy = policy;
  }

  /** Runs {@code call} with the policy's retries. */
  <T> T call(Supplier<T> call) {
    if (policy.maxAttempts() <= 1) {
      return call.get();
    }
    Object r = retry;
    if (r == null) {
      r = Resilience.retry(this, policy, () -> Long.MAX_VALUE);
      retry = r;
    }
    return Resilience.execute(r, call);
  }

  /**
   * Runs {@code call} with the policy's retries, but none that would start after
   * {@code deadlineNanos} ({@link System#nanoTime()}), and no backoff past it.
   */
  <T> T callBefore(long deadlineNanos, Supplier<T> call) {
    if (policy.maxAttempts() <= 1) {
      return call.get();
    }
    LongSupplier remainingMillis = () -> (deadlineNanos - System.nanoTime()) / 1_000_000;
    return Resilience.execute(Resilience.retry(this, policy, remainingMillis), call);
  }

  /** A backoff for {@code attempt} failures so far: random in [0, bound]. */
  long backoffMillis(int attempt) {
    long bound = policy.backoffBound(attempt).toMillis();
    return bound <= 0 ? 0 : ThreadLocalRandom.current().nextLong(bound + 1);
  }

  static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  /** Everything that touches resilience4j, in a class of its own that loads only when used. */
  private static final class Resilience {
    private Resilience() {}

    static Object retry(Retrying retrying, RetryPolicy policy, LongSupplier remainingMillis) {
      IntervalFunction fullJitter = attempt ->
          Math.max(0, Math.min(retrying.backoffMillis(attempt), remainingMillis.getAsLong()));
      RetryConfig config = RetryConfig.custom()
          .maxAttempts(policy.maxAttempts())
          .intervalFunction(fullJitter)
          .retryOnException(e -> e instanceof RegistryUnavailableException
              && remainingMillis.getAsLong() > 0)
          .failAfterMaxAttempts(false)
          .build();
      return Retry.of("registry", config);
    }

    static <T> T execute(Object retry, Supplier<T> call) {
      return ((Retry) retry).executeSupplier(call);
    }
  }
}
