package dev.registry.client;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/** The built-in {@link LoadBalancer}s. */
final class LoadBalancers {
  static final LoadBalancer ROUND_ROBIN = new LoadBalancer() {
    @Override
    public ServiceInstance choose(List<ServiceInstance> instances, int sequence) {
      return instances.get(Math.floorMod(sequence, instances.size()));
    }

    @Override
    public String toString() {
      return "LoadBalancer.roundRobin()";
    }
  };

  static final LoadBalancer RANDOM = new LoadBalancer() {
    @Override
    public ServiceInstance choose(List<ServiceInstance> instances, int sequence) {
      return instances.get(ThreadLocalRandom.current().nextInt(instances.size()));
    }

    @Override
    public String toString() {
      return "LoadBalancer.random()";
    }
  };

  static final LoadBalancer LEAST_LOADED = new LoadBalancer() {
    @Override
    public ServiceInstance choose(List<ServiceInstance> instances, int sequence) {
      int n = instances.size();
      if (n == 1) {
        return instances.get(0);
      }
      ThreadLocalRandom random = ThreadLocalRandom.current();
      int a = random.nextInt(n);
      int b = random.nextInt(n - 1);
      if (b >= a) {
        b++;
      }
      if (instances instanceof Candidates c && c.outstanding(b) < c.outstanding(a)) {
        return instances.get(b);
      }
      return instances.get(a);
    }

    @Override
    public String toString() {
      return "LoadBalancer.leastLoaded()";
    }
  };

  private LoadBalancers() {}

  /** Weighted round-robin over cumulative weights, kept with the client's candidate lists. */
  static final class Weighted implements LoadBalancer {
    private record Table(int[] cumulative) {}

    @Override
    public ServiceInstance choose(List<ServiceInstance> instances, int sequence) {
      Table t = instances instanceof Candidates c && c.memo instanceof Table kept ? kept : null;
      if (t == null) {
        t = table(instances);
        if (instances instanceof Candidates c) {
          c.memo = t;
        }
      }
      int[] cumulative = t.cumulative;
      int total = cumulative[cumulative.length - 1];
      if (total == 0) {
        return instances.get(Math.floorMod(sequence, instances.size()));
      }
      int point = Math.floorMod(sequence, total);
      int low = 0;
      int high = cumulative.length - 1;
      while (low < high) {
        int mid = (low + high) >>> 1;
        if (cumulative[mid] > point) {
          high = mid;
        } else {
          low = mid + 1;
        }
      }
      return instances.get(low);
    }

    private static Table table(List<ServiceInstance> instances) {
      int[] cumulative = new int[instances.size()];
      long sum = 0;
      for (int i = 0; i < cumulative.length; i++) {
        sum = Math.min(Integer.MAX_VALUE, sum + weight(instances.get(i)));
        cumulative[i] = (int) sum;
      }
      return new Table(cumulative);
    }

    private static int weight(ServiceInstance instance) {
      String value = instance.metadata().get("weight");
      if (value == null) {
        return 1;
      }
      try {
        return Math.max(0, Integer.parseInt(value.trim()));
      } catch (NumberFormatException e) {
        return 1;
      }
    }

    @Override
    public String toString() {
      return "LoadBalancer.weighted()";
    }
  }
}
