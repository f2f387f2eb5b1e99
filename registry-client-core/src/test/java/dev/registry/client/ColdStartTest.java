package dev.registry.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/** Nothing loads OkHttp or Jackson before the first request (Lambda cold start). */
class ColdStartTest {

  /** Loads every class itself (child-first) and remembers which. */
  static final class RecordingLoader extends URLClassLoader {
    final Set<String> loaded = ConcurrentHashMap.newKeySet();

    RecordingLoader(URL[] urls) {
      super(urls, ClassLoader.getPlatformClassLoader());
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
      loaded.add(name);
      return super.loadClass(name, resolve);
    }
  }

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

  @Test
  void buildingAClientLoadsNeitherOkHttpNorJackson() throws Exception {
    List<URL> urls = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
      urls.add(Path.of(entry).toUri().toURL());
    }
    try (RecordingLoader loader = new RecordingLoader(urls.toArray(URL[]::new))) {
      // Reflection on the builder would load every parameter type; a driver calls it plainly.
      Runnable driver = (Runnable) loader.loadClass(Driver.class.getName())
          .getDeclaredConstructor().newInstance();
      driver.run();

      assertThat(loader.loaded).contains("dev.registry.client.internal.RealRegistryClient");
      assertThat(loader.loaded).noneMatch(name -> name.startsWith("okhttp3.")
          || name.startsWith("okio.") || name.startsWith("kotlin.")
          || name.startsWith("com.fasterxml.jackson."));
    }
  }
}
