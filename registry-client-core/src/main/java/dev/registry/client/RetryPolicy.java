package dev.registry.client;

import java.time.Duration;

/**
 * How the client retries a call to the registry that failed transiently (connection failure,
 * timeout, 5xx, 429, 404 for a route): up to {@code maxAttempts} attempts in all, waiting
 * between two attempts a random time in {@code [0, min(maxBackoff, initialBackoff * 2^(n-1))]}
 * (exponential backoff with full jitter). A refusal (another 4xx) is never retried. Each retry
 * goes to the next registry URL when there are several.
 *
 * <p>Make one with {@link #builder()}; {@link #defaults()} is 4 attempts, 100 ms, 2 s.
 *
 * @param maxAttempts attempts in all, at least 1 (1 means no retry)
 * @param initialBackoff the backoff bound after the first failure
 * @param maxBackoff the largest backoff bound
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {

  /**
   * Checks the components.
   *
   * @param maxAttempts attempts in all, at least 1
   * @param initialBackoff the first backoff bound, at least 0
   * @param maxBackoff the largest backoff bound, at least the initial one
   * @throws IllegalArgumentException if a component is out of range; the message names it
   */
  public RetryPolicy {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be >= 1: " + maxAttempts);
    }
    Names.checkNotNegative("initialBackoff", initialBackoff);
    Names.checkNotNegative("maxBackoff", maxBackoff);
    if (maxBackoff.compareTo(initialBackoff) < 0) {
      throw new IllegalArgumentException(
          "maxBackoff must be >= initialBackoff (" + initialBackoff + "): " + maxBackoff);
    }
  }

  /**
   * The default policy: 4 attempts, backoff from 100 ms up to 2 s.
   *
   * @return the default policy
   */
  public static RetryPolicy defaults() {
    return new RetryPolicy(4, Duration.ofMillis(100), Duration.ofSeconds(2));
  }

  /**
   * A policy that makes one attempt only.
   *
   * @return the policy
   */
  public static RetryPolicy none() {
    return new RetryPolicy(1, Duration.ZERO, Duration.ZERO);
  }

  /**
   * Starts a builder with the {@link #defaults()}.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The backoff bound before attempt {@code attempt + 1}, after {@code attempt} failures.
   *
   * @param attempt the failures so far, at least 1
   * @return {@code min(maxBackoff, initialBackoff * 2^(attempt-1))}
   */
  public Duration backoffBound(int attempt) {
    int shift = Math.min(Math.max(attempt - 1, 0), 30);
    long initial = initialBackoff.toMillis();
    long bound = initial > (Long.MAX_VALUE >> shift) ? Long.MAX_VALUE : initial << shift;
    return Duration.ofMillis(Math.min(bound, maxBackoff.toMillis()));
  }

  /** Builds a {@link RetryPolicy}; each setter checks its argument at once. Not thread-safe. */
  public static final class Builder {
    private int maxAttempts = 4;
    private Duration initialBackoff = Duration.ofMillis(100);
    private Duration maxBackoff = Duration.ofSeconds(2);

    private Builder() {}

    /**
     * Sets the attempts in all. Default 4.
     *
     * @param maxAttempts at least 1
     * @return this builder
     */
    public Builder maxAttempts(int maxAttempts) {
      if (maxAttempts < 1) {
        throw new IllegalArgumentException("maxAttempts must be >= 1: " + maxAttempts);
      }
      this.maxAttempts = maxAttempts;
      return this;
    }

    /**
     * Sets the backoff bound after the first failure. Default 100 ms.
     *
     * @param initialBackoff at least 0
     * @return this builder
     */
    public Builder initialBackoff(Duration initialBackoff) {
      this.initialBackoff = Names.checkNotNegative("initialBackoff", initialBackoff);
      return this;
    }

    /**
     * Sets the largest backoff bound. Default 2 s.
     *
     * @param maxBackoff at least 0, and at least the initial backoff at {@link #build()}
     * @return this builder
     */
    public Builder maxBackoff(Duration maxBackoff) {
      this.maxBackoff = Names.checkNotNegative("maxBackoff", maxBackoff);
      return this;
    }

    /**
     * Builds the policy.
     *
     * @return the policy
     * @throws IllegalArgumentException if the maximum backoff is below the initial one
     */
    public RetryPolicy build() {
      return new RetryPolicy(maxAttempts, initialBackoff, maxBackoff);
    }
  }
}
