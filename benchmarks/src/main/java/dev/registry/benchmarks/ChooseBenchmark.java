package dev.registry.benchmarks;

import dev.registry.client.Call;
import dev.registry.client.LoadBalancer;
import dev.registry.client.Outcome;
import dev.registry.client.RegistryClient;
import dev.registry.client.ServiceInstance;
import dev.registry.server.RegistryServer;
import dev.registry.spring.RegistryCallLifecycle;
import dev.registry.spring.RegistryLoadBalancer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.cloud.client.loadbalancer.CompletionContext;
import org.springframework.cloud.client.loadbalancer.Response;
import org.springframework.cloud.client.loadbalancer.reactive.ReactiveLoadBalancer;
import org.springframework.cloud.loadbalancer.core.RoundRobinLoadBalancer;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import org.springframework.cloud.loadbalancer.support.ServiceInstanceListSuppliers;
import org.springframework.cloud.loadbalancer.support.SimpleObjectProvider;

/**
 * The pick cost on a warm cache: {@link RegistryClient#choose(String)}, a counted call
 * ({@link RegistryClient#startCall(String)} and its end) with the round-robin and the
 * least-loaded balancer, and a pick on Spring's path through our balancer
 * ({@link RegistryLoadBalancer}, its call ended by {@link RegistryCallLifecycle} as Spring Cloud
 * does after each call), against Spring Cloud LoadBalancer's
 * {@link RoundRobinLoadBalancer#choose()} over the same instances.
 *
 * <p>The client's cache is warmed from a real reference server in the same JVM (instances
 * registered over HTTP, one lookup); the server then sits idle, as does the client's long-poll.
 * Spring's balancer reads a fixed-list {@link ServiceInstanceListSupplier} holding the same
 * instances, and is called the way Spring's {@code BlockingLoadBalancerClient} calls it: {@code
 * Mono.from(loadBalancer.choose()).block()}.
 *
 * <p>Run with {@code -t 1} and {@code -t 2}, and {@code -prof gc} for the allocation per pick.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
public class ChooseBenchmark {
  private static final String SERVICE = "bench-service";

  /** How many instances the service has. */
  @Param({"1", "10", "100"})
  public int instances;

  private RegistryServer server;
  private RegistryClient client;
  private RegistryClient leastLoadedClient;
  private RoundRobinLoadBalancer spring;
  private RegistryLoadBalancer ours;
  private RegistryCallLifecycle lifecycle;

  /** Starts the server, registers the instances, warms the client and builds Spring's balancer. */
  @Setup(Level.Trial)
  public void setUp() {
    server = RegistryServer.builder().host("127.0.0.1").port(0).build().start();
    for (int i = 0; i < instances; i++) {
      Wire.register(server.uri(), SERVICE, "i-" + i, "http://127.0.0.1:" + (20_000 + i), 3600);
    }
    client = RegistryClient.builder()
        .registryUris(List.of(server.uri()))
        .shutdownHook(false)
        .build();
    leastLoadedClient = RegistryClient.builder()
        .registryUris(List.of(server.uri()))
        .shutdownHook(false)
        .loadBalancer(LoadBalancer.leastLoaded())
        .build();
    leastLoadedClient.instances(SERVICE);
    ours = new RegistryLoadBalancer(client, SERVICE);
    lifecycle = new RegistryCallLifecycle(client);
    List<ServiceInstance> cached = client.instances(SERVICE);
    if (cached.size() != instances) {
      throw new IllegalStateException("expected " + instances + " instances, the cache holds " + cached);
    }
    List<org.springframework.cloud.client.ServiceInstance> same = new ArrayList<>();
    for (ServiceInstance i : cached) {
      same.add(new DefaultServiceInstance(i.id(), SERVICE, i.address().getHost(), i.address().getPort(), false));
    }
    ServiceInstanceListSupplier supplier = ServiceInstanceListSuppliers.from(
        SERVICE, same.toArray(new org.springframework.cloud.client.ServiceInstance[0]));
    spring = new RoundRobinLoadBalancer(new SimpleObjectProvider<>(supplier), SERVICE);
    if (springChoose() == null) {
      throw new IllegalStateException("Spring's balancer chose nothing");
    }
  }

  /** Closes the client and the server. */
  @TearDown(Level.Trial)
  public void tearDown() {
    client.close();
    leastLoadedClient.close();
    server.close();
  }

  /**
   * Our pick: the cache lookup and round-robin.
   *
   * @return the chosen instance
   */
  @Benchmark
  public ServiceInstance registryClientChoose() {
    return client.choose(SERVICE);
  }

  /**
   * A counted call with the round-robin balancer: the pick, the count in flight, and the end
   * with its outcome (which goes to the ejection).
   *
   * @return the call's handle
   */
  @Benchmark
  public Call registryClientStartCall() {
    Call call = client.startCall(SERVICE);
    call.end(Outcome.SUCCESS);
    return call;
  }

  /**
   * The same with the least-loaded balancer: two random draws and their counts.
   *
   * @return the call's handle
   */
  @Benchmark
  public Call leastLoadedStartCall() {
    Call call = leastLoadedClient.startCall(SERVICE);
    call.end(Outcome.SUCCESS);
    return call;
  }

  /**
   * Spring's path through our balancer: the pick blocked on as Spring's blocking client does,
   * and the lifecycle's end of the call, as Spring Cloud tells it after each call.
   *
   * @return the chosen instance
   */
  @Benchmark
  @SuppressWarnings({"unchecked", "rawtypes"})
  public org.springframework.cloud.client.ServiceInstance springThroughRegistryBalancer() {
    Response<org.springframework.cloud.client.ServiceInstance> response =
        reactor.core.publisher.Mono.from(ours.choose(ReactiveLoadBalancer.REQUEST)).block();
    lifecycle.onComplete(new CompletionContext(CompletionContext.Status.SUCCESS,
        ReactiveLoadBalancer.REQUEST, response));
    return response.getServer();
  }

  /** One counter that every pick increments, as Spring's balancer keeps per service. */
  private final java.util.concurrent.atomic.AtomicInteger counter = new java.util.concurrent.atomic.AtomicInteger();

  /**
   * Only a shared counter, incremented back to back. With two threads its cache line moves
   * between the cores; in a tight loop a core does several increments before it loses the line,
   * so this is the cheapest such a counter gets, not its cost inside a pick.
   *
   * @return the counter's previous value
   */
  @Benchmark
  public int sharedCounterOnly() {
    return counter.getAndIncrement();
  }

  /** A counter of the calling thread's own: what two threads cost when they share nothing. */
  @State(Scope.Thread)
  public static class OwnCounter {
    int value;
  }

  /**
   * The calibration for {@link #sharedCounterOnly()}: a counter per thread, so that nothing is
   * shared between the threads. What this loses from one thread to two is the machine's (two
   * vCPUs that are not two whole cores), not contention.
   *
   * @param own this thread's counter
   * @return the counter's previous value
   */
  @Benchmark
  public int ownCounterOnly(OwnCounter own) {
    return own.value++;
  }

  /**
   * Spring Cloud LoadBalancer's round-robin pick, blocked on as its blocking client does.
   *
   * @return the chosen instance
   */
  @Benchmark
  public org.springframework.cloud.client.ServiceInstance springRoundRobinChoose() {
    return springChoose();
  }

  private org.springframework.cloud.client.ServiceInstance springChoose() {
    Response<org.springframework.cloud.client.ServiceInstance> response =
        reactor.core.publisher.Mono.from(spring.choose()).block();
    return response == null ? null : response.getServer();
  }
}
