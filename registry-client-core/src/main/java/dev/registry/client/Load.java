package dev.registry.client;

import static java.util.Objects.requireNonNull;

import java.util.concurrent.atomic.AtomicLongFieldUpdater;

/**
 * The calls in flight to one instance of one service, and the {@link Call} handle of all of
 * them. Counted in two generations ({@link Routing#generation()}): calls started in the current
 * one and in the one before. When the generation moves on, the older count is dropped, so that
 * a call whose end was lost stops counting after one to two generations.
 *
 * <p>An end takes from the older count first: while it holds calls that will end, that is
 * exact; while it holds lost ones, an end takes one of them and its own call is dropped a
 * generation later instead. Both counts live in one {@code long} (generation, current,
 * previous), changed by compare-and-set: no lock, no allocation.
 */
final class Load implements Call {
  private static final AtomicLongFieldUpdater<Load> STATE =
      AtomicLongFieldUpdater.newUpdater(Load.class, "state");
  private static final int MAX = 0xFFFF;

  private final ViewHolder holder;
  private final Routing routing;
  /** The instance as the service's current view holds it. */
  volatile ServiceInstance instance;
  /** Generation (high 32 bits), calls started in it (16), calls started in the one before (16). */
  private volatile long state;

  Load(ViewHolder holder, Routing routing, ServiceInstance instance) {
    this.holder = holder;
    this.routing = routing;
    this.instance = instance;
  }

  /** Counts a call started now. @return this, the call's handle */
  Load started() {
    int generation = routing.generation();
    long s;
    long next;
    do {
      s = state;
      long rotated = rotate(s, generation);
      int current = current(rotated);
      next = current == MAX ? rotated : pack(generation, current + 1, previous(rotated));
    } while (!STATE.compareAndSet(this, s, next));
    return this;
  }

  @Override
  public ServiceInstance instance() {
    return instance;
  }

  @Override
  public void end(Outcome outcome) {
    requireNonNull(outcome, "outcome");
    int generation = routing.generation();
    long s;
    long next;
    do {
      s = state;
      long rotated = rotate(s, generation);
      int current = current(rotated);
      int previous = previous(rotated);
      if (previous > 0) {
        previous--;
      } else if (current > 0) {
        current--;
      }
      next = pack(generation, current, previous);
    } while (!STATE.compareAndSet(this, s, next));
    holder.report(instance, outcome);
  }

  /** The calls in flight now, as counted. No allocation. */
  int outstanding() {
    long rotated = rotate(state, routing.generation());
    return current(rotated) + previous(rotated);
  }

  /** The state as of {@code generation}: one generation on, the current count becomes the older. */
  private static long rotate(long s, int generation) {
    int was = (int) (s >>> 32);
    if (was == generation) {
      return s;
    }
    return was == generation - 1 ? pack(generation, 0, current(s)) : pack(generation, 0, 0);
  }

  private static long pack(int generation, int current, int previous) {
    return ((long) generation << 32) | ((long) current << 16) | previous;
  }

  private static int current(long s) {
    return (int) (s >>> 16) & MAX;
  }

  private static int previous(long s) {
    return (int) s & MAX;
  }

  @Override
  public String toString() {
    return "Call{" + instance.service() + " " + instance.id() + ", in flight " + outstanding() + "}";
  }
}
