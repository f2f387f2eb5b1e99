package dev.registry.client.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registry.client.RecordingClassLoader;
import dev.registry.server.RegistryServer;
import dev.registry.server.TestCertificates;
import java.net.URL;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The adapter's container start and first invocation load no TLS class while
 * {@code REGISTRY_TRUSTED_CERTIFICATES} is unset (an http registry), and do load them once it
 * is set (so that this test can see them).
 */
class TlsColdPathTest {
  static final Predicate<String> TLS = name -> name.startsWith("javax.net.ssl.")
      || name.equals("java.security.KeyStore")
      || name.equals("java.security.cert.CertificateFactory")
      || name.equals("dev.registry.client.TrustedTls");

  /** A container start from the environment given, and one invocation that looks up. */
  public static final class Driver implements Consumer<Map<String, String>> {
    @Override
    public void accept(Map<String, String> env) {
      try (LambdaRegistry lambda = LambdaRegistry.create(LambdaSettings.fromEnvironment(env))) {
        lambda.begin(TestContext.alias("prod")).instances("payment-service");
      }
    }
  }

  @TempDir Path dir;

  static Set<String> run(Map<String, String> env) throws Exception {
    List<URL> urls = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
      urls.add(Path.of(entry).toUri().toURL());
    }
    try (RecordingClassLoader loader = new RecordingClassLoader(urls.toArray(URL[]::new))) {
      @SuppressWarnings("unchecked")
      Consumer<Map<String, String>> driver = (Consumer<Map<String, String>>)
          loader.loadClass(Driver.class.getName()).getDeclaredConstructor().newInstance();
      driver.accept(env);
      return loader.loaded;
    }
  }

  @Test
  void noTlsClassLoadsWithoutTrustedCertificatesAndTheyDoWithThem() throws Exception {
    TestCertificates certificates = TestCertificates.create(dir);
    try (RegistryServer server = RegistryServer.builder().host("127.0.0.1").port(0).build().start()) {
      Map<String, String> env = new HashMap<>(Map.of("REGISTRY_URLS", server.uri().toString()));

      Set<String> plain = run(env);
      assertThat(plain).contains("dev.registry.client.UrlConnectionTransport");
      assertThat(plain).as("no TLS class without REGISTRY_TRUSTED_CERTIFICATES").noneMatch(TLS);

      env.put("REGISTRY_TRUSTED_CERTIFICATES", certificates.certificatePem.toString());
      assertThat(run(env)).as("TLS classes with REGISTRY_TRUSTED_CERTIFICATES").anyMatch(TLS);
    }
  }
}
