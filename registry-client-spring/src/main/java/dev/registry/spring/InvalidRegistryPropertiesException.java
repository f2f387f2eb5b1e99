package dev.registry.spring;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One or more {@code registry.*} properties the application cannot start with: thrown when
 * Spring binds them (or, for the service name, when the registration is made), and reported by
 * Spring Boot's failure analysis ({@code RegistryPropertiesFailureAnalyzer}) with each
 * property as the application wrote it, where it was set, its value, the rule it breaks and
 * the fix.
 */
public final class InvalidRegistryPropertiesException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  /** Serialized: see the accessor. */
  private final List<Problem> problems;

  /**
   * One property and what is wrong with it.
   *
   * @param property the property's name in its canonical form ({@code registry.lease-ttl})
   * @param value its value as bound, or null when it has none
   * @param rule what is wrong, naming the value (the core's message, for the client's values)
   * @param fix what to do about it
   */
  public record Problem(String property, @Nullable String value, String rule, String fix) {
    /**
     * Checks the components.
     *
     * @throws NullPointerException if a component other than the value is null
     */
    public Problem {
      requireNonNull(property, "property");
      requireNonNull(rule, "rule");
      requireNonNull(fix, "fix");
    }
  }

  /**
   * Creates the exception.
   *
   * @param problems one or more problems (copied)
   * @throws IllegalArgumentException if there is none
   */
  public InvalidRegistryPropertiesException(List<Problem> problems) {
    super(message(problems));
    this.problems = List.copyOf(problems);
  }

  private static String message(List<Problem> problems) {
    if (problems.isEmpty()) {
      throw new IllegalArgumentException("problems must not be empty");
    }
    StringBuilder message = new StringBuilder("Invalid registry properties:");
    for (Problem p : problems) {
      message.append("\n  ").append(p.property())
          .append(p.value() == null ? "" : " = " + p.value()).append(": ").append(p.rule())
          .append(". ").append(p.fix());
    }
    return message.toString();
  }

  /**
   * Returns what is wrong, one problem per property, in the order of the properties.
   *
   * @return the problems (immutable)
   */
  public List<Problem> problems() {
    return problems;
  }
}
