package dev.registry.client;

/**
 * Told of every change of one service's configuration, given to
 * {@link ServiceLookup#watchConfig(String, ConfigListener)}; first of the configuration as it
 * is when the listener subscribes.
 *
 * <p>Before a new configuration is taken, every listener's {@link #check} sees it: one that
 * throws rejects it, and the client keeps serving the configuration it has, does not report the
 * new index as applied, and logs the rejection (validate, then swap). Then every listener hears
 * {@link #onChange}.
 *
 * <p>Called on the client's background threads (or, without background refresh, on the thread
 * whose lookup refreshed the configuration), one call at a time per service: return quickly
 * and do not block. An exception {@code onChange} throws is logged and otherwise ignored.
 */
@FunctionalInterface
public interface ConfigListener {

  /**
   * The configuration changed, or became stale or fresh again; or, at the subscription, this
   * is the configuration as it is.
   *
   * @param change the configuration before and after, and the keys whose values differ
   */
  void onChange(ConfigChange change);

  /**
   * Checks a configuration before the client takes it. The default accepts it.
   *
   * @param next the configuration the registry answered
   * @throws IllegalArgumentException (or any runtime exception) to reject it, with the reason
   */
  default void check(ConfigView next) {}
}
