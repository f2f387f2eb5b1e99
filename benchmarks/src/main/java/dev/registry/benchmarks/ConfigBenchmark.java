package dev.registry.benchmarks;

import dev.registry.client.ConfigView;
import dev.registry.client.RegistryClient;
import dev.registry.server.RegistryServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
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

/**
 * Reading configuration from the cache: {@link ConfigView#get(String)} on a view the caller
 * holds, and {@link RegistryClient#config(String)} then {@code get} (the cache lookup of the
 * view as well), for a key that is there and one that is not, and a typed getter
 * ({@code getDuration}, which parses at each call).
 *
 * <p>The view is read from a real reference server in the same JVM (one read, then watched);
 * the server then sits idle, as does the client's long-poll. Run with {@code -prof gc} for the
 * allocation per call.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
public class ConfigBenchmark {
  private static final String SERVICE = "bench-service";

  /** How many keys the configuration has. */
  @Param({"10", "1000"})
  public int keys;

  private RegistryServer server;
  private RegistryClient client;
  private ConfigView view;

  /** Starts the server, writes the keys, and reads them into a watching client. */
  @Setup(Level.Trial)
  public void setUp() throws Exception {
    server = RegistryServer.builder().host("127.0.0.1").port(0).maxConfigEntries(keys).build().start();
    StringBuilder body = new StringBuilder("{\"set\": {");
    for (int i = 0; i < keys; i++) {
      body.append(i == 0 ? "" : ", ").append("\"service.key-").append(i).append("\": \"").append(i).append("s\"");
    }
    body.append("}}");
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create(server.uri() + "/config/" + SERVICE)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IllegalStateException(r.body());
    }
    client = RegistryClient.builder().registryUris(List.of(server.uri())).shutdownHook(false)
        .longPollWait(Duration.ofSeconds(300)).build();
    view = client.config(SERVICE);
  }

  /** Closes the client and the server. */
  @TearDown(Level.Trial)
  public void tearDown() {
    client.close();
    server.close();
  }

  /** A key that is there, on the view held. */
  @Benchmark
  public Optional<String> viewGet() {
    return view.get("service.key-7");
  }

  /** A key that is not there, on the view held. */
  @Benchmark
  public Optional<String> viewGetAbsent() {
    return view.get("service.no-such-key");
  }

  /** The view from the client's cache, then a key of it. */
  @Benchmark
  public Optional<String> clientConfigGet() {
    return client.config(SERVICE).get("service.key-7");
  }

  /** A typed getter: the value parsed as a duration at each call. */
  @Benchmark
  public Duration viewGetDuration() {
    return view.getDuration("service.key-7", Duration.ZERO);
  }
}
