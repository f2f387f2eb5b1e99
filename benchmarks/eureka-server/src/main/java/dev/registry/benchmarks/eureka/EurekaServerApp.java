package dev.registry.benchmarks.eureka;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.cloud.netflix.eureka.server.EnableEurekaServer;

/**
 * A standalone Eureka server with the settings of {@code application.properties}: no peers, no
 * self-registration, self-preservation off. {@code --server.port=N} picks the port.
 */
@SpringBootApplication
@EnableEurekaServer
public class EurekaServerApp {

  /**
   * Starts the server.
   *
   * @param args Spring Boot arguments, such as {@code --server.port=8761}
   */
  public static void main(String[] args) {
    SpringApplication.run(EurekaServerApp.class, args);
  }
}
