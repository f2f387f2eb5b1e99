package dev.registry.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nothing loads OkHttp or Jackson before the first request, and the inline path of the Lambda
 * adapter loads none of OkHttp, Caffeine and resilience4j at all (cold start).
 */
class ColdStartTest {

  /** Builds, uses without I/O, and closes a client, as an application would. */
  public static final class Driver implements Runnable {
    @Override
    public void run() {
      RegistryClient client = RegistryClient.builder()
          .registryUrls("http://127.0.0.1:1")
          .stage("production")
          .shutdownHook(false)
          .build();
      client.stats();
      client.close();
    }
  }

  /**
   * The AWS Lambda path: an inline client (on its default, light transport), without retries,
   * warms up, registers, looks up, runs its due work and closes, against the registry at the URL.
   */
  public static final class InlineDriver implements Consumer<String> {
    @Override
    public void accept(String url) {
      InlineRegistryClient client = RegistryClient.builder()
          .registryUrls(url)
          .stage("production")
          .retryPolicy(RetryPolicy.none())
          .buildInline();
      client.warmUp("production");
      client.register(ServiceInstance.builder("orders").id("orders-fn")
          .address(URI.create("http://127.0.0.1:9000")).build());
      client.choose("payment-service");
      client.choose("payment-service");
      client.runDueWork(Duration.ofMillis(500));
      client.close();
    }
  }

  /** The inline driver in a JVM of its own: {@code java ColdStartTest$InlineMain URL}. */
  public static final class InlineMain {
    public static void main(String[] args) {
      new InlineDriver().accept(args[0]);
    }
  }

  @StartStop final MockWebServer server = new MockWebServer();

  static RecordingClassLoader recordingLoader() throws Exception {
    List<URL> urls = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
      urls.add(Path.of(entry).toUri().toURL());
    }
    return new RecordingClassLoader(urls.toArray(URL[]::new));
  }

  @Test
  @SuppressWarnings("unchecked")
  void theInlinePathLoadsNoOkHttpCaffeineResilience4jNorJackson() throws Exception {
    FakeRegistry registry = new FakeRegistry()
        .answer("/catalog", FakeRegistry.json(200, ServerlessTest.CATALOG));
    server.setDispatcher(registry);
    try (RecordingClassLoader loader = recordingLoader()) {
      Consumer<String> driver = (Consumer<String>) loader.loadClass(InlineDriver.class.getName())
          .getDeclaredConstructor().newInstance();
      driver.accept(server.url("/").toString());

      assertThat(registry.requests("/catalog")).hasSize(1);
      assertThat(registry.requests("/discover/payment-service")).isEmpty();
      assertThat(loader.loaded).contains("dev.registry.client.UrlConnectionTransport");
      assertThat(loader.loaded).as("no TLS set-up for an http registry without certificates")
          .noneMatch(name -> name.startsWith("javax.net.ssl.") || name.equals("java.security.KeyStore")
              || name.equals("dev.registry.client.TrustedTls"));
      assertThat(loader.loaded).noneMatch(name -> name.startsWith("okhttp3.")
          || name.startsWith("okio.") || name.startsWith("kotlin.")
          || name.startsWith("com.github.benmanes.caffeine.")
          || name.startsWith("io.github.resilience4j.")
          || name.startsWith("com.fasterxml.jackson."));
    }
  }

  /**
   * What the JDK loads for us is not seen by a recording class loader: a fresh JVM's class log
   * shows that no request ID costs a {@code SecureRandom} ({@code UUID.randomUUID()}'s, some
   * 30 ms of a cold start).
   */
  @Test
  void theInlinePathLoadsNoSecureRandomInAFreshJvm(@TempDir Path dir) throws Exception {
    FakeRegistry registry = new FakeRegistry()
        .answer("/catalog", FakeRegistry.json(200, ServerlessTest.CATALOG));
    server.setDispatcher(registry);
    Path classLog = dir.resolve("classes.txt");
    Process jvm = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xshare:auto", "-Xlog:class+load:file=" + classLog, "-cp", System.getProperty("java.class.path"),
        InlineMain.class.getName(), server.url("/").toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("out.txt").toFile()).start();

    assertThat(jvm.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(jvm.exitValue()).as(Files.readString(dir.resolve("out.txt"))).isZero();
    assertThat(registry.requests).isNotEmpty()
        .allSatisfy(r -> assertThat(r.getHeaders().get("X-Request-Id")).matches(RequestIdTest.UUID));
    assertThat(Files.readAllLines(classLog)).anyMatch(line -> line.contains("dev.registry.client.spi.RequestIds "))
        .noneMatch(line -> line.contains("java.security.SecureRandom "));
  }

  @Test
  void buildingAClientLoadsNeitherOkHttpNorJackson() throws Exception {
    try (RecordingClassLoader loader = recordingLoader()) {
      // Reflection on the builder would load every parameter type; a driver calls it plainly.
      Runnable driver = (Runnable) loader.loadClass(Driver.class.getName())
          .getDeclaredConstructor().newInstance();
      driver.run();

      assertThat(loader.loaded).contains("dev.registry.client.RegistryClient");
      assertThat(loader.loaded).noneMatch(name -> name.startsWith("okhttp3.")
          || name.startsWith("okio.") || name.startsWith("kotlin.")
          || name.startsWith("com.fasterxml.jackson."));
    }
  }
}
