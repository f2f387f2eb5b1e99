package dev.registry.client;

import static dev.registry.client.FakeRegistry.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Zone-aware picks: a caller in zone A picks A's instances while enough of them are healthy
 * ({@link ZoneSplit}: 1.4 × healthy / all of the zone's, Envoy's overprovisioning), and spills
 * over to the others otherwise. Picks from one thread are deterministic, so counts are exact.
 */
class ZoneTest {
  @StartStop final MockWebServer server = new MockWebServer();
  final FakeClock clock = new FakeClock();
  RegistryClient client;

  @AfterEach
  void tearDown() {
    if (client != null) {
      client.close();
    }
  }

  /** Instances as "id zone status" ("-" for no zone). */
  void start(String zone, String... instances) {
    StringBuilder json = new StringBuilder();
    for (String spec : instances) {
      String[] f = spec.split(" ");
      json.append(json.length() == 0 ? "" : ",").append("{\"id\":\"").append(f[0])
          .append("\",\"address\":\"http://").append(f[0]).append(":80\",\"stage\":\"default\",")
          .append("\"status\":\"").append(f[2]).append("\",\"metadata\":{")
          .append(f[1].equals("-") ? "" : "\"zone\":\"" + f[1] + "\"").append("}}");
    }
    FakeRegistry registry = new FakeRegistry();
    registry.then("/discover", json(200, "{\"service\":\"payment-service\",\"stage\":\"default\","
        + "\"index\":1,\"count\":" + instances.length + ",\"instances\":[" + json + "]}"));
    registry.answer("/discover", new MockResponse.Builder().headersDelay(30, TimeUnit.SECONDS).body("{}").build());
    server.setDispatcher(registry);
    RegistryClient.Builder builder = RegistryClient.builder().registryUrls(server.url("/").toString())
        .shutdownHook(false).clock(clock).longPollWait(Duration.ofSeconds(20))
        .ejection(3, Duration.ofSeconds(30));
    if (zone != null) {
      builder.zone(zone);
    }
    client = builder.build();
  }

  Map<String, Integer> picks(int times) {
    Map<String, Integer> counts = new TreeMap<>();
    for (int i = 0; i < times; i++) {
      counts.merge(client.choose("payment-service").id(), 1, Integer::sum);
    }
    return counts;
  }

  ServiceInstance instance(String id) {
    return client.instances("payment-service").stream().filter(i -> i.id().equals(id)).findFirst().orElseThrow();
  }

  void eject(String id) {
    for (int i = 0; i < 3; i++) {
      client.report(instance(id), Outcome.TIMEOUT);
    }
    assertThat(client.isEjected(instance(id))).as(id + " ejected").isTrue();
  }

  static final String[] TWO_ZONES_AND_ONE_WITHOUT = {
    "a1 zone-a UP", "a2 zone-a UP", "b1 zone-b UP", "b2 zone-b UP", "n1 - UP"};

  @Test
  void aCallerInZoneAPicksOnlyZoneAInstances() {
    start("zone-a", TWO_ZONES_AND_ONE_WITHOUT);

    assertThat(picks(1000)).containsExactly(Map.entry("a1", 500), Map.entry("a2", 500));
  }

  @Test
  void withZoneAsInstancesEjectedItPicksTheOthersAndComesBackAfterTheEjectionTime() {
    start("zone-a", TWO_ZONES_AND_ONE_WITHOUT);
    picks(1);

    eject("a1");
    eject("a2");

    assertThat(picks(300)).containsExactly(
        Map.entry("b1", 100), Map.entry("b2", 100), Map.entry("n1", 100));
    clock.advance(Duration.ofSeconds(30));
    assertThat(picks(100)).containsExactly(Map.entry("a1", 50), Map.entry("a2", 50));
  }

  @Test
  void withZoneAsInstancesOutOfServiceItPicksTheOthers() {
    start("zone-a", "a1 zone-a OUT_OF_SERVICE", "a2 zone-a DOWN", "b1 zone-b UP", "b2 zone-b UP", "n1 - UP");

    assertThat(picks(300)).containsExactly(
        Map.entry("b1", 100), Map.entry("b2", 100), Map.entry("n1", 100));
  }

  @Test
  void aZoneWithFewerThanFiveSeventhsHealthySpillsOverInProportion() {
    // Zone A: 2 of 4 healthy, so it keeps 1.4 × 2 / 4 = 70 % of the picks; the rest spill.
    start("zone-a", "a1 zone-a UP", "a2 zone-a UP", "a3 zone-a DOWN", "a4 zone-a STARTING",
        "b1 zone-b UP", "b2 zone-b UP", "n1 - UP");

    assertThat(picks(1000)).containsExactly(Map.entry("a1", 350), Map.entry("a2", 350),
        Map.entry("b1", 100), Map.entry("b2", 100), Map.entry("n1", 100));
  }

  @Test
  void aZoneWithThreeQuartersHealthyKeepsEveryPick() {
    start("zone-a", "a1 zone-a UP", "a2 zone-a UP", "a3 zone-a UP", "a4 zone-a OUT_OF_SERVICE",
        "b1 zone-b UP");

    assertThat(picks(300)).containsExactly(Map.entry("a1", 100), Map.entry("a2", 100), Map.entry("a3", 100));
  }

  @Test
  void anEjectionInTheZoneCountsAsUnhealthy() {
    // Zone A: 3 instances, one ejected: 1.4 × 2 / 3 = 93.3 %, so 933 of every 1000 picks stay.
    start("zone-a", "a1 zone-a UP", "a2 zone-a UP", "a3 zone-a UP", "b1 zone-b UP", "b2 zone-b UP", "b3 zone-b UP");
    picks(1);
    eject("a3");

    Map<String, Integer> counts = picks(1000);

    assertThat(counts.get("a1") + counts.get("a2")).isEqualTo(933);
    assertThat(counts).doesNotContainKey("a3");
    assertThat(counts.get("b1") + counts.get("b2") + counts.get("b3")).isEqualTo(67);
  }

  @Test
  void instancesWithoutAZoneAreNeverPreferredAndAServiceWithoutAnyIsPickedAsWithoutZones() {
    start("zone-a", "n1 - UP", "n2 - UP", "b1 zone-b UP");

    assertThat(picks(300)).containsExactly(Map.entry("b1", 100), Map.entry("n1", 100), Map.entry("n2", 100));
  }

  @Test
  void aCallerWithoutAZonePicksEveryInstanceAlike() {
    start(null, TWO_ZONES_AND_ONE_WITHOUT);

    assertThat(picks(500)).containsExactly(Map.entry("a1", 100), Map.entry("a2", 100),
        Map.entry("b1", 100), Map.entry("b2", 100), Map.entry("n1", 100));
  }

  @Test
  void aZoneIsANameAndTheBuilderSaysWhichIsNot() {
    assertThatThrownBy(() -> RegistryClient.builder().zone("eu west"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("zone").hasMessageContaining("'eu west'");
    assertThatThrownBy(() -> RegistryClient.builder().zone(null)).isInstanceOf(NullPointerException.class);
  }
}
