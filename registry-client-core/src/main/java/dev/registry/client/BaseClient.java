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

  /** @param background whether the client has a scheduler thread and watches the registry */
  BaseClient(Settings settings, boolean background) {
    this.ctx = new ClientContext(settings, background ? this::periodic : null);
    this.views = new Views(ctx);
    this.watcher = background ? new Watcher(ctx, views) : null;
    this.leases = new Leases(ctx);
    this.lookups = new StageLookup(ctx, views, new Ejection(ctx, views), new OtherStages(ctx),
        watcher, settings.stage());
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
   * Removes an instance from the registry, identified by its service, stage and id, whether
   * this client registered it or not (for example a CloudFormation stack deleting the endpoint
   * that an earlier deploy registered). A registration of this client for it stops being
   * renewed. One call with the retry policy's attempts.
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
  public List<String> services() {
    return lookups.services();
  }

  @Override
  public ServiceLookup inStage(String stage) {
    return lookups.inStage(stage);
  }

  @Override
  public void reportFailure(ServiceInstance instance) {
    lookups.reportFailure(instance);
  }

  @Override
  public void reportSuccess(ServiceInstance instance) {
    lookups.reportSuccess(instance);
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
