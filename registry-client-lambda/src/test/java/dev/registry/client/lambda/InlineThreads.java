package dev.registry.client.lambda;

/** Whether any thread of the client runs (the Lambda mode must start none). */
final class InlineThreads {
  private InlineThreads() {}

  static boolean running() {
    return Thread.getAllStackTraces().keySet().stream()
        .anyMatch(t -> t.getName().startsWith("registry-client"));
  }
}
