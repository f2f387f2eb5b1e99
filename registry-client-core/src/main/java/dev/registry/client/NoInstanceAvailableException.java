package dev.registry.client;

import java.util.List;

/**
 * {@link RegistryClient#choose(String)} found no {@link Status#UP} instance of the service.
 * Thrown instead of returning null. When the service has no instance at all in the stage looked
 * in but has some in others, the message names them ("... in stage 'caller'; it is registered
 * in stage(s) 'greeting'"): a client looking in the wrong stage is the common cause.
 */
public class NoInstanceAvailableException extends RegistryException {
  private static final long serialVersionUID = 1L;

  /** Serialized: see the accessor. */
  private final String service;
  /** Serialized: see the accessor. */
  private final String stage;
  /** Serialized: see the accessor. */
  private final List<String> otherStages;

  /**
   * Creates an exception.
   *
   * @param service the service looked up
   * @param stage the stage looked in
   */
  public NoInstanceAvailableException(String service, String stage) {
    this(service, stage, List.of());
  }

  /**
   * Creates an exception that names where else the service is registered.
   *
   * @param service the service looked up
   * @param stage the stage looked in
   * @param otherStages the stages in which the service has instances; empty when none, or when
   *     the registry could not tell (copied)
   */
  public NoInstanceAvailableException(String service, String stage, List<String> otherStages) {
    super("No UP instance of service '" + service + "' in stage '" + stage + "'"
        + (otherStages.isEmpty() ? "" : "; it is registered in " + stages(otherStages)));
    this.service = service;
    this.stage = stage;
    this.otherStages = List.copyOf(otherStages);
  }

  /** {@code stage(s) 'a', 'b'}, as the message and the client's log say it. */
  static String stages(List<String> stages) {
    StringBuilder named = new StringBuilder("stage(s) ");
    for (int i = 0; i < stages.size(); i++) {
      named.append(i == 0 ? "'" : ", '").append(stages.get(i)).append('\'');
    }
    return named.toString();
  }

  /**
   * Returns the service that was looked up.
   *
   * @return the service name
   */
  public String service() {
    return service;
  }

  /**
   * Returns the stage that was looked in.
   *
   * @return the stage name
   */
  public String stage() {
    return stage;
  }

  /**
   * Returns the other stages in which the service has instances, when the stage looked in has
   * none.
   *
   * @return the stages, sorted; empty when the service has instances in the stage looked in
   *     (none of them UP), none anywhere, or the registry could not tell
   */
  public List<String> otherStages() {
    return otherStages;
  }
}
