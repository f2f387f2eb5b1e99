package dev.registry.client.etcd;

import dev.registry.client.ConfigKey;
import dev.registry.client.RegistryRejectedException;
import dev.registry.client.RegistryUnavailableException;
import dev.registry.client.ServiceInstance;
import dev.registry.client.ServiceView;
import dev.registry.client.Status;
import dev.registry.client.Watch;
import dev.registry.client.spi.BackendContext;
import dev.registry.client.spi.ConfigAnswer;
import dev.registry.client.spi.ConfigQuery;
import dev.registry.client.spi.ConfigWatchListener;
import dev.registry.client.spi.Registered;
import dev.registry.client.spi.RegistryBackend;
import dev.registry.client.spi.StageViews;
import dev.registry.client.spi.WatchListener;
import dev.registry.client.spi.WatchRequest;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * The registry on an etcd cluster (docs/etcd.md): a registration is a key holding the instance's
 * JSON, attached to an etcd lease of the registration's TTL (the lease id is the registration's
 * handle); a renewal is a lease keep-alive; a status change rewrites the value under the same
 * lease, only while the key is still the lease's; a deregistration deletes the key and revokes
 * the lease; reads are linearizable range reads of a prefix; the watch is an etcd watch
 * ({@link EtcdWatch}). A service's configuration is entries under a prefix of its own, read,
 * watched ({@link EtcdConfigWatch}) and declared there ({@link EtcdConfigs}).
 *
 * <p>Every call goes through {@link Gateway} to the current member and moves to the next one
 * when it fails, so that the core's next attempt, keep-alives included, goes elsewhere. The
 * stage view's epoch is the etcd cluster's id. Thread-safe.
 */
final class EtcdBackend implements RegistryBackend {
  private final BackendContext context;
  private final Gateway gateway;
  private final Keyspace keyspace;
  private final EtcdConfigs configs;
  private @Nullable Streams streams;

  EtcdBackend(BackendContext context, Gateway gateway, Keyspace keyspace) {
    this.context = context;
    this.gateway = gateway;
    this.keyspace = keyspace;
    this.configs = new EtcdConfigs(gateway, keyspace);
  }

  @Override
  public Registered register(ServiceInstance instance, @Nullable String handle, Duration timeout) {
    String stage = stageOf(instance);
    String key = keyspace.instance(stage, instance.service(), instance.id());
    String value = Instances.value(instance, stage);
    long lease = handle == null ? 0 : leaseOf(handle);
    if (lease != 0 && gateway.keepAlive(lease, timeout).isEmpty()) {
      lease = 0; // expired: a new one
    }
    if (lease == 0) {
      lease = gateway.grant(context.leaseTtl(), timeout);
    }
    try {
      gateway.put(key, value, lease, timeout);
    } catch (RegistryRejectedException e) {
      if (!e.errorCode().equals("not_found")) {
        throw e;
      }
      // The lease ended between the keep-alive and the put: the core's next attempt starts anew.
      throw new RegistryUnavailableException("etcd lease of " + key + " ended while registering", 0, e);
    }
    return new Registered(instance, Long.toString(lease));
  }

  @Override
  public boolean renew(Registered registration, Duration timeout) {
    String handle = registration.handle();
    if (handle == null) {
      return false;
    }
    OptionalLong ttl = gateway.keepAlive(leaseOf(handle), timeout);
    return ttl.isPresent();
  }

  @Override
  public boolean renew(Registered registration, long configIndex, Duration timeout) {
    String handle = registration.handle();
    return renew(registration, timeout)
        && configs.reportApplied(registration.instance(), leaseOf(Objects.requireNonNull(handle)), configIndex, timeout);
  }

  @Override
  public boolean status(Registered registration, Status status, Duration timeout) {
    String handle = registration.handle();
    if (handle == null) {
      return false;
    }
    ServiceInstance changed = registration.instance().toBuilder().status(status).build();
    String stage = stageOf(changed);
    return gateway.putIfLease(keyspace.instance(stage, changed.service(), changed.id()),
        Instances.value(changed, stage), leaseOf(handle), timeout);
  }

  @Override
  public boolean deregister(Registered registration, Duration timeout) {
    ServiceInstance i = registration.instance();
    String key = keyspace.instance(stageOf(i), i.service(), i.id());
    String handle = registration.handle();
    configs.forget(i);
    if (handle != null) {
      long lease = leaseOf(handle);
      boolean deleted = gateway.deleteIfLease(key, lease, timeout);
      gateway.revoke(lease, timeout);
      return deleted;
    }
    // Another client's instance: remove it and end its lease, so that its owner, if it still
    // runs, registers again (as a reference server's heartbeat answered 404 would make it).
    Optional<KeyValue> held = gateway.get(key, timeout);
    if (held.isEmpty()) {
      return false;
    }
    boolean deleted = gateway.delete(key, timeout);
    if (held.get().lease() != 0) {
      gateway.revoke(held.get().lease(), timeout);
    }
    return deleted;
  }

  @Override
  public StageViews discover(String service, String stage, Duration timeout) {
    Range range = gateway.range(keyspace.service(stage, service), timeout);
    return new StageViews(stage, range.revision(), range.clusterId(), true,
        Map.of(service, Instances.view(service, stage, range.kvs(), context.maxInstancesPerView())));
  }

  @Override
  public Optional<StageViews> catalog(String stage, Duration timeout) {
    Range range = gateway.range(keyspace.stage(stage), timeout);
    return Optional.of(new StageViews(stage, range.revision(), range.clusterId(), true,
        views(stage, range.kvs(), null)));
  }

  /** One keys-only read of the whole keyspace: the failure path of a lookup, never a pick. */
  @Override
  public List<String> stagesOf(String service, Duration timeout) {
    SortedSet<String> stages = new TreeSet<>();
    for (KeyValue kv : gateway.keys(keyspace.all(), timeout).kvs()) {
      keyspace.stageOf(service, kv.key()).ifPresent(stages::add);
    }
    return List.copyOf(stages);
  }

  @Override
  public Watch watch(WatchRequest request, WatchListener listener) {
    return EtcdWatch.start(this, request, listener);
  }

  @Override
  public ConfigAnswer config(ConfigQuery query, Duration timeout) {
    return configs.read(query, timeout);
  }

  @Override
  public Watch watchConfig(ConfigQuery query, long since, @Nullable String epoch, ConfigWatchListener listener) {
    return EtcdConfigWatch.start(this, query, listener);
  }

  @Override
  public long declareConfig(String service, List<ConfigKey> keys, Duration timeout) {
    return configs.declare(service, keys, timeout);
  }

  // ---- what the watches use

  Gateway gateway() {
    return gateway;
  }

  Keyspace keyspace() {
    return keyspace;
  }

  BackendContext context() {
    return context;
  }

  synchronized Streams streams() {
    if (streams == null) {
      streams = new Streams(context.trustedCertificates(), context.requestTimeout(), context.maxAnswerBytes());
    }
    return streams;
  }

  /**
   * The views of a stage's keys, by service: of the services in {@code only} (each of them, with
   * no instance when it has no key), or of every service that has a key when null.
   */
  Map<String, ServiceView> views(String stage, List<KeyValue> kvs, @Nullable Iterable<String> only) {
    Map<String, List<KeyValue>> byService = new TreeMap<>();
    if (only != null) {
      only.forEach(s -> byService.put(s, new ArrayList<>()));
    }
    for (KeyValue kv : kvs) {
      Optional<String> service = keyspace.serviceOf(stage, kv.key());
      if (service.isPresent() && (only == null || byService.containsKey(service.get()))) {
        byService.computeIfAbsent(service.get(), s -> new ArrayList<>()).add(kv);
      }
    }
    Map<String, ServiceView> views = new LinkedHashMap<>();
    byService.forEach((service, keys) -> views.put(service, Instances.view(service, stage, keys, context.maxInstancesPerView())));
    return views;
  }

  private static long leaseOf(String handle) {
    try {
      return Long.parseLong(handle);
    } catch (NumberFormatException e) {
      return 0; // not one of ours: a new lease
    }
  }

  /** The core sets the stage of every instance it hands a backend (and a {@code Registered} has one). */
  private static String stageOf(ServiceInstance instance) {
    return Objects.requireNonNull(instance.stage(), "stage");
  }

  @Override
  public synchronized void close() {
    if (streams != null) {
      streams.close();
    }
  }

  @Override
  public String toString() {
    List<URI> members = gateway.members().all();
    return "EtcdBackend" + members + keyspace;
  }
}
