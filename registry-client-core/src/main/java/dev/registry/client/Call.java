package dev.registry.client;

/**
 * A call to an instance that {@link ServiceLookup#startCall} picked: counted as in flight until
 * it {@link #end ends}, and ended with its {@link Outcome}, which feeds the client's ejection as
 * {@link ServiceLookup#report} does. The least-loaded balancer ({@link
 * LoadBalancer#leastLoaded()}) picks by these counts; the other built-ins ignore them.
 *
 * <pre>{@code
 * Call call = registry.startCall("user-service");
 * try {
 *   HttpResponse<String> answer = http.send(requestTo(call.instance()), ofString());
 *   call.end(Outcome.ofStatus(answer.statusCode()));
 * } catch (IOException e) {
 *   call.end(Outcome.of(e));       // TIMEOUT, CONNECTION_FAILURE
 *   throw e;
 * }
 * }</pre>
 *
 * <p>End each call exactly once. The handle is the instance's own, shared by every call to it in
 * flight (so that starting a call allocates nothing): ending it twice ends another call. A call
 * never ended stops counting by itself after one to two refresh intervals
 * ({@link RegistryClient.Builder#refreshInterval}), so a lost end (a cancelled reactive call)
 * never starves an instance. Thread-safe.
 */
public interface Call {

  /**
   * The instance this call goes to.
   *
   * @return the picked instance
   */
  ServiceInstance instance();

  /**
   * Ends the call: it no longer counts as in flight, and its outcome is reported to the
   * client's ejection (as {@link ServiceLookup#report} does).
   *
   * @param outcome how the call ended
   * @throws NullPointerException if {@code outcome} is null
   */
  void end(Outcome outcome);
}
