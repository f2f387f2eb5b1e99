package dev.registry.spring;

import dev.registry.client.ConfigView;
import dev.registry.client.InlineRegistryClient;
import dev.registry.client.RegistryClient;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Where the configuration imports of one application read from, kept in Spring Boot's bootstrap
 * context and then in the application context: before the application's client exists (the
 * first load), a client of its own for one read, closed at once; once the application runs, the
 * application's client, whose cache the watch keeps fresh, so that a refresh reads no network.
 * Remembers each import and the index it loaded, for {@link RegistryConfigRefresher}.
 */
final class RegistryConfigSource {
  private volatile @Nullable RegistryClient client;
  private final Map<RegistryConfigDataResource, Long> loaded = new ConcurrentHashMap<>();

  /**
   * Reads the configuration of an import: from the application's client once it runs, else with
   * a one-off client (no thread, retries per the default policy).
   *
   * @throws dev.registry.client.RegistryException if the registry could not be reached
   */
  ConfigView read(RegistryConfigDataResource resource) {
    // Known before the read, so that an optional import the registry could not answer is
    // watched all the same, and its configuration arrives with the watch's first answer.
    loaded.putIfAbsent(resource, -1L);
    RegistryClient running = client;
    ConfigView view;
    if (running != null) {
      view = running.inStage(resource.stage).config(resource.service);
    } else {
      try (InlineRegistryClient once = RegistryAutoConfiguration.builder(resource.properties, resource.stage)
          .buildInline()) {
        view = once.config(resource.service);
      }
    }
    loaded.put(resource, view.index());
    return view;
  }

  /** From now on, reads go to the application's client. */
  void use(RegistryClient applicationClient) {
    client = applicationClient;
  }

  /** The imports so far, each with the index it loaded last (-1 for none). */
  Map<RegistryConfigDataResource, Long> loaded() {
    return Map.copyOf(loaded);
  }

  List<RegistryConfigDataResource> imports() {
    return List.copyOf(loaded.keySet());
  }
}
