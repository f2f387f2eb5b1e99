package dev.registry.server;

import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * One registered instance. Immutable but for its {@link Lease} and the configuration index it
 * has applied, which a replacement (a re-registration that changes the address, status or
 * metadata) shares with its predecessor.
 */
final class Instance {
  final String service;
  final String stage;
  final String id;
  final String address;
  final InstanceStatus status;
  final Map<String, String> metadata;
  final long ttlMillis;
  final long registeredAtMillis;
  final Lease lease;
  /** What heartbeats, status changes and deregistrations present to show they own it. */
  final String secret;
  /** The check the registry runs against it (with {@code --health-checks}); null for none. */
  final @Nullable HealthCheck check;
  /**
   * The configuration index the instance last reported it has applied (with its heartbeat), -1
   * for none. Not part of its view: a report is no change, like a renewal, and is not saved.
   */
  final AtomicLong appliedConfig;

  Instance(
      String service,
      String stage,
      String id,
      String address,
      InstanceStatus status,
      Map<String, String> metadata,
      long ttlMillis,
      long registeredAtMillis,
      Lease lease,
      String secret,
      @Nullable HealthCheck check) {
    this(service, stage, id, address, status, metadata, ttlMillis, registeredAtMillis, lease, secret, check,
        new AtomicLong(-1));
  }

  private Instance(String service, String stage, String id, String address, InstanceStatus status,
      Map<String, String> metadata, long ttlMillis, long registeredAtMillis, Lease lease, String secret,
      @Nullable HealthCheck check, AtomicLong appliedConfig) {
    this.appliedConfig = appliedConfig;
    this.service = service;
    this.stage = stage;
    this.id = id;
    this.address = address;
    this.status = status;
    this.metadata = Map.copyOf(metadata);
    this.ttlMillis = ttlMillis;
    this.registeredAtMillis = registeredAtMillis;
    this.lease = lease;
    this.secret = secret;
    this.check = check;
  }

  Instance with(String newAddress, InstanceStatus newStatus, Map<String, String> newMetadata, long newTtlMillis,
      @Nullable HealthCheck newCheck) {
    return new Instance(
        service, stage, id, newAddress, newStatus, newMetadata, newTtlMillis, registeredAtMillis, lease, secret,
        newCheck, appliedConfig);
  }

  Instance withStatus(InstanceStatus newStatus) {
    return with(address, newStatus, metadata, ttlMillis, check);
  }

  /** Whether the two show the same in a view (a lease renewal alone is not a change). */
  boolean sameViewAs(Instance other) {
    return address.equals(other.address)
        && status == other.status
        && metadata.equals(other.metadata)
        && ttlMillis == other.ttlMillis
        && java.util.Objects.equals(check, other.check);
  }

  /** The lease length in whole seconds, as the wire shows it; 0 for one held until removed. */
  long ttlSeconds() {
    return ttlMillis == Lease.UNTIL_REMOVED ? 0 : Math.max(1, (ttlMillis + 999) / 1000);
  }

  @Override
  public String toString() {
    return service + "/" + stage + "/" + id + "@" + address + " " + status;
  }
}
