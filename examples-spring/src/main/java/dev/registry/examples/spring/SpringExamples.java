package dev.registry.examples.spring;

import dev.registry.examples.spring.caller.CallerApplication;
import dev.registry.examples.spring.greeting.GreetingServiceApplication;
import java.util.Arrays;

/**
 * The executable jar's entry point: the first argument picks the application, the rest are
 * Spring Boot arguments.
 *
 * <pre>
 * java -jar examples-spring/target/spring-examples.jar greeting-service [--server.port=0]
 * java -jar examples-spring/target/spring-examples.jar caller [--server.port=8080]
 * </pre>
 */
public final class SpringExamples {
  private SpringExamples() {}

  /**
   * Starts the application named by the first argument.
   *
   * @param args {@code greeting-service} or {@code caller}, then Spring Boot arguments such as
   *     {@code --registry.urls=http://127.0.0.1:5001}
   */
  public static void main(String[] args) {
    String app = args.length > 0 ? args[0] : "";
    String[] rest = args.length > 0 ? Arrays.copyOfRange(args, 1, args.length) : args;
    switch (app) {
      case "greeting-service" -> GreetingServiceApplication.main(rest);
      case "caller" -> CallerApplication.main(rest);
      default -> {
        System.err.println("usage: java -jar spring-examples.jar greeting-service|caller"
            + " [--registry.urls=http://127.0.0.1:5001] [--server.port=N]");
        System.exit(2);
      }
    }
  }
}
