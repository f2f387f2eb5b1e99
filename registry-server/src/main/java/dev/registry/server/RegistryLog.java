package dev.registry.server;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * The log of what happens to instances: one line when an instance is registered, deregistered
 * or expires, with the request ID of the request that did it (none for an expiry, even one
 * that a request noticed). An update or
 * renewal of a held instance is logged at DEBUG only, and a heartbeat not at all, so that the log
 * stays quiet under the steady load of heartbeats and periodic re-registrations.
 */
final class RegistryLog implements RegistryListener {
  private static final Logger LOG = LoggerFactory.getLogger(RegistryLog.class);

  @Override
  public void registered(Instance instance, boolean created) {
    if (created) {
      fields(LOG.atInfo(), "instance_registered", instance)
          .log("Registered {} instance {} at {}{}", instance.service, instance.id, instance.address, inStage(instance));
    } else if (LOG.isDebugEnabled()) {
      fields(LOG.atDebug(), "instance_updated", instance)
          .log("Updated {} instance {} at {}{}", instance.service, instance.id, instance.address, inStage(instance));
    }
  }

  @Override
  public void deregistered(Instance instance) {
    fields(LOG.atInfo(), "instance_deregistered", instance)
        .log("Deregistered {} instance {} at {}{}", instance.service, instance.id, instance.address, inStage(instance));
  }

  @Override
  public void expired(Instance instance) {
    // A request that notices the expiry did not cause it: the line carries no request ID.
    try (RequestId.Scope none = RequestId.outsideRequest()) {
      fields(LOG.atInfo(), "instance_expired", instance)
          .addKeyValue("ttl_seconds", instance.ttlSeconds())
          .log("Expired {} instance {} at {}{}: no heartbeat within its {} s lease", instance.service, instance.id,
              instance.address, inStage(instance), instance.ttlSeconds());
    }
  }

  /** The fields every instance event carries; never the instance secret. */
  private static LoggingEventBuilder fields(LoggingEventBuilder event, String name, Instance instance) {
    return event.addKeyValue("event", name)
        .addKeyValue("service", instance.service)
        .addKeyValue("stage", instance.stage)
        .addKeyValue("instance_id", instance.id)
        .addKeyValue("address", instance.address)
        .addKeyValue("status", instance.status.name());
  }

  private static String inStage(Instance instance) {
    return Registry.DEFAULT_STAGE.equals(instance.stage) ? "" : " in stage " + instance.stage;
  }
}
