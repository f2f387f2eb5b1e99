package dev.registry.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The command line, and the process: start, one line with the address, SIGTERM, exit 0. */
class MainTest {

  @Test
  void argumentsConfigureTheServerAndHelpAsksForUsage() {
    assertThat(Main.parse(new String[] {"--port", "0", "--host=127.0.0.1", "--heartbeat-timeout", "5s",
        "--cleanup-interval=500ms"})).isNotNull();
    assertThat(Main.parse(new String[] {"--data-dir", "/var/lib/registry", "--health-checks"})).isNotNull();
    assertThat(Main.parse(new String[] {"--help"})).isNull();
    assertThat(Main.parse(new String[] {"-h"})).isNull();
  }

  @Test
  void badArgumentsAreRejectedWithTheValueNamed() {
    assertThatThrownBy(() -> Main.parse(new String[] {"--port", "x"})).hasMessageContaining("'x'");
    assertThatThrownBy(() -> Main.parse(new String[] {"--port", "70000"})).hasMessageContaining("70000");
    assertThatThrownBy(() -> Main.parse(new String[] {"--port"})).hasMessageContaining("--port needs a value");
    assertThatThrownBy(() -> Main.parse(new String[] {"--heartbeat-timeout", "soon"})).hasMessageContaining("'soon'");
    assertThatThrownBy(() -> Main.parse(new String[] {"--cleanup-interval", "0"})).hasMessageContaining("PT0S");
    assertThatThrownBy(() -> Main.parse(new String[] {"--verbose"})).hasMessageContaining("'--verbose'");
    assertThatThrownBy(() -> Main.parse(new String[] {"--data-dir"})).hasMessageContaining("--data-dir needs a value");
    assertThatThrownBy(() -> Main.parse(new String[] {"--health-checks=yes"})).hasMessageContaining("takes no value");
  }

  @Test
  void badArgumentsExitWith2AndPrintTheUsage() throws Exception {
    Process process = java("--port", "nope");

    assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
    String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.exitValue()).isEqualTo(2);
    assertThat(err).contains("error: --port must be a number").contains("Usage:");
  }

  @Test
  void theProcessLogsItsAddressAndExits0OnSigterm() throws Exception {
    Process process = java("--port", "0");
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      String line = out.readLine();
      assertThat(line).contains("Registry server listening on http://127.0.0.1:");
      Matcher port = Pattern.compile("127\\.0\\.0\\.1:(\\d+)").matcher(line);
      assertThat(port.find()).isTrue();
      TestHttp http = new TestHttp(java.net.URI.create("http://127.0.0.1:" + port.group(1)));
      assertThat(http.get("/health").status()).isEqualTo(200);

      process.destroy(); // SIGTERM

      assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
      assertThat(process.exitValue()).isZero();
    } finally {
      process.destroyForcibly();
    }
  }

  @Test
  void withLogFormatJsonEveryLineIsAJsonObjectStartingWithTheStart() throws Exception {
    Process process = java("--port", "0", "--log-format", "json");
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      com.fasterxml.jackson.databind.JsonNode line = TestHttp.JSON.readTree(out.readLine());
      assertThat(line.get("level").asText()).isEqualTo("INFO");
      assertThat(line.get("formattedMessage").asText()).startsWith("Registry server listening on http://127.0.0.1:");
      assertThat(line.get("kvpList").get(0).get("event").asText()).isEqualTo("server_started");
      String uri = line.get("kvpList").get(1).get("uri").asText();
      TestHttp http = new TestHttp(java.net.URI.create(uri));
      http.postWith("/register", "{\"service\": \"s\", \"address\": \"http://h:1\"}", RequestId.HEADER, "main-1");

      line = TestHttp.JSON.readTree(out.readLine());
      assertThat(line.get("mdc").get(RequestId.LOG_KEY).asText()).isEqualTo("main-1");
      assertThat(line.get("kvpList").get(0).get("event").asText()).isEqualTo("instance_registered");
    } finally {
      process.destroyForcibly();
    }
  }

  @Test
  void anUnknownLogFormatIsRefusedNamingIt() {
    assertThatThrownBy(() -> Main.parse(new String[] {"--log-format", "xml"}))
        .hasMessage("--log-format must be text or json: 'xml'");
    assertThat(Main.logFormat(new String[] {"--port", "0"})).isEqualTo(ServerLogging.Format.TEXT);
    assertThat(Main.logFormat(new String[] {"--log-format=JSON"})).isEqualTo(ServerLogging.Format.JSON);
    assertThat(Main.parse(new String[] {"--log-format", "json", "--slow-request", "250ms", "--no-metrics"})).isNotNull();
    assertThatThrownBy(() -> Main.parse(new String[] {"--slow-request", "0"})).hasMessageContaining("PT0S");
  }

  private static Process java(String... args) throws Exception {
    String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new java.util.ArrayList<>(List.of(
        javaBin, "-cp", System.getProperty("java.class.path"), Main.class.getName()));
    command.addAll(List.of(args));
    return new ProcessBuilder(command).start();
  }

  @Test
  void builderSettersRejectBadValuesAtOnceNamingThem() {
    RegistryServer.Builder b = RegistryServer.builder();
    assertThatThrownBy(() -> b.heartbeatTimeout(Duration.ofSeconds(-1)))
        .hasMessage("heartbeatTimeout must be > 0: PT-1S");
    assertThatThrownBy(() -> b.heartbeatTimeout(Duration.ZERO)).hasMessage("heartbeatTimeout must be > 0: PT0S");
    assertThatThrownBy(() -> b.cleanupInterval(Duration.ofMillis(-5))).hasMessage("cleanupInterval must be > 0: PT-0.005S");
    assertThatThrownBy(() -> b.port(-1)).hasMessage("port must be 0 to 65535: -1");
    assertThatThrownBy(() -> b.host(" ")).hasMessage("host must not be blank: ' '");
    assertThatThrownBy(() -> b.clock(null)).isInstanceOf(NullPointerException.class).hasMessage("clock");
  }

  @Test
  void aServerNotStartedHasNoPortAndClosesQuietly() {
    RegistryServer server = RegistryServer.builder().port(0).build();
    assertThatThrownBy(server::port).isInstanceOf(IllegalStateException.class);
    server.close();
    server.close();
    assertThatThrownBy(server::start).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void aPortInUseFailsStartWithUncheckedIoException() {
    try (RegistryServer first = RegistryServer.builder().port(0).build().start()) {
      RegistryServer second = RegistryServer.builder().port(first.port()).build();
      assertThatThrownBy(second::start).isInstanceOf(java.io.UncheckedIOException.class)
          .hasMessageContaining(Integer.toString(first.port()));
      second.close();
    }
  }
}
