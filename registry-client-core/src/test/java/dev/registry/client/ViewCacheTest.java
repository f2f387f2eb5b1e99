package dev.registry.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** Idle eviction of the cached views, driven by a clock that counts its reads. */
class ViewCacheTest {
  private final CountingClock clock = new CountingClock();
  private final ViewCache cache = new ViewCache(Duration.ofMinutes(10), clock,
      new Events(EventListener.NONE, java.util.List.of()), false,
      new Routing(RegistryClient.builder().registryUrls("http://127.0.0.1:1").clock(clock).settings()));

  @Test
  void cachedLookupsReadTheClockOnlyOnceBetweenCleanUps() {
    ViewHolder holder = cache.getOrCreate("payment-service", "default");
    cache.get("payment-service", "default");
    long reads = clock.reads;

    for (int i = 0; i < 1_000; i++) {
      assertThat(cache.get("payment-service", "default")).isSameAs(holder);
    }

    assertThat(clock.reads).isEqualTo(reads);
  }

  @Test
  void aServiceLookedUpWithinTheIdleTimeoutStaysAndAnIdleOneIsEvictedAndClosed() {
    ViewHolder holder = cache.getOrCreate("payment-service", "default");
    clock.advance(Duration.ofMinutes(9));
    cache.get("payment-service", "default");
    clock.advance(Duration.ofMinutes(9));
    cache.get("payment-service", "default");
    cache.cleanUp();

    assertThat(cache.get("payment-service", "default")).isSameAs(holder);
    assertThat(holder.isClosed()).isFalse();

    clock.advance(Duration.ofMinutes(11));
    cache.cleanUp();

    assertThat(holder.isClosed()).isTrue();
    assertThat(cache.get("payment-service", "default")).isNull();
    assertThat(cache.holders()).isEmpty();
    ViewHolder fresh = cache.getOrCreate("payment-service", "default");
    assertThat(fresh).isNotSameAs(holder);
    assertThat(cache.get("payment-service", "default")).isSameAs(fresh);
  }

  @Test
  void aLookupAfterTheLastCleanUpStillCountsWhenTheNextCleanUpComesLate() {
    ViewHolder holder = cache.getOrCreate("payment-service", "default");
    cache.cleanUp();
    clock.advance(Duration.ofMinutes(8));
    cache.get("payment-service", "default");

    clock.advance(Duration.ofMinutes(8));
    cache.cleanUp();

    assertThat(holder.isClosed()).isFalse();
    assertThat(cache.get("payment-service", "default")).isSameAs(holder);
  }

  /** A settable clock that counts how often it is read. */
  private static final class CountingClock extends Clock {
    private long millis = 1_700_000_000_000L;
    long reads;

    void advance(Duration d) {
      millis += d.toMillis();
    }

    @Override
    public long millis() {
      reads++;
      return millis;
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis());
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }
}
