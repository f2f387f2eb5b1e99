package dev.registry.server;

/**
 * The server's bounds on what one request, and the registry as a whole, may hold. Each is set
 * on {@link RegistryServer.Builder} (and on the command line); a request beyond one is refused
 * with a 4xx JSON error and changes nothing.
 *
 * @param maxBodyBytes the largest request body (413 {@code body_too_large} beyond)
 * @param maxMetadataEntries the most metadata entries of one instance (400 {@code invalid_field})
 * @param maxMetadataKeyLength the longest metadata key, in characters (400 {@code invalid_field})
 * @param maxMetadataValueLength the longest metadata value, in characters (400 {@code invalid_field})
 * @param maxInstancesPerService the most live instances of one service in one stage (409 {@code
 *     too_many_instances})
 * @param maxServices the most services with a live instance, counted per stage, in all (409 {@code
 *     too_many_services}); also the most services with configuration
 * @param maxConfigEntries the most configuration entries of one service, every scope counted (409
 *     {@code too_many_entries})
 * @param maxConfigValueLength the longest configuration value, in characters (400 {@code
 *     invalid_field})
 */
record Limits(
    int maxBodyBytes,
    int maxMetadataEntries,
    int maxMetadataKeyLength,
    int maxMetadataValueLength,
    int maxInstancesPerService,
    int maxServices,
    int maxConfigEntries,
    int maxConfigValueLength) {

  static final int DEFAULT_MAX_BODY_BYTES = 64 * 1024;
  static final int DEFAULT_MAX_METADATA_ENTRIES = 64;
  static final int DEFAULT_MAX_METADATA_KEY_LENGTH = 128;
  static final int DEFAULT_MAX_METADATA_VALUE_LENGTH = 1024;
  static final int DEFAULT_MAX_INSTANCES_PER_SERVICE = 10_000;
  static final int DEFAULT_MAX_SERVICES = 10_000;
  static final int DEFAULT_MAX_CONFIG_ENTRIES = 1_000;
  static final int DEFAULT_MAX_CONFIG_VALUE_LENGTH = 16 * 1024;

  /** The defaults of the runnable jar. */
  static final Limits DEFAULTS = new Limits(DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_METADATA_ENTRIES,
      DEFAULT_MAX_METADATA_KEY_LENGTH, DEFAULT_MAX_METADATA_VALUE_LENGTH,
      DEFAULT_MAX_INSTANCES_PER_SERVICE, DEFAULT_MAX_SERVICES, DEFAULT_MAX_CONFIG_ENTRIES,
      DEFAULT_MAX_CONFIG_VALUE_LENGTH);

  Limits withMaxBodyBytes(int v) {
    return new Limits(v, maxMetadataEntries, maxMetadataKeyLength, maxMetadataValueLength,
        maxInstancesPerService, maxServices, maxConfigEntries, maxConfigValueLength);
  }

  Limits withMaxMetadataEntries(int v) {
    return new Limits(maxBodyBytes, v, maxMetadataKeyLength, maxMetadataValueLength,
        maxInstancesPerService, maxServices, maxConfigEntries, maxConfigValueLength);
  }

  Limits withMaxMetadataKeyLength(int v) {
    return new Limits(maxBodyBytes, maxMetadataEntries, v, maxMetadataValueLength,
        maxInstancesPerService, maxServices, maxConfigEntries, maxConfigValueLength);
  }

  Limits withMaxMetadataValueLength(int v) {
    return new Limits(maxBodyBytes, maxMetadataEntries, maxMetadataKeyLength, v,
        maxInstancesPerService, maxServices, maxConfigEntries, maxConfigValueLength);
  }

  Limits withMaxInstancesPerService(int v) {
    return new Limits(maxBodyBytes, maxMetadataEntries, maxMetadataKeyLength, maxMetadataValueLength,
        v, maxServices, maxConfigEntries, maxConfigValueLength);
  }

  Limits withMaxServices(int v) {
    return new Limits(maxBodyBytes, maxMetadataEntries, maxMetadataKeyLength, maxMetadataValueLength,
        maxInstancesPerService, v, maxConfigEntries, maxConfigValueLength);
  }

  Limits withMaxConfigEntries(int v) {
    return new Limits(maxBodyBytes, maxMetadataEntries, maxMetadataKeyLength, maxMetadataValueLength,
        maxInstancesPerService, maxServices, v, maxConfigValueLength);
  }

  Limits withMaxConfigValueLength(int v) {
    return new Limits(maxBodyBytes, maxMetadataEntries, maxMetadataKeyLength, maxMetadataValueLength,
        maxInstancesPerService, maxServices, maxConfigEntries, v);
  }
}
