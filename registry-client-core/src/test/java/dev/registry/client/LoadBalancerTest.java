package dev.registry.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LoadBalancerTest {
  static ServiceInstance instance(String id, String... metadata) {
    ServiceInstance.Builder b = ServiceInstance.builder("svc").id(id).address("http://" + id + ":1");
    for (int i = 0; i < metadata.length; i += 2) {
      b.metadata(metadata[i], metadata[i + 1]);
    }
    return b.build();
  }

  static Map<String, Integer> count(LoadBalancer lb, List<ServiceInstance> list, int start, int n) {
    Map<String, Integer> counts = new HashMap<>();
    for (int i = 0; i < n; i++) {
      counts.merge(lb.choose(list, start + i).id(), 1, Integer::sum);
    }
    return counts;
  }

  @Test
  void roundRobinSpreadsCallsExactlyEvenly() {
    List<ServiceInstance> list = List.of(instance("a"), instance("b"), instance("c"));

    Map<String, Integer> counts = count(LoadBalancer.roundRobin(), list, -7, 300);

    assertThat(counts).containsEntry("a", 100).containsEntry("b", 100).containsEntry("c", 100);
  }

  @Test
  void roundRobinKeepsChoosingValidInstancesWhenTheCounterOverflows() {
    List<ServiceInstance> list = List.of(instance("a"), instance("b"), instance("c"));

    Map<String, Integer> counts = count(LoadBalancer.roundRobin(), list, Integer.MAX_VALUE - 4, 9);

    // floorMod never goes negative (Math.abs would, at Integer.MIN_VALUE); at the wrap one
    // instance may get one call more.
    assertThat(counts.values()).allSatisfy(n -> assertThat(n).isBetween(2, 4));
    assertThat(counts.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(9);
  }

  @Test
  void weightedChoosesEachInstanceExactlyItsWeightOverOneRound() {
    List<ServiceInstance> list = List.of(
        instance("a", "weight", "3"), instance("b"), instance("c", "weight", "0"),
        instance("d", "weight", "junk"));

    Map<String, Integer> counts = count(LoadBalancer.weighted(), list, 17, 5 * 100);

    assertThat(counts).containsEntry("a", 300).containsEntry("b", 100)
        .containsEntry("d", 100).doesNotContainKey("c");
  }

  @Test
  void weightedWithEveryWeightZeroFallsBackToRoundRobin() {
    List<ServiceInstance> list = List.of(instance("a", "weight", "0"), instance("b", "weight", "0"));

    assertThat(count(LoadBalancer.weighted(), list, 0, 4)).containsEntry("a", 2).containsEntry("b", 2);
  }

  @Test
  void randomChoosesOnlyAmongTheInstancesGiven() {
    List<ServiceInstance> list = List.of(instance("a"), instance("b"));

    assertThat(count(LoadBalancer.random(), list, 0, 200).keySet()).isSubsetOf("a", "b");
  }
}
