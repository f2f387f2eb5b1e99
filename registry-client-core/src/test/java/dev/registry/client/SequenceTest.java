package dev.registry.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

class SequenceTest {

  @Test
  void oneThreadGetsConsecutiveNumbersBeforeAndAfterTheSplit() {
    Sequence sequence = new Sequence();
    for (int i = 0; i < 100; i++) {
      assertThat(sequence.next()).isEqualTo(i);
    }
    assertThat(sequence.isSplit()).isFalse();

    sequence.split();

    // This thread's stripe starts where the single counter stopped, plus its stripe number.
    int first = sequence.next();
    assertThat(first).isEqualTo(100 + Sequence.stripeOf(Thread.currentThread().getId()));
    for (int i = 1; i < 100; i++) {
      assertThat(sequence.next()).isEqualTo(first + i);
    }
  }

  @Test
  void consecutiveThreadIdsLandOnDifferentStripes() {
    List<Integer> stripes = new ArrayList<>();
    for (long id = 1; id <= Sequence.STRIPES; id++) {
      stripes.add(Sequence.stripeOf(id));
    }
    assertThat(stripes).allSatisfy(s -> assertThat(s).isBetween(0, Sequence.STRIPES - 1));
    for (int i = 1; i < stripes.size(); i++) {
      assertThat(stripes.get(i)).as("thread ids %d and %d", i, i + 1).isNotEqualTo(stripes.get(i - 1));
    }
  }

  @Test
  void afterTheSplitFourThreadsStillSpreadTheirPicksEvenly() throws Exception {
    Sequence sequence = new Sequence();
    sequence.split();
    int threads = 4;
    int picksEach = 25_000;
    int instances = 10;
    AtomicIntegerArray counts = new AtomicIntegerArray(instances);
    CyclicBarrier start = new CyclicBarrier(threads);
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      Thread w = new Thread(() -> {
        try {
          start.await();
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
        for (int i = 0; i < picksEach; i++) {
          counts.incrementAndGet(Math.floorMod(sequence.next(), instances));
        }
      });
      workers.add(w);
      w.start();
    }
    for (Thread w : workers) {
      w.join(30_000);
    }

    // Every stripe hands out a run of consecutive numbers, so each instance is within one pick
    // per stripe of an exact share, however the threads met on the stripes.
    int share = threads * picksEach / instances;
    for (int i = 0; i < instances; i++) {
      assertThat(counts.get(i)).as("picks of instance %d", i).isBetween(share - Sequence.STRIPES, share + Sequence.STRIPES);
    }
  }
}
