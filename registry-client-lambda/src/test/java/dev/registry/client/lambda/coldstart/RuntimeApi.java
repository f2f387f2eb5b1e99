package dev.registry.client.lambda.coldstart;

import java.io.IOException;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;

/**
 * A stand-in for the Lambda Runtime API on a MockWebServer: hands out the queued invocations at
 * {@code GET /2018-06-01/runtime/invocation/next} (and holds the next poll, as Lambda does when
 * there is no work), and takes the handler's answer at
 * {@code POST /2018-06-01/runtime/invocation/{id}/response}, noting when it arrived.
 */
public final class RuntimeApi implements AutoCloseable {
  /** The answer of one invocation and when it arrived ({@link System#nanoTime()}). */
  public record Answer(String requestId, String body, long arrivedNanos) {}

  /** One invocation to hand out. */
  public record Invocation(String requestId, String invokedFunctionArn, String event) {}

  private final MockWebServer server = new MockWebServer();
  private final Queue<Invocation> invocations = new ConcurrentLinkedQueue<>();
  private final Queue<CompletableFuture<Answer>> answers = new ConcurrentLinkedQueue<>();

  public RuntimeApi() throws IOException {
    server.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        return RuntimeApi.this.dispatch(request);
      }
    });
    server.start(java.net.InetAddress.getLoopbackAddress(), 0);
  }

  /** The value of {@code AWS_LAMBDA_RUNTIME_API}: {@code host:port}. */
  public String address() {
    return server.getHostName() + ":" + server.getPort();
  }

  /** Queues an invocation; the returned future completes with its answer (or its error). */
  public CompletableFuture<Answer> invoke(Invocation invocation) {
    CompletableFuture<Answer> answer = new CompletableFuture<>();
    answers.add(answer);
    invocations.add(invocation);
    return answer;
  }

  private MockResponse dispatch(RecordedRequest request) {
    String path = request.getUrl().encodedPath();
    if (path.equals("/2018-06-01/runtime/invocation/next")) {
      Invocation next = invocations.poll();
      if (next == null) {
        return new MockResponse.Builder().headersDelay(10, TimeUnit.MINUTES).build();
      }
      return new MockResponse.Builder().code(200)
          .addHeader("Lambda-Runtime-Aws-Request-Id", next.requestId())
          .addHeader("Lambda-Runtime-Deadline-Ms", System.currentTimeMillis() + 60_000)
          .addHeader("Lambda-Runtime-Invoked-Function-Arn", next.invokedFunctionArn())
          .addHeader("Lambda-Runtime-Trace-Id", "Root=1-00000000-000000000000000000000000;Sampled=0")
          .addHeader("Content-Type", "application/json")
          .body(next.event()).build();
    }
    long now = System.nanoTime();
    String body = request.getBody() == null ? "" : request.getBody().utf8();
    CompletableFuture<Answer> answer = answers.peek();
    if (path.endsWith("/response") && answer != null) {
      answers.poll();
      String id = path.split("/")[4];
      answer.complete(new Answer(id, body, now));
      return new MockResponse.Builder().code(202).body("{\"status\":\"OK\"}").build();
    }
    if (path.endsWith("/error") && answer != null) {
      answers.poll();
      answer.completeExceptionally(new IllegalStateException(path + ": " + body));
      return new MockResponse.Builder().code(202).body("{\"status\":\"OK\"}").build();
    }
    return new MockResponse.Builder().code(404).body("{}").build();
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
