package dev.registry.server;

import java.time.Clock;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What observing one request costs the server, part by part: recording it in the metrics (the
 * cached timer of its route, method and status), counting a heartbeat, and checking or making
 * its request ID. (The log context is left out: this module's slf4j binding has no MDC, the
 * runnable jar's Logback has.) In the server's own package, since these parts are internal.
 * Run with {@code -t 2} too: every heartbeat of a busy server records into the same timer and
 * counter.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
public class ObserverBenchmark {
  private static final int POST = ServerMetrics.method("POST");

  private ServerMetrics metrics;

  /** A server's metrics, with one timer already made (as after the first heartbeat). */
  @Setup
  public void setUp() {
    metrics = new ServerMetrics(new Registry(Clock.systemUTC(), at -> {}));
    metrics.request(Route.HEARTBEAT, POST, 200, false, 1);
  }

  @TearDown
  public void tearDown() {
    metrics.close();
  }

  /** A heartbeat answered 200 in 123 µs, into its timer and histogram. */
  @Benchmark
  public void recordRequest() {
    metrics.request(Route.HEARTBEAT, POST, 200, false, 123_456);
  }

  /** A heartbeat counted. */
  @Benchmark
  public void countHeartbeat() {
    metrics.renewed(null);
  }

  /** A new ID for a request that sent none. */
  @Benchmark
  public String newRequestId() {
    return RequestId.generate();
  }

  /** An incoming ID checked and kept. */
  @Benchmark
  public String acceptRequestId() {
    return RequestId.accept("0af7651916cd43dd8448eb211c80319c");
  }
}
