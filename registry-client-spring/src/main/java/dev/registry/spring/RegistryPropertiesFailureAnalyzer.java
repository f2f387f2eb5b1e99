package dev.registry.spring;

import dev.registry.spring.InvalidRegistryPropertiesException.Problem;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;

/**
 * Reports {@code registry.*} properties the application cannot start with
 * ({@link InvalidRegistryPropertiesException}) in Spring Boot's "APPLICATION FAILED TO START"
 * block instead of a stack trace: each property as the application wrote it, its value, where it
 * was set and the rule it breaks, then what to do. Registered in {@code spring.factories}; ahead
 * of Spring Boot's own analyzers, which would report the binding's exception in general terms.
 */
@Order(Ordered.HIGHEST_PRECEDENCE)
final class RegistryPropertiesFailureAnalyzer
    extends AbstractFailureAnalyzer<InvalidRegistryPropertiesException> {
  private final @Nullable Environment environment;

  /** Spring Boot passes the environment; null when the failure came before it. */
  RegistryPropertiesFailureAnalyzer(@Nullable Environment environment) {
    this.environment = environment;
  }

  @Override
  protected FailureAnalysis analyze(Throwable rootFailure, InvalidRegistryPropertiesException cause) {
    int count = cause.problems().size();
    StringBuilder description = new StringBuilder(count == 1
        ? "A registry property is not valid:\n" : count + " registry properties are not valid:\n");
    StringBuilder action = new StringBuilder();
    for (Problem p : cause.problems()) {
      WrittenProperty written = WrittenProperty.find(environment, p.property(), p.value());
      if (p.property().equals("registry.token")) {
        written = new WrittenProperty(written.name(), "(not shown)", written.origin());
      }
      description.append("\n    ").append(written).append("\n        ").append(p.rule()).append('\n');
      action.append(action.isEmpty() ? "" : "\n").append(written.name()).append(": ").append(p.fix());
    }
    return new FailureAnalysis(description.toString(), action.toString(), cause);
  }
}
