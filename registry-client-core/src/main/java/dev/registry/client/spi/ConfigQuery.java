package dev.registry.client.spi;

import static java.util.Objects.requireNonNull;

import org.jspecify.annotations.Nullable;

/**
 * Which configuration a client reads: a service's, as a reader in a stage, a region and a
 * client (a tenant) sees it. The registry resolves it: for each key, the value at the most
 * specific scope that applies to the reader (docs/api.md, "Configuration").
 *
 * @param service the service
 * @param stage the reader's stage
 * @param region the reader's region, or null for none
 * @param client the reader's client, or null for none
 */
public record ConfigQuery(String service, String stage, @Nullable String region, @Nullable String client) {

  /**
   * Checks the components.
   *
   * @param service the service
   * @param stage the stage
   * @param region the region, or null
   * @param client the client, or null
   * @throws NullPointerException if the service or the stage is null
   */
  public ConfigQuery {
    requireNonNull(service, "service");
    requireNonNull(stage, "stage");
  }
}
