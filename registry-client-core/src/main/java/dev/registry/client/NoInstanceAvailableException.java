package dev.registry.client;

/**
 * {@link RegistryClient#choose(String)} found no {@link Status#UP} instance of the service.
 * Thrown instead of returning null.
 */
public class NoInstanceAvailableException extends RegistryException {
  private static final long serialVersionUID = 1L;

  /** Serialized: see the accessor. */
  private final String service;
  /** Serialized: see the accessor. */
  private final String stage;

  /**
   * Creates an exception.
   *
   * @param service the service looked up
   * @param stage the stage looked in
   */
  public NoInstanceAvailableException(String service, String stage) {
    super("No UP instance of service '" + service + "' in stage '" + stage + "'");
    this.service = service;
    this.stage = stage;
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
}
