package dev.registry.spring;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

/**
 * Reports a {@code registry.*} value that Spring could not convert to its type
 * ({@code registry.lease-ttl=2 hours}, {@code registry.port=eighty}): the property as written, its
 * value, where it was set, and how to write a value of that type. Values of the right type that
 * break a rule are {@link RegistryPropertiesFailureAnalyzer}'s.
 */
@Order(Ordered.HIGHEST_PRECEDENCE)
final class RegistryBindFailureAnalyzer extends AbstractFailureAnalyzer<BindException> {
  private static final ConfigurationPropertyName REGISTRY = ConfigurationPropertyName.of("registry");

  /** Made by Spring Boot. */
  RegistryBindFailureAnalyzer() {}

  @Override
  protected FailureAnalysis analyze(Throwable rootFailure, BindException cause) {
    ConfigurationProperty property = cause.getProperty();
    if (property == null || !REGISTRY.isAncestorOf(cause.getName())
        || findCause(rootFailure, InvalidRegistryPropertiesException.class) != null) {
      return null;
    }
    TypeHint hint = TypeHint.of(cause.getTarget().getType().resolve(Object.class));
    WrittenProperty written = WrittenProperty.of(property);
    return new FailureAnalysis("A registry property is not valid:\n\n    " + written + "\n        "
        + "it cannot be read as " + hint.what() + ": " + reason(cause) + "\n",
        written.name() + ": " + hint.how(), cause);
  }

  private static String reason(BindException cause) {
    Throwable root = cause;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getMessage();
  }

  /** How a value of one type reads, and how to write one. */
  private record TypeHint(String what, String how) {
    static TypeHint of(Class<?> type) {
      if (type == Duration.class) {
        return new TypeHint("a duration", "Write a duration such as 15s, 500ms, 2m or 1h (or ISO-8601: PT15S).");
      }
      if (type == URI.class) {
        return new TypeHint("a URL", "Write a URL such as http://127.0.0.1:5001.");
      }
      if (type == Integer.class || type == int.class) {
        return new TypeHint("a whole number", "Write a whole number, such as 8080.");
      }
      if (type == Boolean.class || type == boolean.class) {
        return new TypeHint("true or false", "Write true or false.");
      }
      if (type == Path.class) {
        return new TypeHint("a file path", "Write a file path, such as /etc/registry/ca.pem.");
      }
      return new TypeHint("a " + type.getSimpleName(), "Write a value of type " + type.getSimpleName() + ".");
    }
  }
}
