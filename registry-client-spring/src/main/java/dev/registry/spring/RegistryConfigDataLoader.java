package dev.registry.spring;

import dev.registry.client.ConfigView;
import dev.registry.client.RegistryException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.bootstrap.BootstrapRegistry;
import org.springframework.boot.bootstrap.ConfigurableBootstrapContext;
import org.springframework.boot.context.config.ConfigData;
import org.springframework.boot.context.config.ConfigDataLoader;
import org.springframework.boot.context.config.ConfigDataLoaderContext;
import org.springframework.boot.context.config.ConfigDataResourceNotFoundException;
import org.springframework.core.env.MapPropertySource;

/**
 * Loads {@code spring.config.import=registry:} into the {@code Environment}, before any bean is
 * made: the configuration's values as one property source, named {@code
 * registry:<service>@<stage>}. When the registry cannot be reached the application does not
 * start, with a message that says so and how to start without it; an {@code optional:registry:}
 * import is skipped instead (and its keys come later, with the first change the watch hears).
 * Runs again at each refresh (Spring Cloud's {@code ContextRefresher}), then from the
 * application client's cache. Listed in {@code META-INF/spring.factories}.
 */
public final class RegistryConfigDataLoader implements ConfigDataLoader<RegistryConfigDataResource> {

  /** Made by Spring Boot. */
  public RegistryConfigDataLoader() {}

  @Override
  public ConfigData load(ConfigDataLoaderContext context, RegistryConfigDataResource resource)
      throws ConfigDataResourceNotFoundException {
    RegistryConfigSource source = source(context.getBootstrapContext());
    ConfigView view;
    try {
      view = source.read(resource);
    } catch (RegistryException | UnsupportedOperationException e) {
      if (resource.optional) {
        throw new ConfigDataResourceNotFoundException(resource, e);
      }
      throw new RegistryConfigImportException("spring.config.import=registry: cannot read " + resource + ": " + e.getMessage()
          + ". Start the registry, or write optional:registry: to start without its configuration", e);
    }
    Map<String, Object> values = new LinkedHashMap<>(view.asMap());
    return new ConfigData(List.of(new MapPropertySource(resource.propertySourceName(), values)));
  }

  /** The bootstrap context's source, made at the first import and handed to the application context. */
  private static RegistryConfigSource source(ConfigurableBootstrapContext bootstrap) {
    if (!bootstrap.isRegistered(RegistryConfigSource.class)) {
      bootstrap.register(RegistryConfigSource.class, BootstrapRegistry.InstanceSupplier.of(new RegistryConfigSource()));
      bootstrap.addCloseListener(event -> event.getApplicationContext().getBeanFactory()
          .registerSingleton("registryConfigSource", event.getBootstrapContext().get(RegistryConfigSource.class)));
    }
    return bootstrap.get(RegistryConfigSource.class);
  }
}
