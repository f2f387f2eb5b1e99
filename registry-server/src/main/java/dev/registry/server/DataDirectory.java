package dev.registry.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;

/**
 * The server's {@code --data-dir}: one SQLite database, {@value #FILE}, that every durable part
 * of the server keeps its tables in (the instances, and the configuration with its history),
 * written through one {@link GroupCommit}.
 *
 * <p>Opening checks everything a later write would trip over, and refuses with an {@link
 * IllegalStateException} naming the path rather than start with an empty registry: a path that
 * is not a directory, a database file that is not one, a corrupted database ({@code PRAGMA
 * quick_check}), another program's database, one written by a newer server, or one another
 * server holds. The database is kept in WAL mode with {@code synchronous=NORMAL}: a commit is
 * written to the operating system before the write is answered, so it survives the process
 * being killed; the last commits before a power cut may be lost, never the database's
 * consistency. The process holds the database exclusively ({@code locking_mode=EXCLUSIVE}).
 *
 * <p>Threading: {@link #open} reads on the calling thread (before the server serves); after
 * {@link #startWriting} only the writer thread touches the connection.
 */
final class DataDirectory implements AutoCloseable {
  static final String FILE = "registry.db";
  /** "REG1": marks the database as the registry's, so another program's database is refused. */
  static final int APPLICATION_ID = 0x52454731;

  /**
   * The schema, one step per version ({@code PRAGMA user_version} counts the steps applied). A
   * new durable part adds a step; a step once released never changes.
   */
  private static final List<String> SCHEMA = List.of(
      """
      CREATE TABLE instances (
        stage TEXT NOT NULL,
        service TEXT NOT NULL,
        id TEXT NOT NULL,
        address TEXT NOT NULL,
        status TEXT NOT NULL,
        metadata TEXT NOT NULL,
        ttl_millis INTEGER NOT NULL,
        registered_at INTEGER NOT NULL,
        secret TEXT NOT NULL,
        PRIMARY KEY (stage, service, id)
      ) WITHOUT ROWID""",
      // 2: the check the registry runs against an instance (JSON of HealthCheck.fields()), or null
      "ALTER TABLE instances ADD COLUMN health_check TEXT",
      // 3: configuration entries; a scope field is '' for "any" (never a valid name)
      """
      CREATE TABLE config_entries (
        service TEXT NOT NULL,
        stage TEXT NOT NULL,
        region TEXT NOT NULL,
        client TEXT NOT NULL,
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        description TEXT,
        config_index INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (service, stage, region, client, key)
      ) WITHOUT ROWID""",
      // 4: the last changes of each service's configuration (ConfigStore keeps the last 100 keys)
      """
      CREATE TABLE config_history (
        service TEXT NOT NULL,
        config_index INTEGER NOT NULL,
        stage TEXT NOT NULL,
        region TEXT NOT NULL,
        client TEXT NOT NULL,
        key TEXT NOT NULL,
        old_value TEXT,
        new_value TEXT,
        description TEXT,
        changed_at INTEGER NOT NULL,
        changed_by TEXT NOT NULL,
        PRIMARY KEY (service, config_index, stage, region, client, key)
      ) WITHOUT ROWID""");

  private final Path directory;
  private final Connection connection;
  private @Nullable GroupCommit commits;

  private DataDirectory(Path directory, Connection connection) {
    this.directory = directory;
    this.connection = connection;
  }

  /**
   * Opens (creating if needed) the data directory and its database, and brings the schema up to
   * date.
   *
   * @throws IllegalStateException naming the path, when it cannot be used
   */
  static DataDirectory open(Path directory) {
    Path file = directory.resolve(FILE);
    prepare(directory, file);
    Connection connection;
    try {
      connection = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
    } catch (SQLException e) {
      throw unusable(file, "cannot open it: " + e.getMessage(), e);
    }
    try {
      configure(connection, file);
      migrate(connection, file);
      connection.setAutoCommit(false);
      return new DataDirectory(directory, connection);
    } catch (RuntimeException | SQLException e) {
      closeQuietly(connection);
      if (e instanceof IllegalStateException ise) {
        throw ise;
      }
      throw unusable(file, "cannot read it: " + e.getMessage(), e);
    }
  }

  private static void prepare(Path directory, Path file) {
    if (Files.exists(directory) && !Files.isDirectory(directory)) {
      throw unusable(directory, "it is not a directory", null);
    }
    if (!Files.exists(directory)) {
      try {
        Files.createDirectories(directory);
        if (directory.getFileSystem().supportedFileAttributeViews().contains("posix")) {
          // The database holds each instance's secret.
          Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwx------"));
        }
      } catch (IOException | UnsupportedOperationException e) {
        throw unusable(directory, "cannot create it: " + e, e);
      }
    }
    if (!Files.isReadable(directory) || !Files.isWritable(directory) || !Files.isExecutable(directory)) {
      throw unusable(directory, "this process cannot read and write it", null);
    }
    if (Files.exists(file) && !Files.isRegularFile(file)) {
      throw unusable(file, "it is not a regular file", null);
    }
    if (Files.exists(file) && (!Files.isReadable(file) || !Files.isWritable(file))) {
      throw unusable(file, "this process cannot read and write it", null);
    }
  }

  private static void configure(Connection connection, Path file) throws SQLException {
    try (Statement s = connection.createStatement()) {
      s.execute("PRAGMA busy_timeout = 0");
      s.execute("PRAGMA locking_mode = EXCLUSIVE");
      String check = single(s, "PRAGMA quick_check");
      if (!"ok".equals(check)) {
        throw unusable(file, "it is corrupted (SQLite's quick_check: " + check + ")", null);
      }
      int applicationId = Integer.parseInt(single(s, "PRAGMA application_id"));
      boolean empty = "0".equals(single(s, "SELECT count(*) FROM sqlite_schema"));
      if (applicationId != APPLICATION_ID && !(applicationId == 0 && empty)) {
        throw unusable(file, "it is not a registry database (another program's SQLite file)", null);
      }
      if (!"wal".equalsIgnoreCase(single(s, "PRAGMA journal_mode = WAL"))) {
        throw unusable(file, "it cannot be put in WAL mode", null);
      }
      s.execute("PRAGMA synchronous = NORMAL");
      // Takes the exclusive lock now, so that a second server on the same directory fails here.
      s.execute("PRAGMA application_id = " + APPLICATION_ID);
    } catch (SQLException e) {
      String message = String.valueOf(e.getMessage());
      if (message.contains("SQLITE_BUSY") || message.contains("locked")) {
        throw unusable(file, "another process (a second registry server?) holds it", e);
      }
      if (message.contains("SQLITE_NOTADB") || message.contains("SQLITE_CORRUPT")) {
        throw unusable(file, "it is corrupted or not a database: " + message, e);
      }
      throw e;
    }
  }

  private static void migrate(Connection connection, Path file) throws SQLException {
    try (Statement s = connection.createStatement()) {
      int version = Integer.parseInt(single(s, "PRAGMA user_version"));
      if (version > SCHEMA.size()) {
        throw unusable(file, "it was written by a newer registry server (schema " + version
            + "; this server knows up to " + SCHEMA.size() + ")", null);
      }
      for (int step = version; step < SCHEMA.size(); step++) {
        s.execute(SCHEMA.get(step));
        s.execute("PRAGMA user_version = " + (step + 1));
      }
    }
  }

  private static String single(Statement s, String sql) throws SQLException {
    try (ResultSet rs = s.executeQuery(sql)) {
      List<String> rows = new ArrayList<>();
      while (rs.next() && rows.size() < 5) {
        rows.add(rs.getString(1));
      }
      return rows.size() == 1 ? rows.get(0) : String.join("; ", rows);
    }
  }

  private static IllegalStateException unusable(Path path, String why, @Nullable Exception cause) {
    return new IllegalStateException("cannot use the data directory: " + path.toAbsolutePath() + ": " + why, cause);
  }

  /** The directory, as given. */
  Path directory() {
    return directory;
  }

  /** The connection, for reading the stores back before {@link #startWriting}. */
  Connection connection() {
    return connection;
  }

  /**
   * Starts saving: from now on every write goes through the returned {@link GroupCommit}, whose
   * answers run on {@code executor}.
   */
  GroupCommit startWriting(Executor executor) {
    GroupCommit started = new GroupCommit(connection, executor);
    started.start();
    commits = started;
    return started;
  }

  /** Saves what is queued, then closes the database; idempotent. */
  @Override
  public void close() {
    GroupCommit started = commits;
    if (started != null) {
      started.close();
    }
    closeQuietly(connection);
  }

  private static void closeQuietly(Connection connection) {
    try {
      connection.close();
    } catch (SQLException e) {
      // Nothing is lost: every acknowledged write was committed.
    }
  }
}
