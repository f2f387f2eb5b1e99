package dev.registry.client;

import static dev.registry.client.Logs.log;
import static java.util.Objects.requireNonNull;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What both clients are, over the rooms they share: the lookups of their stage, their leases,
 * their counters, and the order of closing. A background client ({@link RegistryClient}) also
 * watches, and runs periodic work on its scheduler; an inline one ({@link InlineRegistryClient})
 * does neither. Package-private, as {@code StringBuilder}'s base is: its public methods are
 * the two clients' own.
 */
abstract class BaseClient implements ServiceLookup, AutoCloseable {
  final ClientContext ctx;
  final Views views;
  final Leases leases;
  private final @Nullable Watcher watcher;
  private final StageLookup lookups;
  /** The configuration room, made at the first use of configuration; null until then. */
  private volatile @Nullable Configs configs;

  /** @param background whether the client has a scheduler thread and watches the registry */
  BaseClient(Settings settings, boolean background) {
    this.ctx = new ClientContext(settings, background ? this::periodic : null);
    this.views = new Views(ctx);
    this.watcher = background ? new Watcher(ctx, views) : null;
    this.leases = new Leases(ctx, this::appliedConfig);
    this.lookups = new StageLookup(ctx, views, new Ejection(ctx, views), new Picker(ctx), new OtherStages(ctx),
        watcher, this::configs, settings.stage());
    ctx.events.fire(l -> l.clientBuilt(ctx.counters::snapshot));
  }

  /** Registers, with heartbeats or without, and holds the lease; see the clients' register. */
  Registration register(ServiceInstance instance, boolean heartbeats) {
    requireNonNull(instance, "instance");
    ensureOpen();
    Lease lease = leases.register(instance, heartbeats);
    if (ctx.isClosed()) {
      lease.close();
      throw new IllegalStateException("RegistryClient is closed");
    }
    return lease;
  }

  /**
   * Removes an instance from the registry, identified by its service, stage and id (and by its
   * address, for a registry that knows no ids), whether this client registered it or not (for
   * example a CloudFormation stack deleting the endpoint that an earlier deploy registered). A
   * registration of this client for it, by id or by address, stops being renewed. One call with
   * the retry policy's attempts.
   *
   * @param instance the instance; a null stage means this client's stage
   * @return true if the registry removed it, false if it did not hold it
   * @throws RegistryException if the registry could not be reached or refused the request
   * @throws IllegalStateException if this client is closed
   */
  public boolean deregister(ServiceInstance instance) {
    requireNonNull(instance, "instance");
    ensureOpen();
    return leases.deregister(instance);
  }

  @Override
  public ServiceInstance choose(String service) {
    return lookups.choose(service);
  }

  @Override
  public List<ServiceInstance> instances(String service) {
    return lookups.instances(service);
  }

  @Override
  public ServiceView view(String service) {
    return lookups.view(service);
  }

  @Override
  public Watch watch(String service, ServiceListener listener) {
    return lookups.watch(service, listener);
  }

  @Override
  public ConfigView config(String service) {
    return lookups.config(service);
  }

  @Override
  public Watch watchConfig(String service, ConfigListener listener) {
    return lookups.watchConfig(service, listener);
  }

  /**
   * Declares keys of a service's configuration: writes each key's default and description to
   * the registry, at the scope of the service itself, where the key has no value yet (an
   * operator's value is never overwritten), and from now on checks every configuration of the
   * service this client reads against the keys' types, keeping the one it has when a value
   * does not parse. Call it when the service starts, before or after registering. One call with
   * the retry policy's attempts; declaring again adds keys (or replaces their type).
   *
   * @param service the service whose keys these are
   * @param keys the keys, one or more, each once
   * @return the registry's index of the service's configuration after the write
   * @throws RegistryException if the registry could not be reached or refused the write
   * @throws UnsupportedOperationException if the registry keeps no configuration
   * @throws IllegalArgumentException if no key is given, or one twice, or the name breaks the
   *     naming rule
   * @throws IllegalStateException if this client is closed
   */
  public long declareConfig(String service, List<ConfigKey> keys) {
    requireNonNull(keys, "keys");
    if (keys.isEmpty()) {
      throw new IllegalArgumentException("keys must not be empty");
    }
    ensureOpen();
    return configs().declare(service, List.copyOf(keys));
  }

  /** The configuration room, made now if it is not yet. */
  final Configs configs() {
    Configs c = configs;
    if (c == null) {
      synchronized (this) {
        c = configs;
        if (c == null) {
          c = new Configs(ctx);
          configs = c;
        }
      }
    }
    return c;
  }

  /** Refreshes the configurations read whose refresh interval has passed, before the deadline. */
  void refreshConfigs(long deadlineNanos) {
    Configs c = configs;
    if (c != null) {
      c.refreshOlderThan(c.holders(), ctx.settings.refreshInterval(), deadlineNanos);
    }
  }

  /** The configuration index an instance's service has taken, -1 when this client reads none. */
  private long appliedConfig(ServiceInstance instance) {
    Configs c = configs;
    return c == null ? -1 : c.appliedIndex(instance);
  }

  @Override
  public List<String> services() {
    return lookups.services();
  }

  @Override
  public ServiceLookup inStage(String stage) {
    return lookups.inStage(stage);
  }

  @Override
  public Call startCall(String service) {
    return lookups.startCall(service);
  }

  @Override
  public void report(ServiceInstance instance, Outcome outcome) {
    lookups.report(instance, outcome);
  }

  @Override
  public boolean isEjected(ServiceInstance instance) {
    return lookups.isEjected(instance);
  }

  /** Returns this client's stage, the default of registrations and lookups. */
  @Override
  public String stage() {
    return lookups.stage();
  }

  /**
   * Returns a snapshot of this client's counters.
   *
   * @return the counters
   */
  public ClientStats stats() {
    return ctx.counters.snapshot();
  }

  /**
   * Stops renewing and watching, deregisters every instance this client registered (all of
   * them within the deregistration timeout), and releases the threads and connections the
   * client made (never a scheduler, OkHttp client or transport given to the builder).
   * Idempotent.
   */
  @Override
  public void close() {
    if (!ctx.beginClose()) {
      return;
    }
    List<Lease> stopped = leases.stopAll();
    views.closeAll();
    if (watcher != null) {
      watcher.close();
    }
    leases.deregister(stopped, System.nanoTime() + ctx.settings.deregisterTimeout().toNanos());
    ctx.release();
  }

  /** A background client's periodic work: idle views go, stages that cannot be watched are
   * read, views nothing confirmed for a while are fetched again. */
  private void periodic() {
    try {
      views.cleanUp();
      requireNonNull(watcher).tick();
      views.refreshUnconfirmed(ctx.settings.refreshInterval().plus(ctx.settings.longPollWait()));
      Configs c = configs;
      if (c != null) {
        c.refreshOlderThan(watcher.polledConfigs(), ctx.settings.refreshInterval(), ClientContext.NO_DEADLINE);
        c.refreshOlderThan(c.holders(), ctx.settings.refreshInterval().plus(ctx.settings.longPollWait()),
            ClientContext.NO_DEADLINE);
      }
    } catch (RuntimeException e) {
      log().warn("Periodic refresh failed unexpectedly", e);
    }
  }

  void ensureOpen() {
    if (ctx.isClosed()) {
      throw new IllegalStateException("RegistryClient is closed");
    }
  }

  @Override
  public String toString() {
    return ctx.toString();
  }
}
