package dev.registry.client;

import static dev.registry.client.FakeRegistry.view;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Client-side ejection: reported failures take an instance out of choose() for a while, never more than half. */
class EjectionTest {
  @StartStop final MockWebServer server = new MockWebServer();
  final FakeClock clock = new FakeClock();
  RegistryClient client;

  @AfterEach
  void tearDown() {
    if (client != null) {
      client.close();
    }
  }

  void start(String... idsAndAddresses) {
    FakeRegistry registry = new FakeRegistry();
    registry.then("/discover", view("payment-service", 1, idsAndAddresses));
    registry.answer("/discover", new MockResponse.Builder().headersDelay(30, TimeUnit.SECONDS).body("{}").build());
    server.setDispatcher(registry);
    client = RegistryClient.builder().registryUrls(server.url("/").toString()).shutdownHook(false)
        .clock(clock).longPollWait(Duration.ofSeconds(20))
        .ejection(3, Duration.ofSeconds(30)).build();
  }

  void startFour() {
    start("a", "http://10.0.0.1:80", "b", "http://10.0.0.2:80", "c", "http://10.0.0.3:80", "d", "http://10.0.0.4:80");
  }

  Set<String> chosen(int times) {
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < times; i++) {
      ids.add(client.choose("payment-service").id());
    }
    return ids;
  }

  ServiceInstance instance(String id) {
    return client.instances("payment-service").stream().filter(i -> i.id().equals(id)).findFirst().orElseThrow();
  }

  @Test
  void anEjectionAndTheInstancesReturnAreOneInfoLineEach() {
    startFour();
    ServiceInstance a = instance("a");
    try (LogLines log = new LogLines()) {
      for (int i = 0; i < 3; i++) {
        client.report(a, Outcome.CONNECTION_FAILURE);
      }
      client.report(a, Outcome.CONNECTION_FAILURE); // ejected already: no second line
      clock.advance(Duration.ofSeconds(30));
      client.report(a, Outcome.SUCCESS);
      client.report(a, Outcome.SUCCESS); // back already: no second line

      assertThat(log.containing("Ejected payment-service")).singleElement().asString()
          .contains("INFO", "Ejected payment-service instance a at http://10.0.0.1:80 for PT30S: 3 failed calls in a row");
      assertThat(log.containing("answered again")).singleElement().asString()
          .contains("INFO", "payment-service instance a at http://10.0.0.1:80 answered again after its ejection; back in rotation");
    }
  }

  @Test
  void threeFailuresInARowSkipAnInstanceForTheEjectionTime() {
    startFour();
    ServiceInstance a = instance("a");

    client.report(a, Outcome.CONNECTION_FAILURE);
    client.report(a, Outcome.CONNECTION_FAILURE);
    assertThat(chosen(40)).contains("a");
    assertThat(client.isEjected(a)).isFalse();
    client.report(a, Outcome.CONNECTION_FAILURE);

    assertThat(chosen(400)).containsExactlyInAnyOrder("b", "c", "d");
    assertThat(client.isEjected(a)).isTrue();
    assertThat(client.isEjected(instance("b"))).isFalse();
    clock.advance(Duration.ofSeconds(29));
    assertThat(chosen(40)).doesNotContain("a");
    clock.advance(Duration.ofSeconds(1));
    assertThat(chosen(40)).contains("a");
    assertThat(client.isEjected(a)).as("the ejection ended").isFalse();

    client.report(a, Outcome.CONNECTION_FAILURE);
    client.report(a, Outcome.CONNECTION_FAILURE);
    assertThat(chosen(40)).as("back, it needs three failures again").contains("a");
  }

  @Test
  void aSuccessBreaksTheRunAndEndsAnEjection() {
    startFour();
    ServiceInstance b = instance("b");

    client.report(b, Outcome.CONNECTION_FAILURE);
    client.report(b, Outcome.CONNECTION_FAILURE);
    client.report(b, Outcome.SUCCESS);
    client.report(b, Outcome.CONNECTION_FAILURE);
    client.report(b, Outcome.CONNECTION_FAILURE);
    assertThat(chosen(40)).contains("b");

    client.report(b, Outcome.CONNECTION_FAILURE);
    assertThat(chosen(40)).doesNotContain("b");
    client.report(b, Outcome.SUCCESS);
    assertThat(chosen(40)).contains("b");
  }

  @Test
  void neverMoreThanHalfOfTheInstancesAreEjected() {
    startFour();
    for (String id : new String[] {"a", "b", "c", "d"}) {
      ServiceInstance i = instance(id);
      for (int n = 0; n < 10; n++) {
        client.report(i, Outcome.CONNECTION_FAILURE);
      }
    }

    assertThat(chosen(400)).containsExactlyInAnyOrder("c", "d");
  }

  @Test
  void aLoneInstanceIsNeverEjected() {
    start("a", "http://10.0.0.1:80");
    ServiceInstance a = instance("a");
    for (int n = 0; n < 10; n++) {
      client.report(a, Outcome.CONNECTION_FAILURE);
    }

    assertThat(chosen(10)).containsExactly("a");
  }

  @Test
  void reportsAboutUnknownInstancesAreIgnoredAndNullIsRefused() {
    startFour();
    ServiceInstance stranger = ServiceInstance.builder("other-service").id("x")
        .address(java.net.URI.create("http://10.1.1.1:80")).build();
    client.report(stranger, Outcome.CONNECTION_FAILURE);
    client.report(stranger, Outcome.SUCCESS);

    assertThatThrownBy(() -> client.report(null, Outcome.CONNECTION_FAILURE)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> RegistryClient.builder().ejection(0, Duration.ofSeconds(1)))
        .hasMessageContaining("consecutiveFailures must be >= 1: 0");
    assertThatThrownBy(() -> RegistryClient.builder().ejection(3, Duration.ZERO))
        .hasMessageContaining("ejectionTime");
  }

  @Test
  void chooseAllocatesNothingWhileAnInstanceIsEjected() {
    startFour();
    ServiceInstance a = instance("a");
    for (int n = 0; n < 3; n++) {
      client.report(a, Outcome.CONNECTION_FAILURE);
    }
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long self = Thread.currentThread().getId();
    for (int i = 0; i < 200_000; i++) {
      client.choose("payment-service");
    }
    long before = threads.getThreadAllocatedBytes(self);
    for (int i = 0; i < 100_000; i++) {
      client.choose("payment-service");
    }
    long allocated = threads.getThreadAllocatedBytes(self) - before;

    assertThat(allocated).isLessThan(10_000);
    assertThat(chosen(40)).doesNotContain("a");
  }
}
