package dev.registry.client;

/**
 * The status of a registered service instance, as the registry stores it. Discovery lists
 * instances of every status; {@link RegistryClient#choose(String)} picks only {@link #UP} ones.
 */
public enum Status {
  /** Ready to take traffic. The default status of a new registration. */
  UP,
  /** Running but unable to serve (for example, a failing dependency). */
  DOWN,
  /** Started but not ready yet. */
  STARTING,
  /** Taken out of rotation on purpose (for example, for maintenance). */
  OUT_OF_SERVICE
}
