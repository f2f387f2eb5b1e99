package dev.registry.server;

import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Where a configuration entry applies within its service: the service itself (every field
 * null), or any combination of a stage, a region and a client. An entry applies to a reader when
 * every field it sets equals the reader's. Of the entries of one key that apply, the most
 * specific wins: a client beats a region, a region beats a stage, a stage beats the service, and
 * a scope that sets more of them beats one that sets fewer of the same rank (see {@link
 * #precedence()}).
 *
 * @param stage the stage it applies to, or null for every stage
 * @param region the region, or null for every region
 * @param client the client (a tenant), or null for every client
 */
record ConfigScope(@Nullable String stage, @Nullable String region, @Nullable String client) {
  /** The service itself: applies to every reader. */
  static final ConfigScope SERVICE = new ConfigScope(null, null, null);

  /** Whether an entry at this scope applies to a reader in {@code reader}'s stage, region and client. */
  boolean appliesTo(ConfigScope reader) {
    return (stage == null || stage.equals(reader.stage))
        && (region == null || region.equals(reader.region))
        && (client == null || client.equals(reader.client));
  }

  /**
   * The rank among the scopes that apply to one reader, higher wins: a client counts 4, a region
   * 2, a stage 1. Two scopes that apply to the same reader never rank the same unless they are
   * equal, since they then set the same fields to the reader's values.
   */
  int precedence() {
    return (client != null ? 4 : 0) + (region != null ? 2 : 0) + (stage != null ? 1 : 0);
  }

  /** The fields set, as the wire shows a scope: {@code {}} for the service itself. */
  Map<String, Object> json() {
    Map<String, Object> m = new LinkedHashMap<>();
    if (stage != null) {
      m.put("stage", stage);
    }
    if (region != null) {
      m.put("region", region);
    }
    if (client != null) {
      m.put("client", client);
    }
    return m;
  }

  /** A scope field as the data directory keeps it: {@code ""} for none (never a valid name). */
  static String stored(@Nullable String field) {
    return field == null ? "" : field;
  }

  /** A scope field read back from the data directory. */
  static @Nullable String fromStored(String field) {
    return field.isEmpty() ? null : field;
  }

  @Override
  public String toString() {
    if (equals(SERVICE)) {
      return "the service";
    }
    StringBuilder sb = new StringBuilder();
    json().forEach((name, value) -> sb.append(sb.length() == 0 ? "" : ", ").append(name).append(' ').append(value));
    return sb.toString();
  }
}
