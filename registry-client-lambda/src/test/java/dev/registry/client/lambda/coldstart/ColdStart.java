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

  /**
   * One cold run: the answer, the wall-clock milliseconds from process start to it, and the CPU
   * milliseconds the JVM had used by then (all its threads; steadier than the wall clock on a
   * shared machine), or -1 where the platform does not tell.
   */
  public record Run(String body, double millis, double cpuMillis) {}

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
        // The runtime now waits on its next poll, which is held: the CPU count is still that
        // of the first answer.
        double cpu = process.toHandle().info().totalCpuDuration()
            .map(d -> d.toNanos() / 1e6).orElse(-1.0);
        return new Run(a.body(), (a.arrivedNanos() - start) / 1e6, cpu);
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

  /**
   * Returns {@code classPath} with every directory replaced by a jar of its contents, written
   * into {@code dir}: CDS archives only classes from jars.
   */
  public static String jarred(String classPath, Path dir) throws IOException {
    Files.createDirectories(dir);
    List<String> entries = new ArrayList<>();
    int n = 0;
    for (String entry : classPath.split(File.pathSeparator)) {
      Path path = Path.of(entry);
      if (!Files.isDirectory(path)) {
        entries.add(entry);
        continue;
      }
      Path jar = dir.resolve("dir-" + (n++) + ".jar");
      try (java.util.jar.JarOutputStream out = new java.util.jar.JarOutputStream(
              Files.newOutputStream(jar));
          java.util.stream.Stream<Path> files = Files.walk(path)) {
        for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
          out.putNextEntry(new java.util.jar.JarEntry(
              path.relativize(file).toString().replace(File.separatorChar, '/')));
          Files.copy(file, out);
          out.closeEntry();
        }
      }
      entries.add(jar.toString());
    }
    return String.join(File.pathSeparator, entries);
  }

  /**
   * Makes a static AppCDS archive for {@code handler}: one training run that writes the list of
   * the classes it loads, then {@code java -Xshare:dump} of that list on the same class path.
   */
  public static void makeArchive(String classPath, String handler, Map<String, String> env,
      Path archive) throws Exception {
    Path list = Path.of(archive + ".classlist");
    Files.deleteIfExists(list);
    Files.deleteIfExists(archive);
    run(classPath, handler, List.of("-XX:DumpLoadedClassList=" + list), env, Duration.ofSeconds(60));
    // The list is written as classes load; it is complete once the runtime has answered.
    Process dump = new ProcessBuilder(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xshare:dump", "-XX:SharedClassListFile=" + list, "-XX:SharedArchiveFile=" + archive,
        "-cp", classPath)
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    if (!dump.waitFor(5, TimeUnit.MINUTES) || dump.exitValue() != 0 || !Files.exists(archive)) {
      throw new IllegalStateException("the AppCDS dump failed: exit " + dump.exitValue());
    }
  }
}
