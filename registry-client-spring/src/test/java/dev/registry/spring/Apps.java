package dev.registry.spring;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.cloud.client.loadbalancer.LoadBalanced;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestTemplate;
import org.springframework.web.reactive.function.client.WebClient;

/** The applications of the tests: each is what a user would write, and nothing more. */
final class Apps {
  private Apps() {}

  /** A web service that registers itself and says which instance answered. */
  @SpringBootConfiguration
  @EnableAutoConfiguration
  @EnableServiceRegistration
  @Import(GreetingController.class)
  static class Greeting {}

  @RestController
  static class GreetingController {
    private final String id;

    GreetingController(@Value("${registry.instance-id}") String id) {
      this.id = id;
    }

    @GetMapping("/greeting")
    String greeting() {
      return "hello from " + id;
    }
  }

  /** A non-web application (a worker) that registers itself. */
  @SpringBootConfiguration
  @EnableAutoConfiguration
  @EnableServiceRegistration
  static class Worker {}

  /** A caller that does not register; it calls services by name. */
  @SpringBootConfiguration
  @EnableAutoConfiguration
  static class Caller {
    @Bean
    @LoadBalanced
    RestClient.Builder loadBalanced() {
      return RestClient.builder();
    }

    @Bean
    @LoadBalanced
    RestTemplate loadBalancedTemplate() {
      return new RestTemplate();
    }

    @Bean
    @LoadBalanced
    WebClient.Builder loadBalancedWebClient() {
      return WebClient.builder();
    }
  }
}
