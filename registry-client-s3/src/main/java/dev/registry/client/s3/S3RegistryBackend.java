package dev.registry.client.s3;

import dev.registry.client.RegistryUnavailableException;
import dev.registry.client.ServiceInstance;
import dev.registry.client.ServiceView;
import dev.registry.client.Status;
import dev.registry.client.spi.Registered;
import dev.registry.client.spi.RegistryBackend;
import dev.registry.client.spi.StageViews;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The registry in an S3 bucket (docs/s3.md): one object per registration, whose key carries the
 * instance and whose {@code LastModified} starts its lease. Writes go only to the writer's own
 * keys, so no conditional request is needed and concurrent writers cannot lose each other's
 * writes. Not watchable: the core polls {@link #catalog} every refresh interval. Thread-safe.
 */
final class S3RegistryBackend implements RegistryBackend {
  /** How long past its lease's end a key is left before a reader that meets it deletes it. */
  static final Duration REMOVE_AFTER = Duration.ofHours(1);
  /**
   * {@code LastModified} has whole seconds (S3 cuts the time of the write): a lease is read as
   * ending this much later, so that it never ends before the writer's TTL has passed.
   */
  static final Duration LAST_MODIFIED_PRECISION = Duration.ofSeconds(1);
  /** How many long-expired keys one read deletes at most: reads stay about one request. */
  static final int REMOVALS_PER_READ = 5;

  private final Bucket bucket;
  private final long ttlSeconds;
  private final Clock clock;
  /** Instances read from the bodies of keys too long to carry them, by key and ETag. */
  private final Map<String, Bodied> bodies = new ConcurrentHashMap<>();

  private record Bodied(String etag, ServiceInstance instance) {}

  S3RegistryBackend(Bucket bucket, Duration leaseTtl, Clock clock) {
    this.bucket = bucket;
    this.ttlSeconds = leaseTtl.toSeconds();
    this.clock = clock;
  }

  @Override
  public Registered register(ServiceInstance instance, @Nullable String handle, Duration timeout) {
    write(instance, timeout);
    return new Registered(instance, null);
  }

  /** Writes the instance's key again: its {@code LastModified}, so its lease, starts now. */
  @Override
  public boolean renew(Registered registration, Duration timeout) {
    write(registration.instance(), timeout);
    return true;
  }

  /** Writes the key of the new status, then removes the old one. */
  @Override
  public boolean status(Registered registration, Status status, Duration timeout) {
    ServiceInstance old = registration.instance();
    ServiceInstance updated = old.withStatus(status);
    long deadline = System.nanoTime() + timeout.toNanos();
    write(updated, timeout);
    String oldKey = InstanceKey.of(prefix(), old, ttlSeconds);
    if (!oldKey.equals(InstanceKey.of(prefix(), updated, ttlSeconds))) {
      // If this fails, readers still prefer the newer key, and the old one's lease runs out.
      bucket.delete(oldKey, remaining(deadline, timeout));
    }
    return true;
  }

  /** Removes every key of the instance's id (a key left by a failed status change too). */
  @Override
  public boolean deregister(Registered registration, Duration timeout) {
    ServiceInstance instance = registration.instance();
    long deadline = System.nanoTime() + timeout.toNanos();
    List<Listing.S3Object> keys = bucket.list(InstanceKey.instancePrefix(prefix(), stageOf(instance),
        instance.service(), instance.id()), timeout);
    for (Listing.S3Object key : keys) {
      bucket.delete(key.key(), remaining(deadline, timeout));
    }
    return !keys.isEmpty();
  }

  @Override
  public StageViews discover(String service, String stage, Duration timeout) {
    return read(stage, InstanceKey.servicePrefix(prefix(), stage, service), timeout);
  }

  @Override
  public Optional<StageViews> catalog(String stage, Duration timeout) {
    return Optional.of(read(stage, InstanceKey.stagePrefix(prefix(), stage), timeout));
  }

  /**
   * One listing of the whole prefix, every stage: only for the message of a lookup that found
   * no instance in its stage, never for a pick.
   */
  @Override
  public List<String> stagesOf(String service, Duration timeout) {
    SortedSet<String> stages = new TreeSet<>();
    Instant now = clock.instant();
    for (Listing.S3Object object : bucket.list(prefix(), timeout)) {
      String[] parts = object.key().substring(prefix().length()).split("/", -1);
      if (parts.length != 4 || !parts[1].equals(service)) {
        continue;
      }
      // Loops, not lambdas, as in read(): an inline client's first lookup may come here.
      Optional<InstanceKey> key = InstanceKey.parse(InstanceKey.stagePrefix(prefix(), parts[0]), object.key());
      if (key.isPresent() && leaseEnd(key.get(), object).isAfter(now)) {
        stages.add(parts[0]);
      }
    }
    return List.copyOf(stages);
  }

  private static Instant leaseEnd(InstanceKey key, Listing.S3Object object) {
    return object.lastModified().plusSeconds(key.ttlSeconds()).plus(LAST_MODIFIED_PRECISION);
  }

  /**
   * One listing of {@code keyPrefix}: the live instances of every service under it, one per id
   * (the newest key), sorted by id; long-expired keys met on the way are deleted (a few).
   */
  private StageViews read(String stage, String keyPrefix, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<Listing.S3Object> objects = bucket.list(keyPrefix, timeout);
    Instant now = clock.instant();
    String stagePrefix = InstanceKey.stagePrefix(prefix(), stage);
    // Services by name, and in each the live key of every id, sorted by id: an unchanged
    // registry reads as an equal view. Loops, not lambdas: this is a Lambda cold start's path.
    Map<String, Map<String, Current>> services = new TreeMap<>();
    List<String> expired = new ArrayList<>();
    for (Listing.S3Object object : objects) {
      Optional<InstanceKey> parsed = InstanceKey.parse(stagePrefix, object.key());
      if (parsed.isEmpty()) {
        continue;
      }
      InstanceKey key = parsed.get();
      Instant leaseEnd = leaseEnd(key, object);
      if (!leaseEnd.isAfter(now)) {
        if (leaseEnd.plus(REMOVE_AFTER).isBefore(now)) {
          expired.add(object.key());
        }
        continue;
      }
      Map<String, Current> ids = services.get(key.service());
      if (ids == null) {
        ids = new TreeMap<>();
        services.put(key.service(), ids);
      }
      Current candidate = new Current(key, object);
      Current known = ids.get(key.id());
      ids.put(key.id(), known == null ? candidate : Current.newer(known, candidate));
    }
    Map<String, ServiceView> views = new HashMap<>();
    for (Map.Entry<String, Map<String, Current>> service : services.entrySet()) {
      List<ServiceInstance> instances = new ArrayList<>();
      for (Current current : service.getValue().values()) {
        instances.add(instance(current, stage, deadline, timeout));
      }
      views.put(service.getKey(), new ServiceView(service.getKey(), stage, 0, instances, false));
    }
    removeExpired(expired, deadline, timeout);
    return new StageViews(stage, 0, null, true, views);
  }

  /** The live key of one id, and its object. */
  private record Current(InstanceKey key, Listing.S3Object object) {
    /** The newer of two keys of one id; on a tie, the one that is not UP (on its way out). */
    static Current newer(Current a, Current b) {
      int byTime = a.object.lastModified().compareTo(b.object.lastModified());
      if (byTime != 0) {
        return byTime > 0 ? a : b;
      }
      return a.key.status() != Status.UP ? a : b;
    }
  }

  private ServiceInstance instance(Current current, String stage, long deadline, Duration timeout) {
    InstanceKey key = current.key;
    if (!key.inBody()) {
      return key.instance(stage);
    }
    String name = current.object.key();
    Bodied known = bodies.get(name);
    if (known != null && known.etag.equals(current.object.etag())) {
      return known.instance;
    }
    String body = bucket.get(name, remaining(deadline, timeout));
    try {
      if (body == null) {
        throw new IOException("it was removed while being read");
      }
      ServiceInstance instance = key.instanceFromBody(body, stage);
      bodies.put(name, new Bodied(current.object.etag(), instance));
      return instance;
    } catch (IOException e) {
      throw new RegistryUnavailableException("the instance " + key.service() + "/" + key.id()
          + " of " + bucket.location() + " could not be read from " + name + ": " + e.getMessage(), 0, e);
    }
  }

  private void removeExpired(List<String> expired, long deadline, Duration timeout) {
    for (int i = 0; i < Math.min(REMOVALS_PER_READ, expired.size()); i++) {
      try {
        bucket.delete(expired.get(i), remaining(deadline, timeout));
      } catch (RuntimeException e) {
        return; // the next reader tries again; the read itself succeeded
      }
    }
  }

  private void write(ServiceInstance instance, Duration timeout) {
    bucket.put(InstanceKey.of(prefix(), instance, ttlSeconds), InstanceKey.body(instance, ttlSeconds), timeout);
  }

  private String prefix() {
    return bucket.location().prefix();
  }

  private static String stageOf(ServiceInstance instance) {
    String stage = instance.stage();
    if (stage == null) {
      throw new IllegalStateException("stage not resolved: " + instance);
    }
    return stage;
  }

  /** What remains of a call's timeout, at least a millisecond (the transport refuses zero). */
  private static Duration remaining(long deadlineNanos, Duration timeout) {
    long left = deadlineNanos - System.nanoTime();
    return left <= 1_000_000 ? Duration.ofMillis(1) : Duration.ofNanos(Math.min(left, timeout.toNanos()));
  }

  @Override
  public String toString() {
    return "S3RegistryBackend[" + bucket.location() + "]";
  }
}
