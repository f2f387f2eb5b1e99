package dev.registry.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.registry.server.RegistryServer;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A lookup in the wrong stage says where the service is, against the reference server: in the
 * exception of {@code choose} and in one WARN, asked of the registry only on the failure path.
 */
class OtherStagesTest {
  final RegistryServer server = RegistryServer.builder().host("127.0.0.1").port(0).build().start();
  final RegistryClient owner = RegistryClient.builder().registryUrls(server.uri().toString())
      .stage("greeting").shutdownHook(false).build();
  final FakeClock clock = new FakeClock();
  final TimedTransport transport = new TimedTransport();
  final LogLines log = new LogLines();
  /** An inline client on a fake clock: nothing refreshes unless the test moves the clock. */
  final InlineRegistryClient caller = RegistryClient.builder().registryUrls(server.uri().toString())
      .stage("caller").clock(clock).transport(transport).buildInline();

  @AfterEach
  void tearDown() {
    caller.close();
    owner.close();
    server.close();
    transport.close();
    log.close();
  }

  void register(String service, String id, String stage, Status status) {
    owner.register(ServiceInstance.builder(service).id(id).stage(stage).status(status)
        .address(URI.create("http://127.0.0.1:" + (9000 + id.length()) + "/" + id)).build());
  }

  long calls(String path) {
    return transport.calls.stream().filter(c -> c.request().uri().getPath().equals(path)).count();
  }

  @Test
  void aLookupInTheWrongStageNamesTheStagesWhereTheServiceIsRegisteredOnceAWhile() {
    register("greeting-service", "g1", "greeting", Status.UP);
    register("greeting-service", "g2", "blue", Status.UP);

    assertThat(caller.instances("greeting-service")).isEmpty();
    assertThat(log.containing("No instance of service 'greeting-service' in stage 'caller'"))
        .singleElement().asString().contains("WARN", "it is registered in stage(s) 'blue', 'greeting'");

    for (int i = 0; i < 3; i++) {
      assertThatThrownBy(() -> caller.choose("greeting-service"))
          .isInstanceOf(NoInstanceAvailableException.class)
          .hasMessage("No UP instance of service 'greeting-service' in stage 'caller';"
              + " it is registered in stage(s) 'blue', 'greeting'")
          .satisfies(e -> assertThat(((NoInstanceAvailableException) e).otherStages())
              .containsExactly("blue", "greeting"));
    }
    assertThat(calls("/stages")).as("asked once per refresh interval").isEqualTo(1);

    clock.advance(Duration.ofSeconds(31));
    assertThatThrownBy(() -> caller.choose("greeting-service"))
        .hasMessageEndingWith("it is registered in stage(s) 'blue', 'greeting'");
    assertThat(calls("/stages")).isEqualTo(2);
    assertThat(log.containing("No instance of service 'greeting-service'"))
        .as("the same answer is not logged again").hasSize(1);
  }

  @Test
  void aPickFromACachedViewNeverAsksWhereElseTheServiceIs() {
    register("payment-service", "p1", "caller", Status.UP);
    caller.choose("payment-service");
    int before = transport.calls.size();

    for (int i = 0; i < 1000; i++) {
      caller.choose("payment-service");
    }

    assertThat(transport.calls).hasSize(before);
    assertThat(calls("/stages")).isZero();
  }

  @Test
  void aServiceWithInstancesInTheStageButNoneUpNamesNoOtherStage() {
    register("payment-service", "p1", "caller", Status.STARTING);
    register("payment-service", "p2", "greeting", Status.UP);

    assertThatThrownBy(() -> caller.choose("payment-service"))
        .isInstanceOf(NoInstanceAvailableException.class)
        .hasMessage("No UP instance of service 'payment-service' in stage 'caller'");
    assertThat(calls("/stages")).isZero();
  }

  @Test
  void aServiceRegisteredNowhereSaysNothingMore() {
    assertThatThrownBy(() -> caller.choose("nobody"))
        .hasMessage("No UP instance of service 'nobody' in stage 'caller'");
    assertThat(log.containing("No instance of service")).isEmpty();
  }
}
