package dev.registry.spring;

import static java.util.Objects.requireNonNull;

import dev.registry.client.ConfigChange;
import dev.registry.client.ConfigListener;
import dev.registry.client.ConfigView;
import dev.registry.client.RegistryClient;
import dev.registry.client.Watch;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.context.properties.ConfigurationPropertiesBean;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.PropertySourcesPlaceholdersResolver;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.cloud.endpoint.event.RefreshEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.MutablePropertySources;

/**
 * Keeps the configuration imported with {@code spring.config.import=registry:} current while
 * the application runs: once it is ready, the application's client watches each import, and a
 * change publishes Spring Cloud's {@link RefreshEvent}. Spring Cloud Context does the rest, as
 * for any refresh: its {@code ContextRefresher} loads the imports again (from the client's
 * cache, {@link RegistryConfigSource}), replaces their property sources, publishes the {@code
 * EnvironmentChangeEvent} with the changed keys, and its {@code ConfigurationPropertiesRebinder}
 * rebinds the {@code @ConfigurationProperties} beans ({@code @RefreshScope} beans are refreshed
 * too).
 *
 * <p>Validate, then swap: before the client takes a change, every {@code
 * @ConfigurationProperties} bean's type is bound, as a new instance, to the environment with the
 * new values; a value that does not bind (a duration that is not one) rejects the change. The
 * beans keep their values, the client keeps the configuration it had and does not report the
 * new index as applied, and the rejection is logged.
 */
final class RegistryConfigRefresher implements ApplicationListener<ApplicationReadyEvent>, DisposableBean {
  private static final Logger LOG = LoggerFactory.getLogger(RegistryConfigRefresher.class);

  private final RegistryConfigSource source;
  private final RegistryClient client;
  private final ConfigurableApplicationContext context;
  private final List<Watch> watches = new ArrayList<>();

  RegistryConfigRefresher(RegistryConfigSource source, RegistryClient client, ConfigurableApplicationContext context) {
    this.source = source;
    this.client = client;
    this.context = context;
  }

  @Override
  public void onApplicationEvent(ApplicationReadyEvent event) {
    if (event.getApplicationContext() != context) {
      return;
    }
    source.use(client);
    Map<RegistryConfigDataResource, Long> loaded = source.loaded();
    synchronized (watches) {
      if (!watches.isEmpty()) {
        return;
      }
      for (RegistryConfigDataResource resource : source.imports()) {
        watches.add(client.inStage(resource.stage).watchConfig(resource.service,
            new Listener(resource, loaded.getOrDefault(resource, -1L))));
      }
    }
  }

  @Override
  public void destroy() {
    synchronized (watches) {
      watches.forEach(Watch::close);
      watches.clear();
    }
  }

  /** One import's watch: a refresh when the index moves past what the environment holds. */
  private final class Listener implements ConfigListener {
    private final RegistryConfigDataResource resource;
    /** The index of the configuration in the environment: the one loaded, then each refreshed. */
    private long refreshed;

    Listener(RegistryConfigDataResource resource, long loaded) {
      this.resource = resource;
      this.refreshed = loaded;
    }

    @Override
    public void onChange(ConfigChange change) {
      ConfigView view = change.current();
      if (view.index() == refreshed || !context.isActive()) {
        return;  // the same configuration, confirmed or marked stale; or the application is closing
      }
      refreshed = view.index();
      LOG.info("The configuration of {} changed (index {}: {}); refreshing", resource.service, view.index(),
          change.changedKeys());
      context.publishEvent(new RefreshEvent(this, change, "registry configuration " + resource.propertySourceName()
          + " at index " + view.index()));
    }

    @Override
    public void check(ConfigView next) {
      MutablePropertySources sources = new MutablePropertySources(context.getEnvironment().getPropertySources());
      String name = resource.propertySourceName();
      Map<String, Object> values = new LinkedHashMap<>(next.asMap());
      if (sources.contains(name)) {
        sources.replace(name, new MapPropertySource(name, values));
      } else {
        sources.addFirst(new MapPropertySource(name, values));  // an optional import that was skipped
      }
      Binder binder = new Binder(ConfigurationPropertySources.from(sources), new PropertySourcesPlaceholdersResolver(sources),
          context.getBeanFactory().getConversionService());
      for (ConfigurationPropertiesBean bean : ConfigurationPropertiesBean.getAll(context).values()) {
        Class<?> type = requireNonNull(bean.asBindTarget().getType().resolve());
        try {
          binder.bind(bean.getAnnotation().prefix(), Bindable.of(type));
        } catch (BindException e) {
          throw new IllegalArgumentException("@ConfigurationProperties(\"" + bean.getAnnotation().prefix() + "\") "
              + type.getSimpleName() + " would not bind: " + (e.getCause() != null ? e.getCause().getMessage()
              : e.getMessage()), e);
        }
      }
    }
  }
}
