package dev.registry.client.lambda;

import static java.util.Objects.requireNonNull;

import com.amazonaws.services.lambda.runtime.Context;
import dev.registry.client.InlineRegistryClient;
import dev.registry.client.RegistryException;
import dev.registry.client.ServiceInstance;
import java.net.URI;
import java.time.Clock;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry of one Lambda container: one {@link InlineRegistryClient} made at container
 * start and used by every invocation, so that lookups are cached across invocations. The handler
 * wrappers hold one; use it directly in a handler of your own by calling {@link #begin} at the
 * start of each invocation.
 *
 * <p>No thread is ever started. {@link #begin} does, inline and bounded in time:
 * <ul>
 *   <li>at the first invocation of a stage, the warm-up (every service of the stage in one
 *       call), the self-registration, and the read of the function's configuration, each if
 *       configured;</li>
 *   <li>at every invocation, the work that is due (a lease past a third of its TTL, views past
 *       the cache TTL), within the work budget. A warm invocation whose views are fresh makes
 *       no call to the registry at all.</li>
 * </ul>
 * None of it ever throws because the registry is slow, down or refusing: the failure is
 * logged and tried again at the first invocation a cache TTL later (so that a registry that is
 * down does not cost every invocation a request timeout), and lookups answer from the last
 * good view.
 *
 * <p>Thread-safe; Lambda runs one invocation at a time per container.
 */
public final class LambdaRegistry implements AutoCloseable {

  private final LambdaSettings settings;
  private final InlineRegistryClient client;
  private final Clock clock;
  private final Set<String> warmed = ConcurrentHashMap.newKeySet();
  private final Set<String> registered = ConcurrentHashMap.newKeySet();
  private final Set<String> configured = ConcurrentHashMap.newKeySet();
  /** Per stage, when a failed warm-up or registration may be tried again (clock millis). */
  private final Map<String, Long> warmUpRetryAt = new ConcurrentHashMap<>();
  private final Map<String, Long> registerRetryAt = new ConcurrentHashMap<>();
  private final Map<String, Long> configRetryAt = new ConcurrentHashMap<>();

  /**
   * The logger, made at its first use: slf4j's initialisation costs a cold start some 20 ms,
   * and a healthy invocation logs nothing.
   */
  private static Logger log() {
    return LoggerFactory.getLogger("dev.registry.client.lambda");
  }

  private LambdaRegistry(LambdaSettings settings, InlineRegistryClient client, Clock clock) {
    this.settings = settings;
    this.client = client;
    this.clock = clock;
  }

  /**
   * Makes the registry of this container from the environment ({@link LambdaSettings}). No
   * network I/O (it reads {@code REGISTRY_TRUSTED_CERTIFICATES}, when set).
   *
   * @return the registry
   * @throws IllegalArgumentException if a variable is missing or malformed
   */
  public static LambdaRegistry fromEnvironment() {
    return create(LambdaSettings.fromEnvironment());
  }

  /**
   * Makes a registry from {@code settings}, with a client from
   * {@link LambdaSettings#clientBuilder()}. No network I/O (it reads the trusted certificates'
   * file, when the settings name one).
   *
   * @param settings the settings
   * @return the registry
   * @throws IllegalArgumentException if the trusted certificates' file cannot be read
   */
  public static LambdaRegistry create(LambdaSettings settings) {
    requireNonNull(settings, "settings");
    return new LambdaRegistry(settings, settings.clientBuilder().buildInline(), Clock.systemUTC());
  }

  /**
   * Makes a registry over a client of your own, for example one from
   * {@link LambdaSettings#clientBuilder()} with another clock. The registry closes the client
   * when it is closed.
   *
   * @param settings the settings (stage, self-registration, warm-up, work budget)
   * @param client the client
   * @return the registry
   */
  public static LambdaRegistry create(LambdaSettings settings, InlineRegistryClient client) {
    return create(settings, client, Clock.systemUTC());
  }

  /**
   * Like {@link #create(LambdaSettings, InlineRegistryClient)}, with the clock that spaces the
   * attempts of a failed warm-up or self-registration (tests give the client's fake clock).
   *
   * @param settings the settings
   * @param client the client
   * @param clock the clock
   * @return the registry
   */
  public static LambdaRegistry create(LambdaSettings settings, InlineRegistryClient client, Clock clock) {
    return new LambdaRegistry(requireNonNull(settings, "settings"), requireNonNull(client, "client"),
        requireNonNull(clock, "clock"));
  }

  /**
   * Starts an invocation: resolves its stage, warms up and registers at the first invocation
   * of the stage (when configured), runs the due work within the budget, and returns the
   * discovery view of the invocation. Never throws because of the registry.
   *
   * @param context the invocation's context
   * @return the discovery view, bound to the invocation's stage
   */
  public Discovery begin(Context context) {
    requireNonNull(context, "context");
    String stage = stageOf(context);
    long now = clock.millis();
    if (settings.warmUp() && !warmed.contains(stage) && due(warmUpRetryAt, stage, now)) {
      warmUp(stage, now);
    }
    if (settings.selfRegistration() && !registered.contains(stage)
        && due(registerRetryAt, stage, now)) {
      register(stage, now);
    }
    String service = serviceOf(context);
    if (settings.config() && !configured.contains(stage) && due(configRetryAt, stage, now)) {
      readConfig(service, stage, now);
    }
    try {
      client.runDueWork(settings.workBudget());
    } catch (RuntimeException e) {
      // runDueWork(budget) does not throw for the registry; anything else must not fail the
      // user's invocation either.
      log().warn("Due registry work failed; the cached views serve", e);
    }
    return new Discovery(client, client.inStage(stage), service);
  }

  /**
   * Returns the stage of an invocation: {@code REGISTRY_STAGE} when set, else the alias of the
   * invoked ARN, else the client's default stage.
   *
   * @param context the invocation's context
   * @return the stage
   */
  public String stageOf(Context context) {
    String configured = settings.stage();
    if (configured != null) {
      return configured;
    }
    return LambdaSettings.stageOfArn(context.getInvokedFunctionArn()).orElse(client.stage());
  }

  /** The function's service: {@code REGISTRY_SERVICE_NAME}, else the function's name. */
  private String serviceOf(Context context) {
    String named = settings.serviceName();
    return named != null ? named : context.getFunctionName();
  }

  private static boolean due(Map<String, Long> retryAt, String stage, long now) {
    Long at = retryAt.get(stage);
    return at == null || now >= at;
  }

  private void warmUp(String stage, long now) {
    try {
      client.warmUp(stage);
      warmed.add(stage);
    } catch (RegistryException e) {
      // Lookups fetch what they need; the warm-up is tried again after a cache TTL, so that a
      // registry that is down does not cost every invocation a request timeout.
      warmUpRetryAt.put(stage, now + settings.cacheTtl().toMillis());
      log().warn("Registry warm-up of stage {} failed: {}", stage, e.getMessage());
    }
  }

  /** The configuration, read now so that the handler's first {@link Discovery#config()} is cached. */
  private void readConfig(String service, String stage, long now) {
    try {
      client.inStage(stage).config(service);
      configured.add(stage);
    } catch (RegistryException e) {
      configRetryAt.put(stage, now + settings.cacheTtl().toMillis());
      log().warn("Reading the configuration of {} in stage {} failed, tried again in a cache TTL: {}", service, stage,
          e.getMessage());
    }
  }

  private void register(String stage, long now) {
    String service = requireNonNull(settings.serviceName());
    URI address = requireNonNull(settings.serviceAddress());
    @Nullable String id = settings.instanceId();
    ServiceInstance instance = ServiceInstance.builder(service)
        .id(id != null ? id : service)
        .address(address)
        .stage(stage)
        .build();
    try {
      client.register(instance);
      registered.add(stage);
    } catch (RegistryException e) {
      registerRetryAt.put(stage, now + settings.cacheTtl().toMillis());
      log().warn("Self-registration of {} in stage {} failed, tried again in a cache TTL: {}",
          service, stage, e.getMessage());
    }
  }

  /**
   * Returns the client of this container.
   *
   * @return the client
   */
  public InlineRegistryClient client() {
    return client;
  }

  /**
   * Returns the settings.
   *
   * @return the settings
   */
  public LambdaSettings settings() {
    return settings;
  }

  /**
   * Closes the client, which deregisters the self-registration. Lambda gives a container no
   * reliable end, so handlers do not call this: the lease ends by itself when the function is
   * no longer invoked. For tests and for a function's own shutdown logic.
   */
  @Override
  public void close() {
    client.close();
  }
}
