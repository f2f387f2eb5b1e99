package dev.registry.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.net.ServerSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.CommandLineRunner;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.cloud.commons.util.UtilAutoConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * What a user reads when the application cannot start because of the registry: Spring Boot's
 * "APPLICATION FAILED TO START" block, written by our failure analyzers, naming the property as
 * written, its value, where it was set, the rule and the fix; or the registry's URL and what to
 * do. Each test starts a real application and reads the report it logged.
 */
@ExtendWith(OutputCaptureExtension.class)
class FailureAnalysisTest {
  final Registry registry = new Registry();

  @AfterEach
  void tearDown() {
    registry.close();
  }

  /** An application with the registry's auto-configuration alone, so that it starts fast. */
  @SpringBootConfiguration
  @ImportAutoConfiguration({RegistryAutoConfiguration.class, UtilAutoConfiguration.class})
  static class Bare {}

  /** The same, registering itself. */
  @SpringBootConfiguration
  @ImportAutoConfiguration({RegistryAutoConfiguration.class, UtilAutoConfiguration.class})
  @EnableServiceRegistration
  static class Registering {}

  /** A caller that looks a service up while it starts. */
  @SpringBootConfiguration
  @ImportAutoConfiguration({RegistryAutoConfiguration.class, UtilAutoConfiguration.class})
  static class LooksUpAtStartup {
    @Bean
    CommandLineRunner lookUp(dev.registry.client.RegistryClient client) {
      return args -> client.choose("greeting-service");
    }
  }

  /** Starts {@code app} with {@code properties}; returns the failure report it logged. */
  static String report(CapturedOutput output, Class<?> app, String... properties) {
    int before = output.getOut().length();
    Throwable failure = catchThrowable(() -> new SpringApplicationBuilder(app)
        .web(WebApplicationType.NONE)
        .properties("spring.main.banner-mode=off", "spring.application.name=billing",
            "registry.host=127.0.0.1", "registry.deregister-timeout=300ms")
        .properties(properties).run().close());
    assertThat(failure).as("the application must fail to start").isNotNull();
    String logged = output.getOut().substring(before);
    int start = logged.indexOf("APPLICATION FAILED TO START");
    assertThat(start).as("a failure analysis, not a stack trace: %s", logged).isNotNegative();
    String report = logged.substring(start);
    assertThat(report).as("no stack trace in the report").doesNotContain("\tat ", "Caused by");
    return report;
  }

  String registryUrl() {
    return "registry.urls=" + registry.url();
  }

  @Test
  void aLeaseTtlBeyondAnHourNamesThePropertyAsWrittenItsValueTheRuleAndTheFix(CapturedOutput output) {
    String report = report(output, Bare.class, registryUrl(), "registry.leaseTtl=2h");

    assertThat(report).contains("A registry property is not valid:",
        "registry.leaseTtl = 2h   (\"registry.leaseTtl\" from property source",
        "leaseTtl must be between 1 s and 1 h: PT2H",
        "Action:", "registry.leaseTtl: Set it from 1s to 1h, such as 15s (the default).");
  }

  @Test
  void aHeartbeatIntervalNotShorterThanTheLeaseNamesBoth(CapturedOutput output) {
    String report = report(output, Bare.class, registryUrl(), "registry.heartbeat-interval=30s");

    assertThat(report).contains("registry.heartbeat-interval = 30s",
        "heartbeatInterval (PT30S) must be shorter than leaseTtl (PT15S)",
        "registry.heartbeat-interval: Set it shorter than registry.lease-ttl (PT15S), or leave it"
            + " unset: a third of the lease.");
  }

  @Test
  void aRegistryUrlOfAnUnknownSchemeNamesTheSchemesServed(CapturedOutput output) {
    String report = report(output, Bare.class, "registry.urls=ftp://127.0.0.1:5001");

    assertThat(report).contains("registry.urls = ftp://127.0.0.1:5001", "'ftp'", "http, https",
        "registry.urls: Set it to the registry's URL");
  }

  @Test
  void anAddressThatIsNotHttpIsRefusedAtStartupNotAfterTheWebServerStarted(CapturedOutput output) {
    String report = report(output, Registering.class, registryUrl(), "registry.address=ftp://10.0.0.5");

    assertThat(report).contains("registry.address = ftp://10.0.0.5",
        "address must be an absolute http(s) URI with a host: 'ftp://10.0.0.5'",
        "registry.address: Set it to the whole address callers use");
  }

  @Test
  void aPortOutside1To65535IsRefusedByName(CapturedOutput output) {
    String report = report(output, Registering.class, registryUrl(), "registry.port=70000");

    assertThat(report).contains("registry.port = 70000",
        "address must have a port from 1 to 65535: 70000",
        "registry.port: Set it from 1 to 65535");
    assertThat(registry.statuses("billing")).isEmpty();
  }

  @Test
  void aBadServiceNameAndAnUnknownKeyAreReportedTogether(CapturedOutput output) {
    String report = report(output, Registering.class, registryUrl(),
        "registry.service-name=bad name", "registry.heartbeat=5s");

    assertThat(report).contains("2 registry properties are not valid:",
        "registry.heartbeat = 5s", "registry.heartbeat is not a registry property",
        "registry.heartbeat: Did you mean registry.heartbeat-interval?",
        "registry.service-name = bad name", "'bad name'");
  }

  @Test
  void aMisspelledUrlPropertyFailsWithAHintInsteadOfFallingBackToTheDefault(CapturedOutput output) {
    String report = report(output, Bare.class, "registry.urll=" + registry.url());

    assertThat(report).contains("registry.urll = " + registry.url(),
        "registry.urll: Did you mean registry.urls?");
  }

  @Test
  void bothRegistryUrlAndRegistryUrlsSetIsRefused(CapturedOutput output) {
    String report = report(output, Bare.class, registryUrl(), "registry.url=http://127.0.0.1:7001");

    assertThat(report).contains("registry.url is another name for registry.urls, and both are set",
        "registry.url: Keep one of the two");
  }

  @Test
  void aValueOfTheWrongTypeSaysHowToWriteOne(CapturedOutput output) {
    String report = report(output, Bare.class, registryUrl(), "registry.lease-ttl=2 hours");

    assertThat(report).contains("registry.lease-ttl = 2 hours", "it cannot be read as a duration",
        "registry.lease-ttl: Write a duration such as 15s, 500ms, 2m or 1h");
  }

  @Test
  void anApplicationNameThatIsNoServiceNameIsReportedWhenItRegisters(CapturedOutput output) {
    String report = report(output, Registering.class, registryUrl(),
        "spring.application.name=Billing Worker");

    assertThat(report).contains("spring.application.name = Billing Worker",
        "the application's name is its service name, and service must be 1 to 128 characters",
        "Set registry.service-name to a service name such as payment-service.");
  }

  @Test
  void aRegistryDownAtStartupIsAFewLinesNamingItsUrl(CapturedOutput output) throws IOException {
    int closed;
    try (ServerSocket socket = new ServerSocket(0)) {
      closed = socket.getLocalPort();
    }
    String report = report(output, Registering.class, "registry.urls=http://127.0.0.1:" + closed);

    assertThat(report).contains("The registry could not be reached while the application started"
            + " (registry.urls = http://127.0.0.1:" + closed + ")",
        "POST http://127.0.0.1:" + closed + "/register failed",
        "Start the registry, or point registry.urls at the one that runs.");
    assertThat(report.lines().count()).as(report).isLessThan(20);
  }

  @Test
  void aConfigurationImportWithTheRegistryDownSaysHowToStartWithoutIt(CapturedOutput output)
      throws IOException {
    int closed;
    try (ServerSocket socket = new ServerSocket(0)) {
      closed = socket.getLocalPort();
    }
    String report = report(output, Bare.class, "registry.url=http://127.0.0.1:" + closed,
        "spring.config.import=registry:", "registry.request-timeout=300ms");

    assertThat(report).contains("spring.config.import=registry: cannot read the registry's"
            + " configuration of billing in stage default at [http://127.0.0.1:" + closed + "]",
        "write spring.config.import=optional:registry:");
    assertThat(report).doesNotContain("@EnableServiceRegistration");
  }

  @Test
  void aUrlThatIsNotARegistryIsSaidSoAtOnce(CapturedOutput output) {
    String report = report(output, Registering.class, "registry.urls=" + registry.url() + "/api");

    assertThat(report).contains(registry.url() + "/api is not a registry",
        "Set registry.urls to the registry's own URL");
  }

  @Test
  void aRegistryThatWantsATokenSaysWhichPropertyCarriesIt(CapturedOutput output) {
    try (Registry guarded = new Registry("s3cret")) {
      String report = report(output, Registering.class, "registry.urls=" + guarded.url());

      assertThat(report).contains("401 unauthorized", "Set registry.token to the registry's token");
    }
  }

  @Test
  void aServiceLookedUpAtStartupInTheWrongStageNamesTheStageToSet(CapturedOutput output) {
    registry.register("greeting-service", "g1", "http://127.0.0.1:9001");  // in stage default
    String report = report(output, LooksUpAtStartup.class, registryUrl(), "registry.stage=caller");

    assertThat(report).contains("No UP instance of service 'greeting-service' in stage 'caller';"
            + " it is registered in stage(s) 'default'",
        "This application looks in stage 'caller'. Set registry.stage to the stage the service runs in");
  }
}
