package dev.registry.client;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client's logger, made at its first use: slf4j's initialisation (finding a provider)
 * costs a Lambda cold start some 20 ms, and a client that has nothing to say should not pay
 * it. Nothing on the inline path logs unless something goes wrong.
 */
final class Logs {
  private Logs() {}

  private static final class Holder {
    static final Logger LOG = LoggerFactory.getLogger("dev.registry.client");
  }

  /** The logger {@code dev.registry.client}. */
  static Logger log() {
    return Holder.LOG;
  }
}
