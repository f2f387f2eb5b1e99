package dev.registry.client.memory;

import dev.registry.client.RegistryUnavailableException;
import dev.registry.client.ServiceInstance;
import dev.registry.client.ServiceView;
import dev.registry.client.Status;
import dev.registry.client.spi.BackendContext;
import dev.registry.client.spi.Registered;
import dev.registry.client.spi.RegistryBackend;
import dev.registry.client.spi.RegistryBackendProvider;
import dev.registry.client.spi.StageViews;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A second backend, written against the SPI alone, as a module of its own would be: registries
 * in memory, named by the host of {@code memory://name} URLs, that can be read but not watched
 * (the core polls them). Found through {@code META-INF/services} of the test class path.
 */
public final class MemoryBackendProvider implements RegistryBackendProvider {
  /** The registries by name; each test uses names of its own. */
  static final Map<String, Memory> REGISTRIES = new ConcurrentHashMap<>();

  /** Made by ServiceLoader. */
  public MemoryBackendProvider() {}

  @Override
  public Set<String> schemes() {
    return Set.of("memory");
  }

  @Override
  public void checkUrl(URI url) {
    if (url.getHost() == null) {
      throw new IllegalArgumentException("a memory registry needs a name: '" + url + "'");
    }
  }

  @Override
  public RegistryBackend create(BackendContext context) {
    return new Backend(REGISTRIES.computeIfAbsent(context.registryUrls().get(0).getHost(), n -> new Memory()));
  }

  /** One registry: instances by stage and service, one index for every change. */
  static final class Memory {
    final AtomicInteger discovers = new AtomicInteger();
    final AtomicInteger catalogs = new AtomicInteger();
    private final Map<String, Map<String, Map<String, ServiceInstance>>> stages = new TreeMap<>();
    private final Map<String, Long> indexes = new ConcurrentHashMap<>();
    private long index;
    volatile boolean down;

    synchronized boolean put(ServiceInstance instance, boolean onlyIfThere) {
      Map<String, ServiceInstance> ids = stages.computeIfAbsent(instance.stage(), s -> new TreeMap<>())
          .computeIfAbsent(instance.service(), s -> new LinkedHashMap<>());
      if (onlyIfThere && !ids.containsKey(instance.id())) {
        return false;
      }
      if (!instance.equals(ids.put(instance.id(), instance))) {
        indexes.put(instance.stage() + "/" + instance.service(), ++index);
      }
      return true;
    }

    synchronized boolean remove(ServiceInstance instance) {
      Map<String, ServiceInstance> ids = stages.getOrDefault(instance.stage(), Map.of())
          .getOrDefault(instance.service(), new LinkedHashMap<>());
      boolean known = ids.remove(instance.id()) != null;
      if (known) {
        indexes.put(instance.stage() + "/" + instance.service(), ++index);
      }
      return known;
    }

    synchronized ServiceView view(String service, String stage) {
      List<ServiceInstance> instances = new ArrayList<>(
          stages.getOrDefault(stage, Map.of()).getOrDefault(service, Map.of()).values());
      return new ServiceView(service, stage, indexes.getOrDefault(stage + "/" + service, 0L), instances, false);
    }

    synchronized List<String> stagesOf(String service) {
      List<String> holding = new ArrayList<>();
      stages.forEach((stage, services) -> {
        if (!services.getOrDefault(service, Map.of()).isEmpty()) {
          holding.add(stage);
        }
      });
      return holding;
    }

    synchronized StageViews catalog(String stage) {
      Map<String, ServiceView> views = new LinkedHashMap<>();
      for (String service : stages.getOrDefault(stage, Map.of()).keySet()) {
        ServiceView view = view(service, stage);
        if (!view.instances().isEmpty()) {
          views.put(service, view);
        }
      }
      return new StageViews(stage, index, null, true, views);
    }
  }

  /** The backend of one client over a registry. */
  private static final class Backend implements RegistryBackend {
    private final Memory memory;

    Backend(Memory memory) {
      this.memory = memory;
    }

    private void reachable() {
      if (memory.down) {
        throw new RegistryUnavailableException("the memory registry is down", 0, null);
      }
    }

    @Override
    public Registered register(ServiceInstance instance, String handle, Duration timeout) {
      reachable();
      memory.put(instance, false);
      return new Registered(instance, null);
    }

    @Override
    public boolean renew(Registered registration, Duration timeout) {
      reachable();
      return memory.view(registration.instance().service(), registration.instance().stage())
          .instances().contains(registration.instance());
    }

    @Override
    public boolean status(Registered registration, Status status, Duration timeout) {
      reachable();
      return memory.put(registration.instance().withStatus(status), true);
    }

    @Override
    public boolean deregister(Registered registration, Duration timeout) {
      reachable();
      return memory.remove(registration.instance());
    }

    @Override
    public StageViews discover(String service, String stage, Duration timeout) {
      reachable();
      memory.discovers.incrementAndGet();
      ServiceView view = memory.view(service, stage);
      return new StageViews(stage, view.index(), null, true, Map.of(service, view));
    }

    @Override
    public List<String> stagesOf(String service, Duration timeout) {
      reachable();
      return memory.stagesOf(service);
    }

    @Override
    public Optional<StageViews> catalog(String stage, Duration timeout) {
      reachable();
      memory.catalogs.incrementAndGet();
      return Optional.of(memory.catalog(stage));
    }
  }
}
