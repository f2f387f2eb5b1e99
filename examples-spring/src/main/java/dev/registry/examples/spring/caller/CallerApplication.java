package dev.registry.examples.spring.caller;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.cloud.client.loadbalancer.LoadBalanced;
import org.springframework.context.annotation.Bean;
import org.springframework.web.client.RestClient;

/**
 * Calls {@code greeting-service} by name: {@code GET /call?times=N} makes N calls through a
 * {@code @LoadBalanced RestClient} and answers what each instance said. It does not register
 * itself (no {@code @EnableServiceRegistration}): discovery needs only the dependency.
 */
@SpringBootApplication
public class CallerApplication {

  /** Created by Spring. */
  CallerApplication() {}

  /**
   * The builder of every {@code RestClient} that calls services by name: Spring Cloud
   * LoadBalancer resolves {@code http://greeting-service} through the registry.
   *
   * @return the builder
   */
  @Bean
  @LoadBalanced
  RestClient.Builder loadBalancedRestClientBuilder() {
    return RestClient.builder();
  }

  /**
   * The application, reading {@code caller.properties}.
   *
   * @return a builder to run
   */
  public static SpringApplication application() {
    return new SpringApplicationBuilder(CallerApplication.class)
        .properties("spring.config.name=caller")
        .build();
  }

  /**
   * Runs the caller.
   *
   * @param args Spring Boot arguments
   */
  public static void main(String[] args) {
    application().run(args);
  }
}
