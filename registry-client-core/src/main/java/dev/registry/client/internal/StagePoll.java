package dev.registry.client.internal;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * One long-poll for many services of a stage ({@code GET /catalog?stage=&services=&index=}):
 * the services whose holders joined it, the index of its last answer, and the call in flight.
 * Holders join once (when first watched) and leave when they close (idle eviction); the next
 * poll names the holders present when it starts. A poll names at most {@link #MAX_NAMES}
 * services and {@link #MAX_NAME_CHARS} characters of names, so that the request fits the
 * registry's 8 KiB request head; a stage with more services holds more polls.
 *
 * <p>Threading: the fields are guarded by {@code this}; the loop itself runs in {@link
 * RealRegistryClient}.
 */
final class StagePoll {
  static final int MAX_NAMES = 1000;
  static final int MAX_NAME_CHARS = 6000;

  final String stage;
  /** Set when a restart of the poll is queued on the scheduler, so a burst of joins makes one. */
  final AtomicBoolean restartQueued = new AtomicBoolean();
  private final Set<ServiceHolder> holders = new LinkedHashSet<>();
  private int nameChars;
  /** Names the last answered poll asked about; a holder not among them joined since. */
  private Set<String> asked = Set.of();
  /** The index of the last answer; 0 asks for every view in full. */
  private long index;
  /** The registry's epoch in the last answer; a change means its indexes restarted. */
  private @Nullable String epoch;
  /** Bumped by every poll started; an answer of an older one is dropped. */
  private long generation;
  /** Whether a poll is in flight or its next step is scheduled. */
  private boolean running;
  /** Whether the next step waits on the scheduler (backoff): joins do not restart then. */
  private boolean waiting;
  /** The HTTP call in flight. */
  private @Nullable Future<?> inFlight;
  /** The scheduled next step, while {@code waiting}. */
  private @Nullable Future<?> step;
  /** Consecutive failures of this poll; guarded by {@code this}. */
  private int failures;

  StagePoll(String stage) {
    this.stage = stage;
  }

  /** Whether {@code service} fits in this poll's request. */
  synchronized boolean fits(String service) {
    prune();
    return holders.size() < MAX_NAMES && nameChars + service.length() + 1 <= MAX_NAME_CHARS;
  }

  synchronized void join(ServiceHolder holder) {
    if (holders.add(holder)) {
      nameChars += holder.service.length() + 1;
    }
  }

  private void prune() {
    holders.removeIf(h -> {
      if (h.closed) {
        nameChars -= h.service.length() + 1;
        return true;
      }
      return false;
    });
  }

  /** What one poll asks: its generation, the holders it names and the index it asks past. */
  record Request(long generation, List<ServiceHolder> holders, Set<String> names, long index) {}

  /**
   * Starts the next poll: cancels the one in flight, if any, and returns what the new one asks,
   * or null when no holder is left (the poll stops until one joins). The index is the last
   * answer's, lowered to the index of the view held for each service that joined since, so
   * that the delta holds whatever changed in it after the view its first lookup fetched.
   */
  synchronized @Nullable Request next() {
    cancel();
    waiting = false;
    step = null;
    prune();
    if (holders.isEmpty()) {
      running = false;
      return null;
    }
    running = true;
    List<ServiceHolder> named = new ArrayList<>(holders);
    Set<String> names = new LinkedHashSet<>();
    long since = index;
    for (ServiceHolder holder : named) {
      names.add(holder.service);
      if (!asked.contains(holder.service)) {
        ServiceHolder.Snapshot s = holder.snapshot();
        since = Math.min(since, s == null ? 0 : s.view().index());
      }
    }
    return new Request(++generation, named, names, since);
  }

  /** Records the call of poll {@code generation}; false (cancel it) when it is already stale. */
  synchronized boolean started(long generation, Future<?> call) {
    if (generation != this.generation || !running) {
      return false;
    }
    inFlight = call;
    return true;
  }

  /**
   * Takes the answer of poll {@code request}: its index (0 when the registry's epoch changed
   * under a delta), and that its names were asked.
   * Returns false when the poll was superseded (its answer is dropped).
   */
  synchronized boolean answered(Request request, long answerIndex, boolean delta, @Nullable String answerEpoch) {
    if (request.generation() != generation) {
      return false;
    }
    // A delta from another run of the registry than the last answer's may miss changes below
    // our index (its indexes started again): the next poll asks in full.
    boolean restarted = delta && epoch != null && answerEpoch != null && !epoch.equals(answerEpoch);
    epoch = answerEpoch;
    index = restarted ? 0 : answerIndex;
    asked = new HashSet<>(request.names());
    failures = 0;
    inFlight = null;
    return true;
  }

  /** A failed poll: the next one asks in full. Returns false when it was superseded. */
  synchronized boolean failed(Request request) {
    if (request.generation() != generation) {
      return false;
    }
    failures++;
    index = 0;
    inFlight = null;
    return true;
  }

  /** Whether poll {@code request} is still the current one. */
  synchronized boolean current(Request request) {
    return request.generation() == generation;
  }

  synchronized int failures() {
    return failures;
  }

  /** The next step waits on the scheduler (a backoff, or the throttle of a fast answer). */
  synchronized void waiting(Future<?> step) {
    waiting = true;
    this.step = step;
  }

  /**
   * Whether a holder that just joined should restart the poll now: yes when a poll is in flight
   * (it does not name the newcomer) or none runs; no while the next step waits on the
   * scheduler, which will name it anyway.
   */
  synchronized boolean restartWanted() {
    return !waiting;
  }

  /** Holders this poll names now; for the fall-back to one long-poll per service. */
  synchronized List<ServiceHolder> holders() {
    prune();
    return new ArrayList<>(holders);
  }

  /** Stops the poll (client closing, or the fall-back to per-service polls). */
  synchronized void stop() {
    cancel();
    Future<?> s = step;
    step = null;
    if (s != null) {
      s.cancel(false);
    }
    holders.clear();
    nameChars = 0;
    running = false;
    generation++;
  }

  private void cancel() {
    Future<?> f = inFlight;
    inFlight = null;
    if (f != null) {
      f.cancel(true);
    }
  }

  @Override
  public String toString() {
    return "stage poll of " + stage;
  }
}
