package dev.registry.client.micrometer;

import static java.util.Objects.requireNonNull;

import dev.registry.client.ClientStats;
import dev.registry.client.EventListener;
import dev.registry.client.RegistryCall;
import dev.registry.client.RegistryException;
import dev.registry.client.RegistryRejectedException;
import dev.registry.client.RegistryUnavailableException;
import dev.registry.client.ServiceInstance;
import dev.registry.client.ServiceView;
import io.micrometer.common.KeyValue;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import java.time.Duration;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;
import org.jspecify.annotations.Nullable;

/**
 * Records what a registry client does into Micrometer: give one to the client's builder
 * ({@code RegistryClient.builder().eventListener(MicrometerEventListener.builder(meters).build())}).
 * The meters (the README, "Client meters", has each):
 *
 * <ul>
 *   <li>{@code registry.client.calls}: every blocking call to the registry, an
 *       {@link Observation} timed with its retries, tagged {@code operation} ({@code register},
 *       {@code renew}, {@code status}, {@code deregister}, {@code discover}, {@code catalog}),
 *       {@code outcome} ({@code success}, {@code unavailable}, {@code rejected}, {@code error})
 *       and {@code error} (the exception's class, or {@code none}); with tracing, each is a span
 *       named {@code registry <operation>};
 *   <li>{@code registry.client.lookups}, {@code registry.client.cache.hits},
 *       {@code registry.client.refreshes}, {@code registry.client.failures} (failed attempts),
 *       {@code registry.client.reregistrations}, {@code registry.client.heartbeats} tagged
 *       {@code result=sent|failed}: the client's own counters ({@link ClientStats}), read when
 *       published, so that a lookup costs nothing more;
 *   <li>{@code registry.client.stale.serves}: lookups answered from a stale view;
 *   <li>{@code registry.client.ejections} tagged {@code service};
 *   <li>{@code registry.client.watch.restarts} tagged {@code stage}: failed watches, each
 *       started again after a backoff;
 *   <li>{@code registry.client.reachable}: 1 while the registry answers, 0 after a call failed
 *       for want of it.
 * </ul>
 *
 * <p>One listener per client: a second client on the same {@link MeterRegistry} needs other
 * {@link Builder#tags tags}, or its counters are not registered. Thread-safe.
 */
public final class MicrometerEventListener implements EventListener {
  /** The name of the calls' Observations, and so of their timers. */
  public static final String CALLS = "registry.client.calls";

  private final MeterRegistry meters;
  private final ObservationRegistry observations;
  private final Tags tags;
  private final Counter staleServes;
  private volatile boolean reachable = true;
  /** The client's counters, once it is built; held here, as Micrometer holds its state weakly. */
  private volatile @Nullable Supplier<ClientStats> stats;

  private MicrometerEventListener(Builder builder) {
    this.meters = builder.meters;
    this.tags = builder.tags;
    this.observations = builder.observations != null ? builder.observations : timing(meters);
    this.staleServes = Counter.builder("registry.client.stale.serves").tags(tags)
        .description("Lookups answered from a view the registry could not confirm lately")
        .register(meters);
  }

  /** Calls timed into {@code meters} alone: no ObservationRegistry given, no tracing. */
  private static ObservationRegistry timing(MeterRegistry meters) {
    ObservationRegistry registry = ObservationRegistry.create();
    registry.observationConfig().observationHandler(new DefaultMeterObservationHandler(meters));
    return registry;
  }

  /**
   * Starts a builder.
   *
   * @param meters where the meters go
   * @return the builder
   */
  public static Builder builder(MeterRegistry meters) {
    return new Builder(requireNonNull(meters, "meters"));
  }

  @Override
  public void clientBuilt(Supplier<ClientStats> stats) {
    this.stats = requireNonNull(stats, "stats");
    counter("registry.client.lookups", "Service lookups", Tags.empty(), ClientStats::lookups);
    counter("registry.client.cache.hits", "Lookups answered from the cache alone", Tags.empty(),
        ClientStats::cacheHits);
    counter("registry.client.refreshes", "Views fetched from or pushed by the registry",
        Tags.empty(), ClientStats::refreshes);
    counter("registry.client.failures", "Failed attempts of calls to the registry", Tags.empty(),
        ClientStats::registryFailures);
    counter("registry.client.reregistrations",
        "Instances registered again after the registry forgot them", Tags.empty(),
        ClientStats::reRegistrations);
    counter("registry.client.heartbeats", "Heartbeats", Tags.of("result", "sent"),
        ClientStats::heartbeatsSent);
    counter("registry.client.heartbeats", "Heartbeats", Tags.of("result", "failed"),
        ClientStats::heartbeatsFailed);
    Gauge.builder("registry.client.reachable", this, l -> l.reachable ? 1 : 0).tags(tags)
        .description("1 while the registry answers the client's calls, else 0").register(meters);
  }

  private void counter(String name, String description, Tags more, ToLongFunction<ClientStats> stat) {
    FunctionCounter.builder(name, this, l -> l.read(stat)).tags(tags.and(more))
        .description(description).register(meters);
  }

  private double read(ToLongFunction<ClientStats> stat) {
    Supplier<ClientStats> s = stats;
    return s == null ? Double.NaN : stat.applyAsLong(s.get());
  }

  /**
   * Starts the call's {@link Observation} and makes it current on this thread until the call
   * ends, so that what the call does (its request ID, the HTTP client's own instrumentation)
   * sees it, and a span of an enclosing one is its parent.
   */
  @Override
  public CallListener callStarted(RegistryCall call) {
    Observation observation = Observation.createNotStarted(CALLS, () -> context(call), observations);
    observation.start();
    Observation.Scope scope = observation.openScope();
    return failure -> {
      observation.lowCardinalityKeyValue("outcome", outcome(failure));
      if (failure != null) {
        observation.error(failure);
      }
      scope.close();
      observation.stop();
    };
  }

  /**
   * The call's context, with its key values set before the Observation is made, so that an
   * {@code ObservationPredicate} can tell calls apart (heartbeats: {@code operation=renew}).
   */
  private Observation.Context context(RegistryCall call) {
    String operation = call.operation().tag();
    Observation.Context context = new Observation.Context();
    context.setContextualName("registry " + operation);
    context.addLowCardinalityKeyValue(KeyValue.of("operation", operation));
    context.addHighCardinalityKeyValue(KeyValue.of("stage", call.stage()));
    if (call.service() != null) {
      context.addHighCardinalityKeyValue(KeyValue.of("service", call.service()));
    }
    for (Tag tag : tags) {
      context.addLowCardinalityKeyValue(KeyValue.of(tag.getKey(), tag.getValue()));
    }
    return context;
  }

  private static String outcome(@Nullable RuntimeException failure) {
    if (failure == null) {
      return "success";
    }
    if (failure instanceof RegistryUnavailableException) {
      return "unavailable";
    }
    return failure instanceof RegistryRejectedException ? "rejected" : "error";
  }

  @Override
  public void staleServed(ServiceView view) {
    staleServes.increment();
  }

  @Override
  public void instanceEjected(ServiceInstance instance, Duration ejectionTime) {
    Counter.builder("registry.client.ejections").tags(tags).tag("service", instance.service())
        .description("Instances ejected after failures reported in a row").register(meters)
        .increment();
  }

  @Override
  public void watchFailed(String stage, RegistryException cause) {
    Counter.builder("registry.client.watch.restarts").tags(tags).tag("stage", stage)
        .description("Watches that failed and start again after a backoff").register(meters)
        .increment();
  }

  @Override
  public void registryUnavailable(RegistryException cause) {
    reachable = false;
  }

  @Override
  public void registryAvailable() {
    reachable = true;
  }

  @Override
  public String toString() {
    return "MicrometerEventListener" + tags;
  }

  /** Builds a {@link MicrometerEventListener}. Not thread-safe; reusable. */
  public static final class Builder {
    private final MeterRegistry meters;
    private @Nullable ObservationRegistry observations;
    private Tags tags = Tags.empty();

    private Builder(MeterRegistry meters) {
      this.meters = meters;
    }

    /**
     * Makes the calls Observations of this registry, so that an application's handlers see
     * them: with Micrometer Tracing each becomes a span, child of the current one; with a meter
     * handler (Spring Boot has one) each is timed as {@code registry.client.calls}. Default: the
     * listener's own registry, which only times them into the {@link MeterRegistry}. A registry
     * without a meter handler times nothing.
     *
     * @param observations the registry
     * @return this builder
     */
    public Builder observationRegistry(ObservationRegistry observations) {
      this.observations = requireNonNull(observations, "observations");
      return this;
    }

    /**
     * Adds tags to every meter (and low-cardinality key values to every Observation), for
     * example to tell two clients apart. Default: none.
     *
     * @param tags the tags
     * @return this builder
     */
    public Builder tags(Iterable<Tag> tags) {
      this.tags = this.tags.and(requireNonNull(tags, "tags"));
      return this;
    }

    /**
     * Builds the listener; registers the meters that need no client now, the others when the
     * client is built.
     *
     * @return the listener
     */
    public MicrometerEventListener build() {
      return new MicrometerEventListener(this);
    }
  }
}
