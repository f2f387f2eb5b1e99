package dev.registry.server;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The configuration in the data directory: the {@link ConfigJournal} that turns each change into
 * writes of the {@code config_entries} and {@code config_history} tables, and the reader that
 * gives them back on start. Configuration is data people wrote: every change is committed before
 * it is answered, like a registration.
 *
 * <p>Threading: {@link #changed} runs under the configuration's lock and only queues; the writes
 * run on the {@link GroupCommit}'s thread, the only one that uses the prepared statements.
 */
final class ConfigStore implements ConfigJournal {
  private static final String UPSERT = "INSERT INTO config_entries (service, stage, region, client, key, value,"
      + " description, config_index, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
      + " ON CONFLICT (service, stage, region, client, key) DO UPDATE SET value = excluded.value,"
      + " description = excluded.description, config_index = excluded.config_index, updated_at = excluded.updated_at";
  private static final String DELETE = "DELETE FROM config_entries"
      + " WHERE service = ? AND stage = ? AND region = ? AND client = ? AND key = ?";
  // OR REPLACE: a batch retried after a failed commit writes the same rows again.
  private static final String RECORD = "INSERT OR REPLACE INTO config_history (service, stage, region, client, key,"
      + " config_index, old_value, new_value, description, changed_at, changed_by)"
      + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
  private static final String FORGET = "DELETE FROM config_history WHERE service = ? AND config_index < ?";

  private final GroupCommit commits;
  private @Nullable PreparedStatement upsert;
  private @Nullable PreparedStatement delete;
  private @Nullable PreparedStatement record;
  private @Nullable PreparedStatement forget;

  ConfigStore(GroupCommit commits) {
    this.commits = commits;
  }

  /** What the data directory holds: the entries and the history of each service, oldest first. */
  record Saved(Map<String, List<ConfigEntry>> entries, Map<String, List<ConfigChange>> history) {}

  /**
   * Reads the configuration back.
   *
   * @throws IllegalStateException naming the data directory, when it cannot be read
   */
  static Saved load(DataDirectory data) {
    Map<String, List<ConfigEntry>> entries = new LinkedHashMap<>();
    Map<String, List<ConfigChange>> history = new LinkedHashMap<>();
    Connection c = data.connection();
    try (PreparedStatement s = c.prepareStatement("SELECT service, stage, region, client, key, value, description,"
            + " config_index, updated_at FROM config_entries");
        ResultSet rs = s.executeQuery()) {
      while (rs.next()) {
        entries.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(new ConfigEntry(scope(rs, 2),
            rs.getString(5), rs.getString(6), rs.getString(7), rs.getLong(8), rs.getLong(9)));
      }
    } catch (SQLException e) {
      throw unreadable(data, e);
    }
    try (PreparedStatement s = c.prepareStatement("SELECT service, config_index, stage, region, client, key,"
            + " old_value, new_value, description, changed_at, changed_by FROM config_history"
            + " ORDER BY service, config_index, key");
        ResultSet rs = s.executeQuery()) {
      while (rs.next()) {
        history.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(new ConfigChange(rs.getLong(2),
            rs.getLong(10), scope(rs, 3), rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9),
            rs.getString(11)));
      }
    } catch (SQLException e) {
      throw unreadable(data, e);
    }
    return new Saved(entries, history);
  }

  /** The scope in the three columns from {@code first}. */
  private static ConfigScope scope(ResultSet rs, int first) throws SQLException {
    return new ConfigScope(ConfigScope.fromStored(rs.getString(first)), ConfigScope.fromStored(rs.getString(first + 1)),
        ConfigScope.fromStored(rs.getString(first + 2)));
  }

  private static IllegalStateException unreadable(DataDirectory data, SQLException e) {
    return new IllegalStateException("cannot read the configuration of the data directory "
        + data.directory().toAbsolutePath() + ": " + e.getMessage(), e);
  }

  @Override
  public void changed(String service, List<ConfigChange> changes, long historyFrom) {
    commits.submit(connection -> save(connection, service, changes, historyFrom));
  }

  private void save(Connection connection, String service, List<ConfigChange> changes, long historyFrom)
      throws SQLException {
    for (ConfigChange c : changes) {
      if (c.newValue() == null) {
        PreparedStatement s = delete == null ? delete = connection.prepareStatement(DELETE) : delete;
        scopeAndKey(s, service, c);
        s.executeUpdate();
      } else {
        PreparedStatement s = upsert == null ? upsert = connection.prepareStatement(UPSERT) : upsert;
        scopeAndKey(s, service, c);
        s.setString(6, c.newValue());
        s.setString(7, c.description());
        s.setLong(8, c.index());
        s.setLong(9, c.atMillis());
        s.executeUpdate();
      }
      PreparedStatement r = record == null ? record = connection.prepareStatement(RECORD) : record;
      scopeAndKey(r, service, c);
      r.setLong(6, c.index());
      r.setString(7, c.oldValue());
      r.setString(8, c.newValue());
      r.setString(9, c.description());
      r.setLong(10, c.atMillis());
      r.setString(11, c.by());
      r.executeUpdate();
    }
    PreparedStatement f = forget == null ? forget = connection.prepareStatement(FORGET) : forget;
    f.setString(1, service);
    f.setLong(2, historyFrom);
    f.executeUpdate();
  }

  /** Parameters 1 to 5: the service, the scope's three fields, the key. */
  private static void scopeAndKey(PreparedStatement s, String service, ConfigChange c) throws SQLException {
    s.setString(1, service);
    s.setString(2, ConfigScope.stored(c.scope().stage()));
    s.setString(3, ConfigScope.stored(c.scope().region()));
    s.setString(4, ConfigScope.stored(c.scope().client()));
    s.setString(5, c.key());
  }
}
