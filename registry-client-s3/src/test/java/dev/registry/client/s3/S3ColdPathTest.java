package dev.registry.client.s3;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registry.client.InlineRegistryClient;
import dev.registry.client.RecordingClassLoader;
import dev.registry.client.RegistryClient;
import dev.registry.client.RetryPolicy;
import dev.registry.client.ServiceInstance;
import java.io.File;
import java.net.URI;
import java.net.URL;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The Lambda path on S3 loads what it needs and nothing heavy: no AWS SDK, no JCA
 * ({@code MessageDigest}, {@code Mac}: {@link Sha256} instead), no XML parser, and none of the
 * core's background libraries (OkHttp, Caffeine, resilience4j), checked with a class loader that
 * records every class asked of it, as the core's {@code ColdStartTest} does for the reference
 * server.
 */
class S3ColdPathTest {

  /** What a function's container does: warm up, register, look up, due work, close. */
  public static final class InlineDriver implements Consumer<String> {
    @Override
    public void accept(String url) {
      InlineRegistryClient client = RegistryClient.builder().registryUrls(url).stage("prod")
          .retryPolicy(RetryPolicy.none()).buildInline();
      client.warmUp("prod");
      client.register(ServiceInstance.builder("orders").id("orders-fn")
          .address(URI.create("http://127.0.0.1:9000")).build());
      client.choose("payment-service");
      client.runDueWork(Duration.ofMillis(500));
      client.close();
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void theInlinePathLoadsNoSdkNoJcaNoXmlParserAndNoBackgroundLibrary() throws Exception {
    S3Proxy s3 = S3Proxy.shared();
    String bucket = s3.newBucket("cold-path");
    String url = "s3://" + bucket + "/registry?endpoint=" + s3.endpoint();
    try (RegistryClient owner = RegistryClient.builder().registryUrls(url).stage("prod")
        .shutdownHook(false).build()) {
      owner.register(ServiceInstance.builder("payment-service").id("p1")
          .address(URI.create("http://127.0.0.1:9001")).build());
      List<URL> urls = new ArrayList<>();
      for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
        urls.add(Path.of(entry).toUri().toURL());
      }
      try (RecordingClassLoader loader = new RecordingClassLoader(urls.toArray(URL[]::new))) {
        Consumer<String> driver = (Consumer<String>) loader.loadClass(InlineDriver.class.getName())
            .getDeclaredConstructor().newInstance();
        driver.accept(url);

        assertThat(loader.loaded).contains("dev.registry.client.s3.Signer",
            "dev.registry.client.s3.Sha256", "dev.registry.client.UrlConnectionTransport");
        assertThat(loader.loaded).noneMatch(name -> name.startsWith("software.amazon.")
            || name.startsWith("javax.crypto.") || name.equals("java.security.MessageDigest")
            || name.startsWith("javax.xml.") || name.startsWith("org.w3c.")
            || name.startsWith("okhttp3.") || name.startsWith("okio.") || name.startsWith("kotlin.")
            || name.startsWith("com.github.benmanes.caffeine.")
            || name.startsWith("io.github.resilience4j."));
      }
    }
  }
}
