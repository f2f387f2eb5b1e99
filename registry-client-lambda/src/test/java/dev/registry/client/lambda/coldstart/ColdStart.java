package dev.registry.client.lambda.coldstart;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs a handler cold in a fresh JVM through the real
 * {@code aws-lambda-java-runtime-interface-client} ({@code AWSLambda}, with its bundled native
 * client), against a {@link RuntimeApi} stand-in, and measures the time from just before the
 * process is started to the arrival of the first invocation's answer.
 */
public final class ColdStart {
  /** The invoked ARN: alias {@code prod}, so the adapter's stage is {@code prod}. */
  public static final String ARN = "arn:aws:lambda:eu-west-1:123456789012:function:orders:prod";

  private ColdStart() {}

  /** One cold run: the answer and the milliseconds from process start to it. */
  public record Run(String body, double millis) {}

  /**
   * Starts {@code handler} in a new JVM, sends it one invocation, waits for the answer, then
   * stops the JVM.
   *
   * @param classPath the JVM's class path
   * @param jvmArgs extra JVM options (the RIC runs with -XX:TieredStopAtLevel=1 in any case)
   * @param env extra environment variables (the Runtime API address is added)
   */
  public static Run run(String classPath, String handler, List<String> jvmArgs,
      Map<String, String> env, Duration timeout) throws Exception {
    Path taskRoot = Files.createTempDirectory("lambda-task-root");
    try (RuntimeApi api = new RuntimeApi()) {
      CompletableFuture<RuntimeApi.Answer> answer = api.invoke(
          new RuntimeApi.Invocation("req-1", ARN, "{\"orderId\":42}"));
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.add("-XX:TieredStopAtLevel=1");
      command.addAll(jvmArgs);
      command.add("-cp");
      command.add(classPath);
      command.add("com.amazonaws.services.lambda.runtime.api.client.AWSLambda");
      command.add(handler);
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
      Path log = Files.createTempFile("lambda-cold-start", ".log");
      builder.redirectOutput(log.toFile());
      Map<String, String> environment = builder.environment();
      environment.put("AWS_LAMBDA_RUNTIME_API", api.address());
      environment.put("LAMBDA_TASK_ROOT", taskRoot.toString());
      environment.put("AWS_LAMBDA_FUNCTION_NAME", "orders");
      environment.put("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST");
      environment.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "512");
      environment.put("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/orders");
      environment.put("AWS_LAMBDA_LOG_STREAM_NAME", "cold-start");
      environment.putAll(env);
      long start = System.nanoTime();
      Process process = builder.start();
      try {
        RuntimeApi.Answer a = answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        return new Run(a.body(), (a.arrivedNanos() - start) / 1e6);
      } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
        throw new IllegalStateException(handler + " gave no answer; its output:\n"
            + Files.readString(log), e);
      } finally {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        Files.deleteIfExists(log);
      }
    } finally {
      Files.deleteIfExists(taskRoot);
    }
  }

  /** This JVM's class path without the test-only logging binding (measured: slf4j-api alone). */
  public static String classPath() {
    List<String> kept = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      if (!entry.contains("slf4j-simple")) {
        kept.add(entry);
      }
    }
    return String.join(File.pathSeparator, kept);
  }

  static void deleteQuietly(Path path) throws IOException {
    Files.deleteIfExists(path);
  }
}
