package dev.registry.client;

/**
 * Told of every change of one service's view, given to
 * {@link RegistryClient#watch(String, ServiceListener)}.
 *
 * <p>Called on the client's background threads (or, without background refresh, on the
 * thread whose lookup refreshed the view), one call at a time per service: return quickly
 * and do not block. An exception it throws is logged and otherwise ignored.
 */
@FunctionalInterface
public interface ServiceListener {

  /**
   * The view changed: an instance came, went or changed, or the view became stale or fresh
   * again.
   *
   * @param view the new view
   */
  void onChange(ServiceView view);
}
