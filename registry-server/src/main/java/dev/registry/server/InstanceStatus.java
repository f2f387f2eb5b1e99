package dev.registry.server;

/** The status an instance reports; discovery lists every status, clients pick {@code UP}. */
enum InstanceStatus {
  UP,
  DOWN,
  STARTING,
  OUT_OF_SERVICE
}
