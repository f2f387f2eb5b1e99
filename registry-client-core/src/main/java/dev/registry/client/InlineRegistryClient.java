package dev.registry.client;

import java.time.Duration;

/**
 * A client of a service registry that starts no thread and holds no long-poll: for AWS Lambda
 * and other hosts that freeze the process between requests. Everything it does runs on its
 * callers' threads, bounded in time: a lookup whose view is older than the refresh interval
 * refreshes it first (one attempt; when it fails, the stale view answers), and
 * {@link #runDueWork} renews the leases that are due and refreshes the views and configurations
 * that are. The
 * Lambda adapter calls it at each invocation.
 *
 * <pre>{@code
 * InlineRegistryClient registry = RegistryClient.builder()
 *     .registryUrls("https://registry.example.com")
 *     .retryPolicy(RetryPolicy.none())
 *     .buildInline();
 * registry.warmUp("prod");                             // every service of the stage, one call
 * registry.runDueWork(Duration.ofMillis(300));          // at each invocation
 * URI payments = registry.inStage("prod").choose("payment-service").address();
 * }</pre>
 *
 * <p>Its default transport is the JDK's {@code HttpURLConnection}, and its cache a plain map:
 * it loads neither OkHttp nor Caffeine, nor resilience4j with {@link RetryPolicy#none()}, so
 * that a cold start stays short.
 *
 * <p>Thread-safe. {@link #close()} deregisters what it registered; a Lambda container is never
 * told it ends, so a function's leases usually end by themselves instead.
 */
public final class InlineRegistryClient extends BaseClient {

  InlineRegistryClient(Settings settings) {
    super(settings, false);
  }

  /**
   * Registers an instance, with the retry policy's attempts, and holds its lease without a
   * heartbeat: {@link #runDueWork} renews it once the heartbeat interval has passed, and
   * registers it again when the registry has forgotten it. Closing the returned handle, or the
   * client, deregisters it.
   *
   * @param instance the instance; a null stage means this client's stage
   * @return the handle of the registration
   * @throws RegistryException if the registry could not be reached or refused the instance
   * @throws IllegalStateException if this client is closed
   */
  public Registration register(ServiceInstance instance) {
    return register(instance, false);
  }

  /**
   * Fills the cache with every service of {@code stage} in one call to the registry (its
   * catalog), so that the lookups that follow make no call at all. Views already cached are
   * replaced by the registry's answer; a service absent from the catalog is fetched at its
   * first lookup, as usual. Warms an AWS Lambda container in one round trip.
   *
   * @param stage the stage to fetch
   * @return how many services were cached; 0 when the registry keeps no catalog
   * @throws RegistryException if the registry could not be reached (after the retry policy's
   *     attempts) or refused the request; the cache is unchanged then
   * @throws IllegalArgumentException if the stage is not a valid name
   * @throws IllegalStateException if this client is closed
   */
  public int warmUp(String stage) {
    Names.checkName("stage", stage);
    ensureOpen();
    return views.warmUp(stage).size();
  }

  /**
   * Runs the work that is due, within {@code budget}: renews the leases whose heartbeat
   * interval has passed (registering again those the registry forgot), lets views not looked
   * up for the idle timeout go, and refreshes views and configurations older than the refresh
   * interval. Each call
   * to the registry is bounded by what remains of the budget (and by the request timeout),
   * retries never start past it, and work left when it is spent waits for the next call. Never
   * throws because the registry is slow, down or refusing: failures are counted, reported to
   * the {@link EventListener}, and stale views keep serving.
   *
   * @param budget the most time to spend, positive
   * @throws IllegalArgumentException if the budget is not positive
   * @throws IllegalStateException if this client is closed
   */
  public void runDueWork(Duration budget) {
    Names.checkPositive("budget", budget);
    ensureOpen();
    long deadline = System.nanoTime() + budget.toNanos();
    leases.renewDue(deadline);
    views.cleanUp();
    views.refreshOlderThan(views.holders(), ctx.settings.refreshInterval(), deadline);
    refreshConfigs(deadline);
  }
}
