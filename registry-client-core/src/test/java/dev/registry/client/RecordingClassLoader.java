package dev.registry.client;

import java.net.URL;
import java.net.URLClassLoader;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Loads every class itself (child-first over the platform loader) and remembers which were
 * asked for: the cold-start tests run a path in it and check what that path loaded.
 */
public final class RecordingClassLoader extends URLClassLoader {
  /** Every class name asked of this loader. */
  public final Set<String> loaded = ConcurrentHashMap.newKeySet();

  /** @param urls the class path to load from */
  public RecordingClassLoader(URL[] urls) {
    super(urls, ClassLoader.getPlatformClassLoader());
  }

  @Override
  protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
    loaded.add(name);
    return super.loadClass(name, resolve);
  }
}
