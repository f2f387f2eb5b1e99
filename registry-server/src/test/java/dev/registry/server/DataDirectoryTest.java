package dev.registry.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The data directory in process: what a restart keeps, and every way a directory can be
 * unusable, each refused at start with the path named, never served as an empty registry.
 */
class DataDirectoryTest {
  @TempDir
  Path dataDir;

  private RegistryServer start(FakeClock clock) {
    return RegistryServer.builder().port(0).clock(clock).dataDirectory(dataDir).build().start();
  }

  @Test
  void aRestartKeepsRegistrationsStatusesAndSecretsAndForgetsDeregisteredAndExpiredOnes() {
    FakeClock clock = new FakeClock();
    String secret;
    try (RegistryServer server = start(clock)) {
      TestHttp http = new TestHttp(server.uri());
      secret = http.post("/register", "{\"service\": \"pay\", \"id\": \"p-1\", \"address\": \"http://10.0.0.1:80\","
          + " \"stage\": \"prod\", \"ttl_seconds\": 30, \"metadata\": {\"zone\": \"a\"}}")
          .json().get("instance_secret").asText();
      http.post("/status", "{\"service\": \"pay\", \"stage\": \"prod\", \"id\": \"p-1\", \"status\": \"DOWN\"}");
      http.post("/register", "{\"service\": \"pay\", \"id\": \"p-2\", \"address\": \"http://10.0.0.2:80\"}");
      http.post("/deregister", "{\"service\": \"pay\", \"id\": \"p-2\"}");
      http.post("/register", "{\"service\": \"short\", \"address\": \"http://10.0.0.3:80\", \"ttl_seconds\": 5}");
      clock.advance(Duration.ofSeconds(6));
      server.sweep();
    }

    try (RegistryServer restarted = start(clock)) {
      TestHttp http = new TestHttp(restarted.uri());
      TestHttp.Reply prod = http.get("/discover/pay?stage=prod");
      assertThat(prod.status()).isEqualTo(200);
      assertThat(prod.json().get("instances")).hasSize(1);
      assertThat(prod.json().get("instances").get(0).get("status").asText()).isEqualTo("DOWN");
      assertThat(prod.json().get("instances").get(0).get("metadata").get("zone").asText()).isEqualTo("a");
      assertThat(http.get("/discover/pay").status()).as("p-2 was deregistered").isEqualTo(404);
      assertThat(http.get("/discover/short").status()).as("expired before the restart").isEqualTo(404);
      assertThat(http.postWith("/heartbeat", "{\"service\": \"pay\", \"stage\": \"prod\", \"id\": \"p-1\"}",
          "X-Instance-Secret", secret).status()).isEqualTo(200);
      assertThat(http.postWith("/heartbeat", "{\"service\": \"pay\", \"stage\": \"prod\", \"id\": \"p-1\"}",
          "X-Instance-Secret", "not-the-secret").status()).isEqualTo(403);
    }
  }

  @Test
  void aMicroRegRegistrationAndItsCheckSurviveARestart() {
    FakeClock clock = new FakeClock();
    try (RegistryServer server = start(clock)) {
      new XmlRpcClient(server.uri()).call("register", "billing", "127.0.0.1", 8081, 0,
          java.util.Map.of("type", "http", "path", "/ping", "interval", "3s", "successes", 2));
      new TestHttp(server.uri()).post("/register", "{\"service\": \"orders\", \"address\": \"http://10.0.0.9:80\","
          + " \"check\": {\"type\": \"tcp\", \"interval\": 7}}");
    }
    clock.advance(Duration.ofHours(5));

    try (RegistryServer restarted = start(clock)) {
      Instance billing = restarted.registry().view("billing", "default").instances().get(0);
      assertThat(billing.status).isEqualTo(InstanceStatus.OUT_OF_SERVICE);
      assertThat(billing.check).isEqualTo(new HealthCheck("http", "/ping", Duration.ofSeconds(3), Duration.ofSeconds(2), 3, 2));
      assertThat(billing.lease.end()).as("held until unregistered, whatever the time").isEqualTo(Long.MAX_VALUE);
      assertThat(new XmlRpcClient(restarted.uri()).call("get_service_details", "billing"))
          .isEqualTo(java.util.List.of("127.0.0.1", 8081));
      assertThat(restarted.registry().view("orders", "default").instances().get(0).check.interval())
          .isEqualTo(Duration.ofSeconds(7));
      assertThat(new XmlRpcClient(restarted.uri()).call("unregister", "billing")).isEqualTo(true);
    }
  }

  @Test
  void aFileThatIsNotADatabaseIsRefusedNamingIt() throws Exception {
    Files.writeString(dataDir.resolve(DataDirectory.FILE), "x".repeat(4096));

    assertRefused(dataDir.resolve(DataDirectory.FILE), "not a database");
  }

  @Test
  void aDamagedPageIsFoundAtStart() throws Exception {
    try (RegistryServer server = start(new FakeClock())) {
      TestHttp http = new TestHttp(server.uri());
      for (int i = 0; i < 300; i++) {
        http.post("/register", "{\"service\": \"s\", \"id\": \"i-" + i + "\", \"address\": \"http://10.0.1."
            + (i % 250) + ":" + (1000 + i) + "\", \"metadata\": {\"pad\": \"" + "p".repeat(200) + "\"}}");
      }
    }
    Path file = dataDir.resolve(DataDirectory.FILE);
    assertThat(Files.size(file)).isGreaterThan(4 * 4096);
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      byte[] garbage = new byte[4096];
      java.util.Arrays.fill(garbage, (byte) 0xA5);
      raf.seek(4096);  // page 2: the root of the instances table
      raf.write(garbage);
    }

    assertRefused(file, "corrupted");
  }

  @Test
  void aPathThatIsAFileIsRefusedNamingIt() throws Exception {
    Path notADirectory = Files.writeString(dataDir.resolve("plain-file"), "hello");

    assertThatThrownBy(() -> RegistryServer.builder().port(0).dataDirectory(notADirectory).build().start())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("cannot use the data directory: " + notADirectory.toAbsolutePath() + ": it is not a directory");
  }

  @Test
  void aDatabasePathThatIsADirectoryIsRefusedNamingIt() throws Exception {
    Files.createDirectory(dataDir.resolve(DataDirectory.FILE));

    assertRefused(dataDir.resolve(DataDirectory.FILE), "it is not a regular file");
  }

  @Test
  void anotherProgramsDatabaseIsRefused() throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve(DataDirectory.FILE));
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY)");
    }

    assertRefused(dataDir.resolve(DataDirectory.FILE), "not a registry database");
  }

  @Test
  void aDatabaseOfANewerServerIsRefused() throws Exception {
    start(new FakeClock()).close();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve(DataDirectory.FILE));
        Statement s = c.createStatement()) {
      s.execute("PRAGMA user_version = 99");
    }

    assertRefused(dataDir.resolve(DataDirectory.FILE), "written by a newer registry server");
  }

  @Test
  void aDatabaseFromBeforeConfigurationGetsItsTablesAndKeepsItsInstances() throws Exception {
    FakeClock clock = new FakeClock();
    try (RegistryServer server = start(clock)) {
      new TestHttp(server.uri()).post("/register", "{\"service\": \"pay\", \"address\": \"http://10.0.0.1:80\"}");
    }
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve(DataDirectory.FILE));
        Statement s = c.createStatement()) {
      s.execute("DROP TABLE config_entries");
      s.execute("DROP TABLE config_history");
      s.execute("PRAGMA user_version = 2");  // the schema of the server before configuration
    }

    try (RegistryServer upgraded = start(clock)) {
      TestHttp http = new TestHttp(upgraded.uri());
      assertThat(http.get("/discover/pay").status()).isEqualTo(200);
      assertThat(http.post("/config/pay", "{\"set\": {\"k\": \"v\"}}").status()).isEqualTo(200);
    }
    try (RegistryServer restarted = start(clock)) {
      assertThat(new TestHttp(restarted.uri()).get("/config/pay").json().path("entries").path("k").path("value")
          .asText()).isEqualTo("v");
    }
  }

  @Test
  void aSecondServerOnTheSameDirectoryIsRefusedWhileTheFirstRuns() {
    try (RegistryServer first = start(new FakeClock())) {
      assertRefused(dataDir.resolve(DataDirectory.FILE), "another process");
      assertThat(new TestHttp(first.uri()).post("/register",
          "{\"service\": \"s\", \"address\": \"http://10.0.0.1:80\"}").status()).isEqualTo(201);
    }
  }

  @Test
  void aMissingDirectoryIsCreatedOwnerOnly() throws Exception {
    Path fresh = dataDir.resolve("a/b");
    RegistryServer.builder().port(0).dataDirectory(fresh).build().start().close();

    assertThat(Files.isRegularFile(fresh.resolve(DataDirectory.FILE))).isTrue();
    assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(fresh)))
        .isEqualTo("rwx------");
  }

  private void assertRefused(Path named, String why) {
    RegistryServer server = RegistryServer.builder().port(0).dataDirectory(dataDir).build();
    assertThatThrownBy(server::start)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("cannot use the data directory: " + named.toAbsolutePath() + ": ")
        .hasMessageContaining(why);
    assertThatThrownBy(server::port).as("nothing was bound").isInstanceOf(IllegalStateException.class);
    server.close();
  }
}
