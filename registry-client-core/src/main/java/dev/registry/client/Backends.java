package dev.registry.client;

import dev.registry.client.spi.RegistryBackendProvider;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.ServiceLoader;
import java.util.TreeSet;

/**
 * Picks the {@link RegistryBackendProvider} of registry URLs by their scheme, among those
 * {@link ServiceLoader} finds with the class loader that loaded the SPI (a user's class loader
 * would find providers whose SPI is another copy).
 */
final class Backends {
  private Backends() {}

  /**
   * Returns the provider that serves every URL's scheme, having it check each URL.
   *
   * @throws IllegalArgumentException if a URL is not absolute, no provider serves its scheme
   *     (naming the schemes there are), the URLs need different providers, or the provider
   *     refuses one
   */
  static RegistryBackendProvider providerFor(List<URI> urls) {
    List<RegistryBackendProvider> providers = new ArrayList<>();
    ServiceLoader.load(RegistryBackendProvider.class, RegistryBackendProvider.class.getClassLoader())
        .forEach(providers::add);
    RegistryBackendProvider chosen = null;
    for (URI url : urls) {
      String scheme = url.getScheme();
      if (scheme == null || !url.isAbsolute() || url.toString().length() > 2048) {
        throw new IllegalArgumentException(
            "registry URL must be an absolute URI of at most 2048 characters: '" + url + "'");
      }
      RegistryBackendProvider provider = serving(providers, scheme.toLowerCase(Locale.ROOT));
      if (provider == null) {
        throw new IllegalArgumentException("registry URL '" + url + "' has the scheme '" + scheme
            + "', which no backend on the class path serves; schemes served: " + schemes(providers));
      }
      if (chosen != null && provider != chosen) {
        throw new IllegalArgumentException("registry URLs must all be of one backend's schemes: "
            + chosen.schemes() + " and " + provider.schemes() + " in " + urls);
      }
      provider.checkUrl(url);
      chosen = provider;
    }
    if (chosen == null) {
      throw new IllegalArgumentException("registry URLs must not be empty: " + urls);
    }
    return chosen;
  }

  private static RegistryBackendProvider serving(List<RegistryBackendProvider> providers, String scheme) {
    for (RegistryBackendProvider p : providers) {
      if (p.schemes().contains(scheme)) {
        return p;
      }
    }
    return null;
  }

  private static String schemes(List<RegistryBackendProvider> providers) {
    TreeSet<String> all = new TreeSet<>();
    providers.forEach(p -> all.addAll(p.schemes()));
    return all.isEmpty() ? "none" : String.join(", ", all);
  }
}
