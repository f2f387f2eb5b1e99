package dev.registry.server;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmInfoMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.jspecify.annotations.Nullable;

/**
 * The server's metrics, in a Micrometer Prometheus registry of its own, scraped by {@code GET
 * /metrics}: requests by route, method and status with latency histograms; registrations,
 * heartbeats, deregistrations and expiries; instances by stage and status, services and held
 * long-polls; JVM and process basics. Every name is in docs/api.md ("Metrics").
 *
 * <p>The counters count as the registry tells them (it is this server's {@link
 * RegistryListener}); the instance and service gauges are computed from the registry at each
 * scrape, so they are exact whatever filled it.
 *
 * <p>A request's timer is found without building tags: timers are cached by route, method,
 * long-poll and status in arrays, and made once per combination. Thread-safe.
 */
final class ServerMetrics implements RegistryListener, AutoCloseable {
  /** The method label values; any other method is {@code other}. */
  static final List<String> METHODS = List.of("GET", "POST", "HEAD", "PUT", "DELETE", "PATCH", "OPTIONS", "other");
  /** The latency histogram's bucket bounds: a write's sub-millisecond answer up to a long-poll's 5 minutes. */
  static final List<Duration> LATENCY_BUCKETS = List.of(Duration.ofNanos(250_000), Duration.ofNanos(500_000),
      Duration.ofMillis(1), Duration.ofNanos(2_500_000), Duration.ofMillis(5), Duration.ofMillis(10),
      Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
      Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5),
      Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ofSeconds(300));
  /** Status slots per timer group: 0 for "no answer", 1 to 500 for statuses 100 to 599. */
  private static final int STATUS_SLOTS = 501;
  private static final int OTHER_METHOD = METHODS.size() - 1;

  private final PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Registry registry;
  private final Counter created;
  private final Counter updated;
  private final Counter heartbeats;
  private final Counter deregistrations;
  private final Counter expiries;
  private final AtomicInteger heldLongPolls = new AtomicInteger();
  private final MultiGauge instances;
  private final MultiGauge services;
  private final Duration[] latencyBuckets = LATENCY_BUCKETS.toArray(new Duration[0]);
  /** By route, method and long-poll: the timers of each status, made when first needed. */
  private final AtomicReferenceArray<@Nullable AtomicReferenceArray<@Nullable Timer>> timers =
      new AtomicReferenceArray<>(Route.count() * METHODS.size() * 2);
  private @Nullable JvmGcMetrics gc;

  ServerMetrics(Registry registry) {
    this.registry = registry;
    this.created = registrations("created");
    this.updated = registrations("updated");
    this.heartbeats = Counter.builder("registry.heartbeats")
        .description("Heartbeats that renewed a live instance's lease").register(meters);
    this.deregistrations = Counter.builder("registry.deregistrations")
        .description("Instances removed by a deregistration").register(meters);
    this.expiries = Counter.builder("registry.expiries")
        .description("Instances removed because their lease ended without a heartbeat").register(meters);
    Gauge.builder("registry.long.polls.held", heldLongPolls::get)
        .description("Long-polls (discover or catalog with an index) held open, waiting for a change")
        .register(meters);
    this.instances = MultiGauge.builder("registry.instances")
        .description("Live instances, by stage and status").register(meters);
    this.services = MultiGauge.builder("registry.services")
        .description("Services with at least one live instance, by stage").register(meters);
  }

  private Counter registrations(String result) {
    return Counter.builder("registry.registrations")
        .description("Registrations accepted: created a new instance, or updated or renewed a held one")
        .tag("result", result)
        .register(meters);
  }

  /** Adds the JVM and process meters; on start, since the garbage collector's are listeners to remove. */
  synchronized void bindJvm() {
    if (gc != null) {
      return;
    }
    new JvmInfoMetrics().bindTo(meters);
    new JvmMemoryMetrics().bindTo(meters);
    new JvmThreadMetrics().bindTo(meters);
    new ClassLoaderMetrics().bindTo(meters);
    new ProcessorMetrics().bindTo(meters);
    new UptimeMetrics().bindTo(meters);
    new FileDescriptorMetrics().bindTo(meters);
    gc = new JvmGcMetrics();
    gc.bindTo(meters);
  }

  /** The index of a method's label in {@link #METHODS}. */
  static int method(String method) {
    int index = METHODS.indexOf(method);
    return index < 0 ? OTHER_METHOD : index;
  }

  /**
   * Records one request.
   *
   * @param method an index in {@link #METHODS}
   * @param status the answer's status, or 0 when no answer was completed (the client went away)
   */
  void request(Route route, int method, int status, boolean longPoll, long nanos) {
    int group = (route.ordinal() * METHODS.size() + method) * 2 + (longPoll ? 1 : 0);
    AtomicReferenceArray<@Nullable Timer> byStatus = timers.get(group);
    if (byStatus == null) {
      timers.compareAndSet(group, null, new AtomicReferenceArray<>(STATUS_SLOTS));
      byStatus = timers.get(group);
    }
    int slot = status >= 100 && status <= 599 ? status - 99 : 0;
    Timer timer = byStatus.get(slot);
    if (timer == null) {
      // Registering the same name and tags twice gives the same timer, so a race here is harmless.
      timer = Timer.builder("http.server.requests")
          .description("Requests answered, by route template, method, status and whether held as a long-poll")
          .tag("uri", route.template)
          .tag("method", METHODS.get(method))
          .tag("status", slot == 0 ? "none" : Integer.toString(status))
          .tag("long_poll", Boolean.toString(longPoll))
          .serviceLevelObjectives(latencyBuckets)
          .register(meters);
      byStatus.set(slot, timer);
    }
    timer.record(nanos, TimeUnit.NANOSECONDS);
  }

  /** A long-poll was parked (+1) or answered (-1). */
  void longPollHeld(int delta) {
    heldLongPolls.addAndGet(delta);
  }

  @Override
  public void registered(Instance instance, boolean isNew) {
    (isNew ? created : updated).increment();
  }

  @Override
  public void renewed(Instance instance) {
    heartbeats.increment();
  }

  @Override
  public void deregistered(Instance instance) {
    deregistrations.increment();
  }

  @Override
  public void expired(Instance instance) {
    expiries.increment();
  }

  /**
   * Every meter in the Prometheus text format (version 0.0.4), the registry's gauges computed
   * now. Scrapes are serialised: each replaces the gauges' rows.
   */
  synchronized String scrape() {
    registry.expireIfDue();
    Map<String, int[]> byStage = new TreeMap<>();
    int statuses = InstanceStatus.values().length;
    for (ServiceView view : registry.allViews()) {
      if (view.isEmpty()) {
        continue;
      }
      // [services, then instances by status ordinal]
      int[] counts = byStage.computeIfAbsent(view.stage(), s -> new int[1 + statuses]);
      counts[0]++;
      for (Instance instance : view.instances()) {
        counts[1 + instance.status.ordinal()]++;
      }
    }
    List<MultiGauge.Row<?>> instanceRows = new ArrayList<>();
    List<MultiGauge.Row<?>> serviceRows = new ArrayList<>();
    byStage.forEach((stage, counts) -> {
      serviceRows.add(MultiGauge.Row.of(Tags.of("stage", stage), counts[0]));
      for (InstanceStatus status : InstanceStatus.values()) {
        instanceRows.add(MultiGauge.Row.of(Tags.of("stage", stage, "status", status.name()),
            counts[1 + status.ordinal()]));
      }
    });
    instances.register(instanceRows, true);
    services.register(serviceRows, true);
    return meters.scrape();
  }

  /** Removes the garbage collector listeners and closes the meters; idempotent. */
  @Override
  public synchronized void close() {
    if (gc != null) {
      gc.close();
      gc = null;
    }
    meters.close();
  }
}
