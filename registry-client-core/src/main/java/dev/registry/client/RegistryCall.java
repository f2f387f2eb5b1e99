package dev.registry.client;

import static java.util.Objects.requireNonNull;

import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * One blocking call of a client to the registry, as {@link EventListener#callStarted} hears it:
 * what it does and what it is about. A call is made of its attempts (the retry policy's) and
 * their backoffs; a watch's long-polls are not calls.
 *
 * @param operation what the call does
 * @param stage the stage it is about
 * @param service the service it is about, or null for a call about a whole stage
 *     ({@link Operation#CATALOG})
 */
public record RegistryCall(Operation operation, String stage, @Nullable String service) {

  /**
   * Checks the components.
   *
   * @param operation what the call does
   * @param stage the stage it is about
   * @param service the service it is about, or null
   */
  public RegistryCall {
    requireNonNull(operation, "operation");
    requireNonNull(stage, "stage");
  }

  /** A call about an instance, whose stage is resolved. */
  static RegistryCall about(Operation operation, ServiceInstance instance) {
    return new RegistryCall(operation, requireNonNull(instance.stage(), "stage"), instance.service());
  }

  /** What a call does. */
  public enum Operation {
    /** Registers an instance, or registers it again after the registry forgot it. */
    REGISTER,
    /** Renews an instance's lease: a heartbeat, or an inline client's due renewal. */
    RENEW,
    /** Changes an instance's status. */
    STATUS,
    /** Removes an instance. */
    DEREGISTER,
    /** Reads one service's view: its first lookup, or a refresh. */
    DISCOVER,
    /** Reads every service of a stage: a warm-up, the list of services, a polled stage. */
    CATALOG,
    /** Reads one service's configuration: its first read, or a refresh. */
    CONFIG,
    /**
     * Declares a service's configuration keys, writing their defaults where no value exists; its
     * stage is the client's own.
     */
    DECLARE;

    /**
     * Returns the operation's name in lower case, as meters and spans name it.
     *
     * @return {@code register}, {@code renew}, {@code status}, {@code deregister},
     *     {@code discover}, {@code catalog}, {@code config} or {@code declare}
     */
    public String tag() {
      return name().toLowerCase(Locale.ROOT);
    }
  }
}
