package dev.registry.client;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.http.HttpTimeoutException;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * How a call to an instance ended, as its caller tells the client with {@link Call#end} or
 * {@link ServiceLookup#report}. The client's ejection counts the outcomes named by {@link
 * RegistryClient.Builder#ejectOn} as failures (by default connection failures, timeouts and
 * gateway errors, Envoy's "consecutive gateway failure"); {@link #CANCELLED} counts neither way;
 * every other outcome is a success, which ends a run of failures.
 */
public enum Outcome {
  /** The instance answered, and not with a server error: any 1xx to 4xx status. */
  SUCCESS,
  /** The instance answered with a server error other than a gateway error: 500, 501, 505 and up. */
  SERVER_ERROR,
  /** The instance answered 502, 503 or 504: it, or what it depends on, cannot serve now. */
  GATEWAY_ERROR,
  /** The caller stopped waiting for an answer (its read or call timeout). */
  TIMEOUT,
  /**
   * No connection could be made (refused, no route, unknown host), or the connection broke
   * before an answer came (reset, closed early).
   */
  CONNECTION_FAILURE,
  /**
   * The call ended for the caller's own reasons (cancelled, or it failed before reaching the
   * instance): it ends the call's count and says nothing about the instance.
   */
  CANCELLED;

  /**
   * The outcome of an HTTP answer: 502, 503 and 504 are {@link #GATEWAY_ERROR}, other 5xx
   * {@link #SERVER_ERROR}, 1xx to 4xx {@link #SUCCESS}.
   *
   * @param status the answer's status code, 100 to 599
   * @return the outcome
   * @throws IllegalArgumentException if the status is outside 100 to 599
   */
  public static Outcome ofStatus(int status) {
    if (status < 100 || status > 599) {
      throw new IllegalArgumentException("status must be 100 to 599: " + status);
    }
    if (status == 502 || status == 503 || status == 504) {
      return GATEWAY_ERROR;
    }
    return status >= 500 ? SERVER_ERROR : SUCCESS;
  }

  /**
   * The outcome of a call that threw, from the exception or any of its causes: a timeout of the
   * JDK's ({@link SocketTimeoutException}, {@link HttpTimeoutException}, {@link
   * TimeoutException}) is {@link #TIMEOUT}; any other {@link IOException} (refused, no route,
   * unknown host, reset, early end of stream) is {@link #CONNECTION_FAILURE}; anything else
   * is {@link #CANCELLED}: nothing shows the instance failed. Frameworks with timeouts of their
   * own classes map those first (the Spring adapter does Netty's).
   *
   * @param failure what the call threw
   * @return the outcome
   */
  public static Outcome of(Throwable failure) {
    if (has(failure, Outcome::isTimeout)) {
      return TIMEOUT;
    }
    return has(failure, t -> t instanceof IOException) ? CONNECTION_FAILURE : CANCELLED;
  }

  private static boolean isTimeout(Throwable t) {
    return t instanceof SocketTimeoutException || t instanceof HttpTimeoutException
        || t instanceof TimeoutException;
  }

  private static boolean has(@Nullable Throwable failure, java.util.function.Predicate<Throwable> test) {
    int depth = 0;
    for (Throwable t = failure; t != null && depth < 32; t = t.getCause(), depth++) {
      if (test.test(t)) {
        return true;
      }
    }
    return false;
  }

  /** Whether an outcome may count as a failure: not {@link #SUCCESS}, not {@link #CANCELLED}. */
  boolean canFail() {
    return this != SUCCESS && this != CANCELLED;
  }
}
