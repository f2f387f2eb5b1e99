package dev.registry.spring;

import dev.registry.client.NoInstanceAvailableException;
import dev.registry.client.RegistryException;
import dev.registry.client.RegistryRejectedException;
import dev.registry.client.RegistryUnavailableException;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;

/**
 * Reports a registry failure that stopped the startup (the registration of an application
 * annotated with {@code @EnableServiceRegistration}, or a lookup made while starting) in a few
 * lines naming the registry, instead of a stack trace with the URL in a {@code Caused by:}: a
 * registry that cannot be reached, a URL that is not a registry, a missing or wrong token, a
 * refused registration, a service found only in other stages, or a configuration import
 * ({@code spring.config.import=registry:}) that could not be read.
 */
@Order(Ordered.HIGHEST_PRECEDENCE)
final class RegistryFailureAnalyzer extends AbstractFailureAnalyzer<RegistryException> {
  private final @Nullable Environment environment;

  /** Spring Boot passes the environment; null when the failure came before it. */
  RegistryFailureAnalyzer(@Nullable Environment environment) {
    this.environment = environment;
  }

  @Override
  protected FailureAnalysis analyze(Throwable rootFailure, RegistryException cause) {
    RegistryConfigImportException configImport = findCause(rootFailure, RegistryConfigImportException.class);
    if (configImport != null) {
      // Before any bean, with no environment here: the import's message names the URLs.
      return new FailureAnalysis(configImport.getMessage() + "\n",
          "Start the registry, or point registry.urls at the one that runs. To start without the"
              + " registry's configuration until it answers, write"
              + " spring.config.import=optional:registry:.", cause);
    }
    String urls = urlsInUse();
    if (cause instanceof RegistryUnavailableException) {
      return new FailureAnalysis("The registry could not be reached while the application started"
          + " (" + urls + "):\n\n    " + cause.getMessage() + "\n",
          "Start the registry, or point registry.urls at the one that runs. To start while it is"
              + " away, an application that only calls others needs no registry at startup: leave"
              + " out @EnableServiceRegistration, or set registry.register=false.", cause);
    }
    if (cause instanceof RegistryRejectedException rejected) {
      return new FailureAnalysis("The registry refused a request while the application started"
          + " (" + urls + "):\n\n    " + cause.getMessage() + "\n", action(rejected), cause);
    }
    if (cause instanceof NoInstanceAvailableException none && !none.otherStages().isEmpty()) {
      return new FailureAnalysis(cause.getMessage() + ".\n", "This application looks in stage '"
          + none.stage() + "'. Set registry.stage to the stage the service runs in, or register"
          + " " + none.service() + " in stage '" + none.stage() + "'.", cause);
    }
    return new FailureAnalysis(cause.getMessage() + " (" + urls + ").\n",
        "See the registry's error above; docs/api.md lists every error code.", cause);
  }

  private static String action(RegistryRejectedException rejected) {
    return switch (rejected.errorCode()) {
      case "not_found" -> "Set registry.urls to the registry's own URL: the scheme, host and port"
          + " (http://127.0.0.1:5001), with a path only when the registry is served under one.";
      case "unauthorized" -> "Set registry.token to the registry's token (the server's --token or"
          + " REGISTRY_TOKEN), for example from an environment variable: REGISTRY_TOKEN=... java"
          + " -jar app.jar.";
      case "forbidden" -> "Another instance holds this address with its own secret: give this"
          + " application another registry.instance-id or address, or stop the other one.";
      default -> "Fix what the registry names above (docs/api.md lists every error code);"
          + " registry.address, registry.host, registry.port and registry.metadata.* make the"
          + " registered instance.";
    };
  }

  /** {@code registry.urls = ...} as the application set it, or the default. */
  private String urlsInUse() {
    for (String name : new String[] {"registry.urls", "registry.url"}) {
      WrittenProperty written = WrittenProperty.find(environment, name, null);
      if (written.value() != null) {
        return written.name() + " = " + written.value();
      }
    }
    return "registry.urls is not set: the default, http://127.0.0.1:5001";
  }
}
