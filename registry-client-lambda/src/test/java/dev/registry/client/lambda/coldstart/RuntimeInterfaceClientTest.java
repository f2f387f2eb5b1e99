package dev.registry.client.lambda.coldstart;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.Test;

/**
 * A handler wrapper driven end to end through the real runtime interface client in a fresh
 * JVM, against MockWebServers standing in for the Lambda Runtime API and for the registry.
 */
class RuntimeInterfaceClientTest {
  @StartStop final MockWebServer registry = new MockWebServer();

  @Test
  void theWrappedHandlerAnswersTheFirstInvocationFromOneCatalogCall() throws Exception {
    registry.setDispatcher(new mockwebserver3.Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        if (request.getUrl().encodedPath().equals("/catalog")) {
          return new MockResponse.Builder().code(200).addHeader("Content-Type", "application/json")
              .body("{\"stage\":\"prod\",\"index\":3,\"services\":{\"payment-service\":{\"index\":3,"
                  + "\"count\":1,\"instances\":[{\"id\":\"p1\",\"address\":\"http://127.0.0.1:9001\","
                  + "\"stage\":\"prod\",\"status\":\"UP\",\"metadata\":{}}]}}}")
              .build();
        }
        return new MockResponse.Builder().code(404)
            .body("{\"error\":\"not_found\",\"message\":\"unexpected\"}").build();
      }
    });

    ColdStart.Run run = ColdStart.run(ColdStart.classPath(), OursHandler.class.getName(), List.of(),
        Map.of("REGISTRY_URLS", registry.url("/").toString()), Duration.ofSeconds(60));

    assertThat(run.body()).isEqualTo("{\"target\":\"http://127.0.0.1:9001\"}");
    assertThat(registry.getRequestCount()).isEqualTo(1);
    RecordedRequest catalog = registry.takeRequest();
    assertThat(catalog.getTarget()).isEqualTo("/catalog?stage=prod");
  }
}
