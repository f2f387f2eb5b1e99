package dev.registry.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The registry's state without HTTP, driven by a fake clock. */
class RegistryTest {
  private final FakeClock clock = new FakeClock();
  private final List<Long> expiries = new ArrayList<>();
  private final Registry registry = new Registry(clock, expiries::add);

  private static Registry.Registration registration(String service, String address, String id) {
    return new Registry.Registration(service, "default", id, address, InstanceStatus.UP, Map.of(), 30_000);
  }

  private static Registry.InstanceRef byAddress(String address) {
    return new Registry.InstanceRef(null, address);
  }

  @Test
  void aRegistrationTakesTheNextIndexAndARenewalTakesNone() {
    Registry.Registered first = registry.register(registration("s", "http://h:1", null));
    registry.heartbeat("s", "default", byAddress("http://h:1"));
    Registry.Registered again = registry.register(registration("s", "http://h:1", null));

    assertThat(first.created()).isTrue();
    assertThat(first.index()).isEqualTo(1);
    assertThat(again.created()).isFalse();
    assertThat(again.index()).isEqualTo(1);
    assertThat(registry.revision()).isEqualTo(1);
  }

  @Test
  void changingMetadataOnReRegistrationIsAChangeThatKeepsUptime() {
    registry.register(registration("s", "http://h:1", "a"));
    clock.advance(Duration.ofSeconds(5));
    Registry.Registered updated = registry.register(new Registry.Registration(
        "s", "default", "a", "http://h:1", InstanceStatus.UP, Map.of("v", "2"), 30_000));

    assertThat(updated.created()).isFalse();
    assertThat(updated.index()).isEqualTo(2);
    Instance instance = registry.view("s", "default").instances().get(0);
    assertThat(instance.metadata).containsEntry("v", "2");
    assertThat(instance.registeredAtMillis).isEqualTo(clock.millis() - 5_000);
  }

  @Test
  void anInstanceMovingToANewAddressKeepsItsIdAndFreesTheOldAddress() {
    registry.register(registration("s", "http://h:1", "a"));
    registry.register(registration("s", "http://h:2", "a"));

    assertThat(registry.view("s", "default").instances()).extracting(i -> i.address).containsExactly("http://h:2");
    assertThatThrownBy(() -> registry.heartbeat("s", "default", byAddress("http://h:1")))
        .isInstanceOf(NotRegisteredException.class);
    registry.heartbeat("s", "default", byAddress("http://h:2"));
  }

  @Test
  void expiryRemovesOnlyEndedLeasesAndTellsTheExpiryTimerTheNextEnd() {
    registry.register(registration("s", "http://h:1", null));
    clock.advance(Duration.ofSeconds(10));
    registry.register(registration("s", "http://h:2", null));
    assertThat(expiries).containsExactly(clock.millis() + 20_000);

    clock.advance(Duration.ofSeconds(20));
    registry.sweep();

    assertThat(registry.view("s", "default").instances()).extracting(i -> i.address).containsExactly("http://h:2");
    assertThat(expiries).last().isEqualTo(clock.millis() + 10_000);
  }

  @Test
  void aSweepAfterAReadExpiredTheLeaseStillTellsTheExpiryTimerTheNextEnd() {
    registry.register(registration("s", "http://h:1", null));
    clock.advance(Duration.ofSeconds(10));
    registry.register(registration("s", "http://h:2", null));
    clock.advance(Duration.ofSeconds(20));
    // A read notices the first lease's end before the timer set for it runs ...
    assertThat(registry.view("s", "default").instances()).hasSize(1);
    expiries.clear();

    // ... so when that timer runs, nothing is due, but it must be set again for the second end.
    registry.sweep();

    assertThat(expiries).containsExactly(clock.millis() + 10_000);
  }

  @Test
  void aReadNoticesAnEndedLeaseWithoutASweep() {
    registry.register(registration("s", "http://h:1", null));
    long before = registry.revision();
    clock.advance(Duration.ofSeconds(30));

    ServiceView view = registry.view("s", "default");

    assertThat(view.isEmpty()).isTrue();
    assertThat(view.index()).isGreaterThan(before);
  }

  @Test
  void aHeartbeatRacingTheLeaseEndLosesAndCreatesNothing() {
    registry.register(registration("s", "http://h:1", null));
    clock.advance(Duration.ofSeconds(30));

    assertThatThrownBy(() -> registry.heartbeat("s", "default", byAddress("http://h:1")))
        .isInstanceOf(NotRegisteredException.class);
    assertThat(registry.services()).isEmpty();
  }

  @Test
  void watchesWakeOnceOnChangeAndNotOnRenewal() {
    registry.register(registration("s", "http://h:1", null));
    AtomicInteger woken = new AtomicInteger();
    assertThat(registry.watchService("s", "default", 1, woken::incrementAndGet)).isTrue();
    assertThat(registry.watchService("s", "default", 0, woken::incrementAndGet)).isFalse();

    registry.heartbeat("s", "default", byAddress("http://h:1"));
    assertThat(woken).hasValue(0);
    registry.register(registration("s", "http://h:2", null));
    registry.register(registration("s", "http://h:3", null));

    assertThat(woken).hasValue(1);
    assertThat(registry.watchCount()).isZero();
  }

  @Test
  void theIndexOfAServiceNeverGoesBackwardsWhenItsEmptyEntryIsPruned() {
    registry.register(registration("a", "http://h:1", null));
    registry.register(registration("b", "http://h:2", null));
    registry.deregister("a", "default", byAddress("http://h:1"));
    long removedAt = registry.view("a", "default").index();

    registry.sweep();

    assertThat(registry.view("a", "default").index()).isGreaterThanOrEqualTo(removedAt);
    assertThat(registry.view("never-seen", "default").index()).isGreaterThanOrEqualTo(removedAt);
  }

  @Test
  void aClosedRegistryWakesEveryWatchAndParksNoMore() {
    AtomicInteger woken = new AtomicInteger();
    registry.watchService("s", "default", 0, woken::incrementAndGet);
    registry.watchCatalog("default", 0, woken::incrementAndGet);

    registry.close();

    assertThat(woken).hasValue(2);
    assertThat(registry.watchService("s", "default", 0, woken::incrementAndGet)).isFalse();
  }

  @Test
  void theCatalogIsRebuiltOnlyWhenItsStageChanges() {
    registry.register(registration("a", "http://h:1", null));
    CatalogView first = registry.catalog("default");
    registry.heartbeat("a", "default", byAddress("http://h:1"));

    assertThat(registry.catalog("default")).isSameAs(first);
    registry.register(registration("b", "http://h:2", null));
    assertThat(registry.catalog("default").services()).containsOnlyKeys("a", "b");
  }
}
