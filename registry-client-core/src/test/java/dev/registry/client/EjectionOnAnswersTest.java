package dev.registry.client;

import static dev.registry.client.FakeRegistry.view;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Ejection on what really fails, over real HTTP: of four instances, one answers 503 to
 * everything and one never answers (the caller's 1 s timeout ends each call). The caller
 * goes through {@code startCall} and ends each call with its outcome; each of the two is ejected
 * after its third failure in a row, and picked again after the ejection time (a fake clock).
 */
class EjectionOnAnswersTest {
  @StartStop final MockWebServer registryServer = new MockWebServer();
  @StartStop final MockWebServer ok1 = new MockWebServer();
  @StartStop final MockWebServer ok2 = new MockWebServer();
  @StartStop final MockWebServer unavailable = new MockWebServer();
  @StartStop final MockWebServer silent = new MockWebServer();
  final FakeClock clock = new FakeClock();
  final HttpClient http = HttpClient.newHttpClient();
  RegistryClient client;

  @AfterEach
  void tearDown() {
    if (client != null) {
      client.close();
    }
  }

  void start(Outcome... ejectOn) {
    answer(ok1, new MockResponse.Builder().body("ok1").build());
    answer(ok2, new MockResponse.Builder().body("ok2").build());
    answer(unavailable, new MockResponse.Builder().code(503).body("busy").build());
    answer(silent, new MockResponse.Builder().headersDelay(30, TimeUnit.SECONDS).body("late").build());
    FakeRegistry registry = new FakeRegistry();
    registry.then("/discover", view("payment-service", 1,
        "ok1", url(ok1), "unavailable", url(unavailable), "ok2", url(ok2), "silent", url(silent)));
    registry.answer("/discover", new MockResponse.Builder().headersDelay(30, TimeUnit.SECONDS).body("{}").build());
    registryServer.setDispatcher(registry);
    RegistryClient.Builder builder = RegistryClient.builder().registryUrls(registryServer.url("/").toString())
        .shutdownHook(false).clock(clock).longPollWait(Duration.ofSeconds(20))
        .ejection(3, Duration.ofSeconds(30));
    if (ejectOn.length > 0) {
      builder.ejectOn(ejectOn);
    }
    client = builder.build();
    // The first request of a JVM loads the HTTP client's classes: not a call to time.
    send(URI.create(url(ok1) + "/warm-up"));
  }

  HttpResponse<String> send(URI uri) {
    try {
      return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static void answer(MockWebServer server, MockResponse response) {
    server.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        return response;
      }
    });
  }

  static String url(MockWebServer server) {
    return "http://127.0.0.1:" + server.getPort();
  }

  /** One call through the client, ended with its outcome; returns who answered, or the outcome. */
  String call() {
    Call call = client.startCall("payment-service");
    try {
      HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(call.instance().address() + "/pay"))
          .timeout(Duration.ofSeconds(1)).build(), HttpResponse.BodyHandlers.ofString());
      Outcome outcome = Outcome.ofStatus(answer.statusCode());
      call.end(outcome);
      return outcome == Outcome.SUCCESS ? answer.body() : call.instance().id() + " " + outcome;
    } catch (IOException e) {
      Outcome outcome = Outcome.of(e);
      call.end(outcome);
      return call.instance().id() + " " + outcome;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  Map<String, Integer> calls(int n) {
    Map<String, Integer> answers = new TreeMap<>();
    for (int i = 0; i < n; i++) {
      answers.merge(call(), 1, Integer::sum);
    }
    return answers;
  }

  ServiceInstance instance(String id) {
    return client.instances("payment-service").stream().filter(i -> i.id().equals(id)).findFirst().orElseThrow();
  }

  @Test
  void anInstanceAnswering503AndOneNeverAnsweringAreEachEjectedAfterThreeAndBackAfterTheEjectionTime() {
    start();

    // Round-robin: each instance gets every fourth call, so the two failing ones fail three
    // times each in the first twelve, and are ejected at their third.
    assertThat(calls(12)).containsExactly(Map.entry("ok1", 3), Map.entry("ok2", 3),
        Map.entry("silent TIMEOUT", 3), Map.entry("unavailable GATEWAY_ERROR", 3));
    assertThat(client.isEjected(instance("unavailable"))).isTrue();
    assertThat(client.isEjected(instance("silent"))).isTrue();
    assertThat(calls(20)).containsExactly(Map.entry("ok1", 10), Map.entry("ok2", 10));

    clock.advance(Duration.ofSeconds(30));

    assertThat(client.isEjected(instance("unavailable"))).isFalse();
    assertThat(client.isEjected(instance("silent"))).isFalse();
    assertThat(calls(4)).containsOnlyKeys("ok1", "ok2", "silent TIMEOUT", "unavailable GATEWAY_ERROR");
  }

  @Test
  void withEjectionOnTimeoutsAloneA503IsAnAnswerLikeAnyOther() {
    start(Outcome.TIMEOUT, Outcome.CONNECTION_FAILURE);

    calls(12);

    assertThat(client.isEjected(instance("unavailable"))).isFalse();
    assertThat(client.isEjected(instance("silent"))).isTrue();
  }

  @Test
  void ejectOnTakesFailuresOnly() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> RegistryClient.builder().ejectOn(Outcome.SUCCESS))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("SUCCESS");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> RegistryClient.builder().ejectOn())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one");
  }
}
