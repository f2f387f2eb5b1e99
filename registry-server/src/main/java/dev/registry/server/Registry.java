package dev.registry.server;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.Collection;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import org.jspecify.annotations.Nullable;

/**
 * The registry's state: instances, leases, the revision index and the parked watches. Knows
 * nothing of HTTP.
 *
 * <p>Threading: every change runs under one lock and publishes immutable {@link ServiceView}
 * snapshots, so reads of a view take no lock. A heartbeat takes no lock either: it renews the
 * instance's {@link Lease} with a compare-and-set and publishes nothing, since a renewal is not a
 * change. Watches are told outside the lock.
 *
 * <p>Expiry: {@code nextExpiry} is a lower bound of every live lease end (renewals only push
 * ends later). Whenever the clock passes it — a read noticing, the expiry timer the owner runs
 * through {@code expiryScheduler}, or {@link #sweep()} — the ended instances are removed as one
 * change, so an expired instance is gone from every answer at once and its watchers wake.
 */
final class Registry {
  static final String DEFAULT_STAGE = "default";

  private final Clock clock;
  private final LongConsumer expiryScheduler;
  private final Limits limits;
  private final boolean requireSecret;
  private final SecureRandom random = new SecureRandom();
  /**
   * Names this run of the registry: its indexes mean nothing to another run, so a client that
   * sees the epoch change knows that a delta against its old index may miss changes.
   */
  final String epoch = Long.toString(random.nextLong() & Long.MAX_VALUE, 36);
  private final ReentrantLock lock = new ReentrantLock();
  private final ConcurrentHashMap<String, Stage> stages = new ConcurrentHashMap<>();
  /** Watches of any change in any stage ({@code GET /stages}); written under the lock. */
  private final Set<Watch> revisionWatches = new LinkedHashSet<>();

  /** The last revision handed out; written under the lock. */
  private volatile long revision;
  /** A lower bound of every live lease end; written under the lock. */
  private volatile long nextExpiry = Long.MAX_VALUE;
  /** The highest index of a pruned empty service: the index of any service not held. */
  private volatile long prunedFloor;

  private boolean closed;
  /** Services (per stage) with at least one live instance; written under the lock. */
  private int liveServices;

  /**
   * @param clock the time source of every lease
   * @param expiryScheduler told, under the lock, each time the earliest lease end becomes earlier
   *     or is recomputed ({@link Long#MAX_VALUE} when no lease is held); the owner runs {@link
   *     #sweep()} at (or just after) that epoch millisecond
   */
  Registry(Clock clock, LongConsumer expiryScheduler) {
    this(clock, expiryScheduler, Limits.DEFAULTS);
  }

  /** Like the two-argument constructor, with the limits that {@link #register} enforces. */
  Registry(Clock clock, LongConsumer expiryScheduler, Limits limits) {
    this(clock, expiryScheduler, limits, false);
  }

  /**
   * @param requireSecret whether a request about an instance must present its secret (a
   *     server with a token); without, a request that presents none is allowed (the seed's
   *     clients know of no secret) and one that presents a wrong one is refused
   */
  Registry(Clock clock, LongConsumer expiryScheduler, Limits limits, boolean requireSecret) {
    this.clock = clock;
    this.expiryScheduler = expiryScheduler;
    this.limits = limits;
    this.requireSecret = requireSecret;
  }

  /**
   * What a registration asks for. {@code id} is null when the client sent none; {@code secret}
   * is the instance secret the client presented, null for none.
   */
  record Registration(
      String service,
      String stage,
      @Nullable String id,
      String address,
      InstanceStatus status,
      Map<String, String> metadata,
      long ttlMillis,
      @Nullable String secret,
      @Nullable HealthCheck check) {

    Registration(String service, String stage, @Nullable String id, String address, InstanceStatus status,
        Map<String, String> metadata, long ttlMillis) {
      this(service, stage, id, address, status, metadata, ttlMillis, null, null);
    }
  }

  /**
   * How an instance is named in a heartbeat, deregistration or status change, with the secret
   * the request presented (null for none), and whether the operator asks (who needs no secret).
   */
  record InstanceRef(@Nullable String id, @Nullable String address, @Nullable String secret, boolean operator) {
    InstanceRef {
      if (id == null && address == null) {
        throw new IllegalArgumentException("id or address is required");
      }
    }

    InstanceRef(@Nullable String id, @Nullable String address, @Nullable String secret) {
      this(id, address, secret, false);
    }

    InstanceRef(@Nullable String id, @Nullable String address) {
      this(id, address, null);
    }

    @Override
    public String toString() {
      return id != null ? "id " + id : "address " + address;  // never the secret
    }
  }

  /** The outcome of a registration: whether it created the instance, and the view's index. */
  record Registered(boolean created, Instance instance, long index) {}

  /** The outcome of a status change or deregistration: the instance and the view's index. */
  record Changed(Instance instance, long index) {}

  /** Aggregated counts of one service across stages, for {@code /services}. */
  record ServiceCounts(int total, int active) {}

  /** One stage with a live instance, for {@code /stages}: its catalog's index and its counts. */
  record StageSummary(String stage, long index, int services, int instances) {}

  private static final class Stage {
    final String name;
    final ConcurrentHashMap<String, Service> services = new ConcurrentHashMap<>();
    final Set<Watch> watches = new LinkedHashSet<>();
    volatile long index;
    volatile @Nullable CatalogView catalog;

    Stage(String name) {
      this.name = name;
    }
  }

  private static final class Service {
    final ConcurrentHashMap<String, Instance> byId = new ConcurrentHashMap<>();
    final ConcurrentHashMap<String, Instance> byAddress = new ConcurrentHashMap<>();
    final Set<Watch> watches = new LinkedHashSet<>();
    volatile ServiceView view;

    Service(String name, String stage, long index) {
      this.view = new ServiceView(name, stage, index, List.of());
    }
  }

  // ---------------------------------------------------------------- changes

  Registered register(Registration r) {
    List<Watch> wake = new ArrayList<>();
    lock.lock();
    try {
      long now = clock.millis();
      expireDue(now, wake);
      checkServiceLimit(r);
      Stage stage = stages.computeIfAbsent(r.stage(), Stage::new);
      Service service = stage.services.computeIfAbsent(r.service(), n -> new Service(n, r.stage(), prunedFloor));
      Instance byAddress = service.byAddress.get(r.address());
      Instance existing = r.id() != null ? service.byId.get(r.id()) : byAddress;
      Instance replaced = null;
      if (existing != null && !owns(existing, r.secret())) {
        if (!existing.address.equals(r.address())) {
          throw new ForbiddenException("instance " + r.id() + " of " + r.service()
              + " is registered at another address; re-registering it needs its instance_secret");
        }
        // The address is the physical identity: whoever registers it without the secret is what
        // runs there now (a restarted process). A new instance, with a new secret, takes its place.
        replaced = existing;
        existing = null;
      }
      if (existing == null && byAddress == null
          && service.view.instances().size() >= limits.maxInstancesPerService()) {
        throw new LimitExceededException("too_many_instances", "service " + r.service() + " in stage "
            + r.stage() + " already has " + service.view.instances().size() + " instances; at most "
            + limits.maxInstancesPerService() + " are allowed");
      }
      String id = existing != null ? existing.id : r.id() != null ? r.id() : UUID.randomUUID().toString();
      List<Instance> instances = new ArrayList<>(service.view.instances());
      boolean changed = false;

      if (replaced != null) {
        journal.removed(replaced);
        replaced.lease.remove();
        service.byId.remove(replaced.id);
        service.byAddress.remove(replaced.address);
        instances.remove(replaced);
        changed = true;
      }
      if (byAddress != null && byAddress != replaced && !byAddress.id.equals(id)) {
        // The address is the physical identity: a new id at a held address takes its place.
        journal.removed(byAddress);
        byAddress.lease.remove();
        service.byId.remove(byAddress.id);
        service.byAddress.remove(byAddress.address);
        instances.remove(byAddress);
        changed = true;
      }

      Instance instance;
      if (existing != null) {
        instance = existing.with(r.address(), r.status(), r.metadata(), r.ttlMillis(), r.check());
        existing.lease.reset(Lease.end(now, r.ttlMillis()));
        if (!instance.sameViewAs(existing)) {
          service.byAddress.remove(existing.address, existing);
          service.byId.put(id, instance);
          service.byAddress.put(instance.address, instance);
          instances.set(instances.indexOf(existing), instance);
          journal.saved(instance);
          changed = true;
        } else {
          instance = existing;
        }
      } else {
        instance = new Instance(r.service(), r.stage(), id, r.address(), r.status(), r.metadata(),
            r.ttlMillis(), now, new Lease(Lease.end(now, r.ttlMillis())), newSecret(), r.check());
        service.byId.put(id, instance);
        service.byAddress.put(instance.address, instance);
        instances.add(instance);
        journal.saved(instance);
        changed = true;
      }
      if (changed) {
        publish(stage, service, instances, wake);
      }
      lowerNextExpiry(Lease.end(now, r.ttlMillis()));
      listener.registered(instance, existing == null);
      return new Registered(existing == null, instance, service.view.index());
    } finally {
      lock.unlock();
      wakeAll(wake);
    }
  }

  /**
   * Puts back instances saved by an earlier run (the data directory), each with the lease it was
   * built with, before the server serves. Tells the journal nothing: they are saved already.
   */
  void restore(List<Instance> saved) {
    List<Watch> wake = new ArrayList<>();
    lock.lock();
    try {
      Map<Service, List<Instance>> changed = new java.util.LinkedHashMap<>();
      Map<Service, Stage> stageOf = new java.util.HashMap<>();
      for (Instance instance : saved) {
        Stage stage = stages.computeIfAbsent(instance.stage, Stage::new);
        Service service = stage.services.computeIfAbsent(instance.service,
            n -> new Service(n, instance.stage, prunedFloor));
        service.byId.put(instance.id, instance);
        service.byAddress.put(instance.address, instance);
        changed.computeIfAbsent(service, s -> new ArrayList<>(s.view.instances())).add(instance);
        stageOf.put(service, stage);
        lowerNextExpiry(instance.lease.end());
      }
      changed.forEach((service, instances) -> publish(stageOf.get(service), service, instances, wake));
    } finally {
      lock.unlock();
      wakeAll(wake);
    }
  }

  /** Whether a request that presents {@code secret} (null for none) may act on {@code instance}. */
  private boolean owns(Instance instance, @Nullable String secret) {
    if (secret == null) {
      return !requireSecret;
    }
    return MessageDigest.isEqual(instance.secret.getBytes(StandardCharsets.UTF_8),
        secret.getBytes(StandardCharsets.UTF_8));
  }

  private void checkOwner(Instance instance, InstanceRef ref) {
    if (!ref.operator() && !owns(instance, ref.secret())) {
      throw new ForbiddenException(ref.secret() == null
          ? "this registry needs the instance_secret of " + instance.id + " (given when it was registered)"
          : "the instance_secret does not match instance " + instance.id);
    }
  }

  private String newSecret() {
    byte[] bytes = new byte[24];
    random.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** Under the lock: a registration that would add a service must fit in {@code maxServices}. */
  private void checkServiceLimit(Registration r) {
    Stage stage = stages.get(r.stage());
    Service service = stage == null ? null : stage.services.get(r.service());
    if ((service == null || service.view.isEmpty()) && liveServices >= limits.maxServices()) {
      throw new LimitExceededException("too_many_services", "the registry already holds "
          + liveServices + " services; at most " + limits.maxServices() + " are allowed");
    }
  }

  /** Services (per stage) with at least one live instance. */
  int liveServices() {
    return liveServices;
  }

  /**
   * Renews the lease of a live instance. Takes no lock and publishes nothing.
   *
   * @throws NotRegisteredException when the instance is not live (never registered, removed, or
   *     its lease has ended)
   */
  Instance heartbeat(String serviceName, String stageName, InstanceRef ref) {
    Instance instance = find(serviceName, stageName, ref);
    checkOwner(instance, ref);
    long now = clock.millis();
    if (!instance.lease.renew(now, Lease.end(now, instance.ttlMillis))) {
      expireIfDue();
      throw notRegistered(serviceName, stageName, ref);
    }
    listener.renewed(instance);
    return instance;
  }

  /** Removes an instance; a change. @throws NotRegisteredException if it is not live */
  Changed deregister(String serviceName, String stageName, InstanceRef ref) {
    List<Watch> wake = new ArrayList<>();
    lock.lock();
    try {
      expireDue(clock.millis(), wake);
      Instance instance = find(serviceName, stageName, ref);
      checkOwner(instance, ref);
      Stage stage = stages.get(stageName);
      Service service = stage.services.get(serviceName);
      journal.removed(instance);
      instance.lease.remove();
      service.byId.remove(instance.id);
      service.byAddress.remove(instance.address);
      List<Instance> instances = new ArrayList<>(service.view.instances());
      instances.remove(instance);
      publish(stage, service, instances, wake);
      listener.deregistered(instance);
      return new Changed(instance, service.view.index());
    } finally {
      lock.unlock();
      wakeAll(wake);
    }
  }

  /**
   * Sets an instance's status (a change when it differs); renews nothing.
   *
   * @throws NotRegisteredException if the instance is not live
   */
  Changed setStatus(String serviceName, String stageName, InstanceRef ref, InstanceStatus status) {
    List<Watch> wake = new ArrayList<>();
    lock.lock();
    try {
      expireDue(clock.millis(), wake);
      Instance instance = find(serviceName, stageName, ref);
      checkOwner(instance, ref);
      Stage stage = stages.get(stageName);
      Service service = stage.services.get(serviceName);
      if (instance.status != status) {
        Instance updated = instance.withStatus(status);
        service.byId.put(updated.id, updated);
        service.byAddress.put(updated.address, updated);
        List<Instance> instances = new ArrayList<>(service.view.instances());
        instances.set(instances.indexOf(instance), updated);
        journal.saved(updated);
        publish(stage, service, instances, wake);
        instance = updated;
      }
      return new Changed(instance, service.view.index());
    } finally {
      lock.unlock();
      wakeAll(wake);
    }
  }

  /**
   * Removes every instance whose lease has ended, recomputes the next expiry, and drops empty
   * services that nobody watches. The expiry timer, the cleanup timer and tests all run this.
   */
  void sweep() {
    List<Watch> wake = new ArrayList<>();
    lock.lock();
    try {
      expireDue(clock.millis(), wake);
      // Re-arm the expiry timer even when nothing was due: a read may have expired the lease
      // this timer was set for (and told the owner the next end while that timer was pending,
      // which the owner ignores), so without this the next end waits for the cleanup interval.
      expiryScheduler.accept(nextExpiry);
      long floor = prunedFloor;
      for (Stage stage : stages.values()) {
        for (var it = stage.services.entrySet().iterator(); it.hasNext(); ) {
          Service service = it.next().getValue();
          if (service.view.isEmpty() && service.watches.isEmpty()) {
            floor = Math.max(floor, service.view.index());
            it.remove();
          }
        }
      }
      prunedFloor = floor;
    } finally {
      lock.unlock();
      wakeAll(wake);
    }
  }

  /** Tells every parked watch and refuses new ones; idempotent. */
  void close() {
    List<Watch> wake = new ArrayList<>();
    lock.lock();
    try {
      closed = true;
      wake.addAll(revisionWatches);
      revisionWatches.clear();
      for (Stage stage : stages.values()) {
        wake.addAll(stage.watches);
        stage.watches.clear();
        for (Service service : stage.services.values()) {
          wake.addAll(service.watches);
          service.watches.clear();
        }
      }
    } finally {
      lock.unlock();
      wakeAll(wake);
    }
  }

  // ---------------------------------------------------------------- reads

  /** The current view of a service in a stage; empty (and carrying an index) when unknown. */
  ServiceView view(String serviceName, String stageName) {
    expireIfDue();
    Stage stage = stages.get(stageName);
    Service service = stage == null ? null : stage.services.get(serviceName);
    return service != null ? service.view : new ServiceView(serviceName, stageName, prunedFloor, List.of());
  }

  /** Every non-empty service of a stage; rebuilt only when the stage changed. */
  CatalogView catalog(String stageName) {
    expireIfDue();
    Stage stage = stages.get(stageName);
    if (stage == null) {
      return new CatalogView(stageName, 0, Map.of());
    }
    CatalogView cached = stage.catalog;
    if (cached != null && cached.index() == stage.index) {
      return cached;
    }
    lock.lock();
    try {
      Map<String, ServiceView> services = new TreeMap<>();
      for (var e : stage.services.entrySet()) {
        if (!e.getValue().view.isEmpty()) {
          services.put(e.getKey(), e.getValue().view);
        }
      }
      CatalogView built = new CatalogView(stageName, stage.index, java.util.Collections.unmodifiableMap(services));
      stage.catalog = built;
      return built;
    } finally {
      lock.unlock();
    }
  }

  /** Per service name, across stages: instances held and live ones. Sorted by name. */
  Map<String, ServiceCounts> services() {
    expireIfDue();
    long now = clock.millis();
    Map<String, int[]> counts = new TreeMap<>();
    for (Stage stage : stages.values()) {
      for (var e : stage.services.entrySet()) {
        List<Instance> instances = e.getValue().view.instances();
        if (instances.isEmpty()) {
          continue;
        }
        int[] c = counts.computeIfAbsent(e.getKey(), k -> new int[2]);
        for (Instance i : instances) {
          c[0]++;
          if (i.lease.end() > now) {
            c[1]++;
          }
        }
      }
    }
    Map<String, ServiceCounts> result = new TreeMap<>();
    counts.forEach((name, c) -> result.put(name, new ServiceCounts(c[0], c[1])));
    return result;
  }

  /** Every stage with a live instance, sorted by name. */
  List<StageSummary> stages() {
    expireIfDue();
    List<StageSummary> summaries = new ArrayList<>();
    for (Stage stage : new TreeMap<>(stages).values()) {
      int services = 0;
      int instances = 0;
      for (Service service : stage.services.values()) {
        int live = service.view.instances().size();
        services += live > 0 ? 1 : 0;
        instances += live;
      }
      if (services > 0) {
        summaries.add(new StageSummary(stage.name, stage.index, services, instances));
      }
    }
    return summaries;
  }

  /** The views of one service in each stage where it has a live instance, by stage. */
  List<ServiceView> viewsOf(String serviceName) {
    expireIfDue();
    List<ServiceView> views = new ArrayList<>();
    for (Stage stage : new TreeMap<>(stages).values()) {
      Service service = stage.services.get(serviceName);
      if (service != null && !service.view.isEmpty()) {
        views.add(service.view);
      }
    }
    return views;
  }

  /** Every view held, empty ones included, in no order: for the metrics' gauges and tests' invariant checks. */
  List<ServiceView> allViews() {
    List<ServiceView> views = new ArrayList<>();
    for (Stage stage : stages.values()) {
      for (Service service : stage.services.values()) {
        views.add(service.view);
      }
    }
    return views;
  }

  /** The last revision handed out: the highest index of any view. */
  long revision() {
    return revision;
  }

  // ---------------------------------------------------------------- watches

  /**
   * Parks {@code watch} until the view of the service differs from {@code index}. Returns false,
   * parking nothing, when it already differs or the registry is closed: answer at once.
   */
  boolean watchService(String serviceName, String stageName, long index, Watch watch) {
    expireIfDue();
    lock.lock();
    try {
      if (closed) {
        return false;
      }
      Stage stage = stages.computeIfAbsent(stageName, Stage::new);
      Service service = stage.services.computeIfAbsent(serviceName, n -> new Service(n, stageName, prunedFloor));
      if (service.view.index() != index) {
        return false;
      }
      service.watches.add(watch);
      return true;
    } finally {
      lock.unlock();
    }
  }

  /** Parks {@code watch} until the catalog of the stage differs from {@code index}. */
  boolean watchCatalog(String stageName, long index, Watch watch) {
    expireIfDue();
    lock.lock();
    try {
      if (closed) {
        return false;
      }
      Stage stage = stages.computeIfAbsent(stageName, Stage::new);
      if (stage.index != index) {
        return false;
      }
      stage.watches.add(watch);
      return true;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Parks {@code watch} until any view of any stage changes: until the registry's revision
   * differs from {@code index}. Returns false, parking nothing, when it already differs or the
   * registry is closed.
   */
  boolean watchRevision(long index, Watch watch) {
    expireIfDue();
    lock.lock();
    try {
      if (closed || revision != index) {
        return false;
      }
      revisionWatches.add(watch);
      return true;
    } finally {
      lock.unlock();
    }
  }

  /** Forgets a watch parked by {@link #watchRevision}; idempotent. */
  void unwatchRevision(Watch watch) {
    lock.lock();
    try {
      revisionWatches.remove(watch);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Parks {@code watch} on every named service until one of their views changes past {@code
   * index}. Returns false, parking nothing, when one already has an index above {@code index},
   * when {@code index} is above every index this registry handed out (it restarted: answer the
   * full views at once), or when the registry is closed. The caller forgets the watch with
   * {@link #unwatchServices} once it fired, since it stays parked on the other services.
   */
  boolean watchServices(String stageName, Collection<String> serviceNames, long index, Watch watch) {
    expireIfDue();
    lock.lock();
    try {
      if (closed || index > revision) {
        return false;
      }
      Stage stage = stages.computeIfAbsent(stageName, Stage::new);
      List<Service> services = new ArrayList<>(serviceNames.size());
      for (String name : serviceNames) {
        Service service = stage.services.computeIfAbsent(name, n -> new Service(n, stageName, prunedFloor));
        if (service.view.index() > index) {
          return false;
        }
        services.add(service);
      }
      for (Service service : services) {
        service.watches.add(watch);
      }
      return true;
    } finally {
      lock.unlock();
    }
  }

  /** Forgets a watch parked by {@link #watchServices}; idempotent. */
  void unwatchServices(Watch watch, String stageName, Collection<String> serviceNames) {
    lock.lock();
    try {
      Stage stage = stages.get(stageName);
      if (stage == null) {
        return;
      }
      for (String name : serviceNames) {
        Service service = stage.services.get(name);
        if (service != null) {
          service.watches.remove(watch);
        }
      }
    } finally {
      lock.unlock();
    }
  }

  /** Forgets a parked watch (its wait ended or its client went away). */
  void unwatch(Watch watch, String stageName, @Nullable String serviceName) {
    lock.lock();
    try {
      Stage stage = stages.get(stageName);
      if (stage == null) {
        return;
      }
      if (serviceName == null) {
        stage.watches.remove(watch);
      } else {
        Service service = stage.services.get(serviceName);
        if (service != null) {
          service.watches.remove(watch);
        }
      }
    } finally {
      lock.unlock();
    }
  }

  /** How many watches are parked; for tests and the health answer. */
  int watchCount() {
    lock.lock();
    try {
      int n = revisionWatches.size();
      for (Stage stage : stages.values()) {
        n += stage.watches.size();
        for (Service service : stage.services.values()) {
          n += service.watches.size();
        }
      }
      return n;
    } finally {
      lock.unlock();
    }
  }

  // ---------------------------------------------------------------- internals

  /** Runs expiry now if the clock has passed the earliest lease end; cheap otherwise. */
  void expireIfDue() {
    if (clock.millis() < nextExpiry) {
      return;
    }
    List<Watch> wake = new ArrayList<>();
    lock.lock();
    try {
      expireDue(clock.millis(), wake);
    } finally {
      lock.unlock();
      wakeAll(wake);
    }
  }

  private Instance find(String serviceName, String stageName, InstanceRef ref) {
    Stage stage = stages.get(stageName);
    Service service = stage == null ? null : stage.services.get(serviceName);
    if (service == null || service.view.isEmpty()) {
      throw notRegistered(serviceName, stageName, ref);
    }
    Instance instance = ref.id() != null ? service.byId.get(ref.id()) : service.byAddress.get(ref.address());
    if (instance == null || instance.lease.end() == Lease.REMOVED) {
      throw notRegistered(serviceName, stageName, ref);
    }
    return instance;
  }

  private NotRegisteredException notRegistered(String serviceName, String stageName, InstanceRef ref) {
    Stage stage = stages.get(stageName);
    Service service = stage == null ? null : stage.services.get(serviceName);
    if (service == null || service.view.isEmpty()) {
      return new NotRegisteredException(false, "Service " + serviceName + " not found"
          + (stageName.equals(DEFAULT_STAGE) ? "" : " in stage " + stageName));
    }
    return new NotRegisteredException(true, "Instance with " + ref + " not found in service " + serviceName
        + (stageName.equals(DEFAULT_STAGE) ? "" : " in stage " + stageName));
  }

  /** Under the lock: removes ended instances if the clock has passed the earliest lease end. */
  private void expireDue(long now, List<Watch> wake) {
    if (now < nextExpiry) {
      return;
    }
    long earliest = Long.MAX_VALUE;
    for (Stage stage : stages.values()) {
      for (Service service : stage.services.values()) {
        List<Instance> instances = service.view.instances();
        List<Instance> kept = null;
        for (int i = 0; i < instances.size(); i++) {
          Instance instance = instances.get(i);
          if (instance.lease.expire(now)) {
            if (kept == null) {
              kept = new ArrayList<>(instances.subList(0, i));
            }
            service.byId.remove(instance.id, instance);
            service.byAddress.remove(instance.address, instance);
            journal.removed(instance);
            listener.expired(instance);
          } else {
            earliest = Math.min(earliest, instance.lease.end());
            if (kept != null) {
              kept.add(instance);
            }
          }
        }
        if (kept != null) {
          publish(stage, service, kept, wake);
        }
      }
    }
    nextExpiry = earliest;
    expiryScheduler.accept(earliest);
  }

  private void lowerNextExpiry(long leaseEnd) {
    if (leaseEnd < nextExpiry) {
      nextExpiry = leaseEnd;
      expiryScheduler.accept(leaseEnd);
    }
  }

  /** Under the lock: takes the next revision for a changed view and collects its watches. */
  private void publish(Stage stage, Service service, List<Instance> instances, List<Watch> wake) {
    long index = ++revision;
    ServiceView old = service.view;
    if (old.isEmpty() != instances.isEmpty()) {
      liveServices += instances.isEmpty() ? -1 : 1;
    }
    service.view = new ServiceView(old.service(), old.stage(), index, instances);
    stage.index = index;
    wake.addAll(service.watches);
    service.watches.clear();
    wake.addAll(stage.watches);
    stage.watches.clear();
    wake.addAll(revisionWatches);
    revisionWatches.clear();
  }

  /**
   * Sets who tells the watches of a change; by default each is told on the changing thread. The
   * server hands large wake-ups to its pool in chunks, so that a change seen by thousands of
   * long-polls is answered at once (see {@code RegistryHandler.wake}). Set before use.
   */
  void waker(Consumer<List<Watch>> waker) {
    this.waker = waker;
  }

  private volatile Consumer<List<Watch>> waker = Registry::tellEach;

  /** Sets who is told of each change to save it (the data directory); by default nobody. Set before use. */
  void journal(Journal journal) {
    this.journal = journal;
  }

  private volatile Journal journal = Journal.NONE;

  /** Sets who is told of registrations, renewals, deregistrations and expiries. Set before use. */
  void listener(RegistryListener listener) {
    this.listener = listener;
  }

  private volatile RegistryListener listener = RegistryListener.NONE;

  private static void tellEach(List<Watch> watches) {
    for (Watch watch : watches) {
      watch.changed();
    }
  }

  private void wakeAll(List<Watch> wake) {
    if (!wake.isEmpty()) {
      waker.accept(wake);
    }
  }
}
