package dev.registry.client;

import java.time.Clock;
import java.util.EnumSet;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What every service's picks and reports need from the client's settings: its zone, the
 * ejection policy, the clock, and the generation of the calls-in-flight counts
 * ({@link Load}). One per client, handed to each {@link ViewHolder}.
 *
 * <p>The generation is the coarse clock of call counting: the clock's millis divided by the
 * refresh interval, advanced by the periodic work (a background client's every refresh interval,
 * an inline client's {@code runDueWork}), so that starting and ending a call read no clock.
 */
final class Routing {
  /** The share of a zone's instances that, healthy, carry all of its callers: Envoy's 1.4. */
  static final int OVERPROVISIONING_PERCENT = 140;

  final @Nullable String zone;
  final int ejectAfter;
  final long ejectionMillis;
  final Set<Outcome> ejectOn;
  final Clock clock;
  private final long generationMillis;
  private volatile int generation;

  Routing(Settings settings) {
    this.zone = settings.zone();
    this.ejectAfter = settings.ejectAfter();
    this.ejectionMillis = settings.ejectionTime().toMillis();
    this.ejectOn = EnumSet.copyOf(settings.ejectOn());
    this.clock = settings.clock();
    this.generationMillis = Math.max(1, settings.refreshInterval().toMillis());
    advance(clock.millis());
  }

  /** The current generation of call counts. */
  int generation() {
    return generation;
  }

  /** Moves the generation on to the clock's {@code nowMillis}; never back. */
  void advance(long nowMillis) {
    int next = (int) (nowMillis / generationMillis);
    if (next - generation > 0) {
      generation = next;
    }
  }
}
