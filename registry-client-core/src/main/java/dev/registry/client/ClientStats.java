package dev.registry.client;

/**
 * A snapshot of a client's counters, from {@link RegistryClient#stats()}. Every count starts
 * at 0 when the client is built and only goes up.
 *
 * @param lookups calls to {@code choose}, {@code instances} and {@code view}
 * @param cacheHits lookups answered from the cache without a call to the registry
 * @param refreshes views fetched or confirmed by the registry (first fetches, long-poll
 *     answers, periodic and inline refreshes)
 * @param registryFailures requests to the registry that failed (every attempt counts)
 * @param reRegistrations registrations sent again because the registry had forgotten an
 *     instance (a heartbeat or status update answered 404)
 * @param heartbeatsSent heartbeats the registry accepted
 * @param heartbeatsFailed heartbeats that failed after their retries
 */
public record ClientStats(
    long lookups,
    long cacheHits,
    long refreshes,
    long registryFailures,
    long reRegistrations,
    long heartbeatsSent,
    long heartbeatsFailed) {}
