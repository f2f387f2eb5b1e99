package dev.registry.client;

import java.util.concurrent.atomic.LongAdder;

/** The client's counters; {@link LongAdder}s so that the hot path never contends. */
final class Counters {
  final LongAdder lookups = new LongAdder();
  final LongAdder cacheHits = new LongAdder();
  final LongAdder refreshes = new LongAdder();
  final LongAdder registryFailures = new LongAdder();
  final LongAdder reRegistrations = new LongAdder();
  final LongAdder heartbeatsSent = new LongAdder();
  final LongAdder heartbeatsFailed = new LongAdder();

  ClientStats snapshot() {
    return new ClientStats(lookups.sum(), cacheHits.sum(), refreshes.sum(),
        registryFailures.sum(), reRegistrations.sum(), heartbeatsSent.sum(),
        heartbeatsFailed.sum());
  }
}
