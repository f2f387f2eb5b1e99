package dev.registry.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The instances in the data directory: the registry's {@link Journal}, turning each change into
 * a write of the {@code instances} table, and the reader that gives them back on start.
 *
 * <p>Leases are not saved (a renewal writes nothing): on start every instance gets a fresh
 * lease of its own length from the restart, the grace in which its owner's next heartbeat
 * reaches the new run.
 *
 * <p>Threading: {@link #saved} and {@link #removed} run on the registry's changing thread, under
 * its lock, and only queue; the writes run on the {@link GroupCommit}'s thread, the only one
 * that uses the prepared statements.
 */
final class InstanceStore implements Journal {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<Map<String, String>> METADATA = new TypeReference<>() {};
  private static final TypeReference<Map<String, Object>> CHECK = new TypeReference<>() {};
  private static final String UPSERT = "INSERT INTO instances (stage, service, id, address, status, metadata,"
      + " ttl_millis, registered_at, secret, health_check) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
      + " ON CONFLICT (stage, service, id) DO UPDATE SET address = excluded.address, status = excluded.status,"
      + " metadata = excluded.metadata, ttl_millis = excluded.ttl_millis,"
      + " registered_at = excluded.registered_at, secret = excluded.secret, health_check = excluded.health_check";
  private static final String DELETE = "DELETE FROM instances WHERE stage = ? AND service = ? AND id = ?";

  private final GroupCommit commits;
  private @Nullable PreparedStatement upsert;
  private @Nullable PreparedStatement delete;

  InstanceStore(GroupCommit commits) {
    this.commits = commits;
  }

  /**
   * Every saved instance, each with a lease of its own length from now.
   *
   * @throws IllegalStateException naming the data directory, when a row cannot be read back
   */
  static List<Instance> load(DataDirectory data, Clock clock) {
    long now = clock.millis();
    List<Instance> instances = new ArrayList<>();
    String sql = "SELECT stage, service, id, address, status, metadata, ttl_millis, registered_at, secret,"
        + " health_check FROM instances";
    try (PreparedStatement select = data.connection().prepareStatement(sql);
        ResultSet rs = select.executeQuery()) {
      while (rs.next()) {
        instances.add(read(rs, now, data));
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read the instances of the data directory "
          + data.directory().toAbsolutePath() + ": " + e.getMessage(), e);
    }
    return instances;
  }

  private static Instance read(ResultSet rs, long now, DataDirectory data) throws SQLException {
    String stage = rs.getString(1);
    String service = rs.getString(2);
    String id = rs.getString(3);
    try {
      long ttl = rs.getLong(7);
      if (ttl < 0) {
        throw new IllegalArgumentException("ttl_millis " + ttl);
      }
      String check = rs.getString(10);
      return new Instance(service, stage, id, rs.getString(4), InstanceStatus.valueOf(rs.getString(5)),
          JSON.readValue(rs.getString(6), METADATA), ttl, rs.getLong(8), new Lease(Lease.end(now, ttl)),
          rs.getString(9), check == null ? null : HealthCheck.parse(JSON.readValue(check, CHECK)));
    } catch (JsonProcessingException | IllegalArgumentException e) {
      throw new IllegalStateException("the data directory " + data.directory().toAbsolutePath()
          + " holds an unreadable instance (" + service + "/" + stage + "/" + id + "): " + e.getMessage(), e);
    }
  }

  @Override
  public void saved(Instance instance) {
    commits.submit(connection -> upsert(connection, instance));
  }

  @Override
  public void removed(Instance instance) {
    commits.submit(connection -> delete(connection, instance));
  }

  private void upsert(Connection connection, Instance i) throws SQLException {
    PreparedStatement s = upsert;
    if (s == null) {
      s = connection.prepareStatement(UPSERT);
      upsert = s;
    }
    s.setString(1, i.stage);
    s.setString(2, i.service);
    s.setString(3, i.id);
    s.setString(4, i.address);
    s.setString(5, i.status.name());
    try {
      s.setString(6, JSON.writeValueAsString(i.metadata));
    } catch (JsonProcessingException e) {
      throw new SQLException("cannot write the metadata of " + i, e);
    }
    s.setLong(7, i.ttlMillis);
    s.setLong(8, i.registeredAtMillis);
    s.setString(9, i.secret);
    try {
      s.setString(10, i.check == null ? null : JSON.writeValueAsString(i.check.fields()));
    } catch (JsonProcessingException e) {
      throw new SQLException("cannot write the check of " + i, e);
    }
    s.executeUpdate();
  }

  private void delete(Connection connection, Instance i) throws SQLException {
    PreparedStatement s = delete;
    if (s == null) {
      s = connection.prepareStatement(DELETE);
      delete = s;
    }
    s.setString(1, i.stage);
    s.setString(2, i.service);
    s.setString(3, i.id);
    s.executeUpdate();
  }
}
