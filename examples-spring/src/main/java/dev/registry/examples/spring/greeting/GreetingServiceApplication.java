package dev.registry.examples.spring.greeting;

import dev.registry.spring.EnableServiceRegistration;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;

/**
 * A service that registers itself as {@code greeting-service} (its settings are in
 * {@code greeting-service.properties}) and answers {@code GET /greeting}. Start as many as you
 * like: each takes a random port and registers it.
 */
@SpringBootApplication
@EnableServiceRegistration
public class GreetingServiceApplication {

  /** Created by Spring. */
  GreetingServiceApplication() {}

  /**
   * The application, reading {@code greeting-service.properties}.
   *
   * @return a builder to run
   */
  public static SpringApplication application() {
    return new SpringApplicationBuilder(GreetingServiceApplication.class)
        .properties("spring.config.name=greeting-service")
        .build();
  }

  /**
   * Runs the service.
   *
   * @param args Spring Boot arguments
   */
  public static void main(String[] args) {
    application().run(args);
  }
}
