package dev.registry.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.registry.client.ConfigView;
import dev.registry.client.EventListener;
import dev.registry.client.RegistryClient;
import dev.registry.server.RegistryServer;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cloud.context.environment.EnvironmentChangeEvent;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * {@code spring.config.import=registry:} end to end, against the reference server in-process:
 * the configuration is in the environment before beans are made, a change at runtime rebinds a
 * {@code @ConfigurationProperties} bean within a second with no restart, a value that does not
 * bind is rejected and changes nothing, and a registry that is down stops the startup unless the
 * import is {@code optional:}.
 */
class ConfigImportTest {
  private final List<AutoCloseable> closeables = new CopyOnWriteArrayList<>();

  /** A bean bound from the imported configuration. */
  @ConfigurationProperties("payment")
  public static class PaymentProperties {
    private Duration timeout = Duration.ofSeconds(1);
    private int retries = 1;

    public Duration getTimeout() {
      return timeout;
    }

    public void setTimeout(Duration timeout) {
      this.timeout = timeout;
    }

    public int getRetries() {
      return retries;
    }

    public void setRetries(int retries) {
      this.retries = retries;
    }
  }

  @SpringBootConfiguration
  @EnableAutoConfiguration
  @EnableConfigurationProperties(PaymentProperties.class)
  static class App {}

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : closeables) {
      c.close();
    }
  }

  private ConfigurableApplicationContext run(String registryUrl, String importLocation, String... more) {
    return run(registryUrl, importLocation, context -> { }, more);
  }

  private ConfigurableApplicationContext run(String registryUrl, String importLocation,
      ApplicationContextInitializer<ConfigurableApplicationContext> initializer, String... more) {
    SpringApplicationBuilder app = new SpringApplicationBuilder(App.class).web(WebApplicationType.NONE)
        .properties("spring.application.name=payment-service", "registry.urls=" + registryUrl,
            "spring.config.import=" + importLocation, "spring.main.banner-mode=off", "registry.stage=production")
        .properties(more)
        .initializers(initializer);
    ConfigurableApplicationContext context = app.run();
    closeables.add(0, context);
    return context;
  }

  private Registry registry() {
    Registry registry = new Registry();
    closeables.add(registry);
    return registry;
  }

  @Test
  void aConfigurationPropertiesBeanTakesAChangeWithinASecondWithoutARestart() {
    Registry registry = registry();
    registry.writeConfig("payment-service", "{\"set\": {\"payment.timeout\": \"2s\", \"payment.retries\": \"3\"}}");
    registry.writeConfig("payment-service", "{\"client\": \"acme\", \"set\": {\"payment.retries\": \"7\"}}");

    ConfigurableApplicationContext app = run(registry.url(), "registry:", "registry.client=acme");
    PaymentProperties payment = app.getBean(PaymentProperties.class);
    List<Set<String>> changed = new CopyOnWriteArrayList<>();
    app.addApplicationListener((EnvironmentChangeEvent e) -> changed.add(e.getKeys()));

    assertThat(payment.getTimeout()).as("in the environment before the bean was made").isEqualTo(Duration.ofSeconds(2));
    assertThat(payment.getRetries()).as("the client's value").isEqualTo(7);

    registry.writeConfig("payment-service", "{\"stage\": \"production\", \"set\": {\"payment.timeout\": \"5s\"}}");

    await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(10))
        .until(() -> payment.getTimeout().equals(Duration.ofSeconds(5)));
    assertThat(app.getEnvironment().getProperty("payment.timeout")).isEqualTo("5s");
    await().atMost(Duration.ofSeconds(1)).until(() -> changed.stream().anyMatch(keys -> keys.contains("payment.timeout")));
    assertThat(app.getBean(PaymentProperties.class)).as("the same bean, rebound").isSameAs(payment);
  }

  @Test
  void aValueThatDoesNotBindIsRejectedAndTheBeanKeepsItsValue() {
    Registry registry = registry();
    registry.writeConfig("payment-service", "{\"set\": {\"payment.timeout\": \"2s\"}}");
    List<String> rejected = new CopyOnWriteArrayList<>();
    EventListener rejections = new EventListener() {
      @Override
      public void configRejected(ConfigView view, RuntimeException reason) {
        rejected.add(view.index() + ": " + reason.getMessage());
      }
    };
    ConfigurableApplicationContext app = run(registry.url(), "registry:",
        context -> context.getBeanFactory().registerSingleton("rejections", rejections));
    PaymentProperties payment = app.getBean(PaymentProperties.class);
    RegistryClient client = app.getBean(RegistryClient.class);
    long good = client.inStage("production").config("payment-service").index();

    long bad = registry.writeConfig("payment-service", "{\"set\": {\"payment.timeout\": \"soon\"}}");
    long stillBad = registry.writeConfig("payment-service", "{\"set\": {\"payment.retries\": \"4\"}}");

    await().atMost(Duration.ofSeconds(5)).until(() -> rejected.size() == 2);
    assertThat(rejected.get(0)).startsWith(bad + ": @ConfigurationProperties(\"payment\") PaymentProperties would not bind");
    assertThat(rejected.get(1)).as("the bad timeout is still there").startsWith(stillBad + ": ");
    assertThat(payment.getTimeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(payment.getRetries()).isEqualTo(1);
    assertThat(app.getEnvironment().getProperty("payment.timeout")).isEqualTo("2s");
    assertThat(client.inStage("production").config("payment-service").index()).isEqualTo(good);

    long fixed = registry.writeConfig("payment-service", "{\"set\": {\"payment.timeout\": \"6s\"}}");
    await().atMost(Duration.ofSeconds(5)).until(() -> payment.getTimeout().equals(Duration.ofSeconds(6)));
    assertThat(payment.getRetries()).isEqualTo(4);
    assertThat(client.inStage("production").config("payment-service").index()).isEqualTo(fixed);
  }

  @Test
  void theApplicationDoesNotStartWhenTheRegistryIsDownAndSaysWhy() {
    String down = deadRegistryUrl();

    assertThatThrownBy(() -> run(down, "registry:", "registry.request-timeout=500ms"))
        .hasStackTraceContaining("spring.config.import=registry: cannot read the registry's configuration of"
            + " payment-service in stage production at [" + down + "]")
        .hasStackTraceContaining("Start the registry, or write optional:registry: to start without its configuration");
  }

  @Test
  void anOptionalImportStartsWithoutTheRegistryAndTakesItsConfigurationOnceItAnswers() {
    RegistryServer server = RegistryServer.builder().port(0).build().start();
    int port = server.port();
    server.close();

    ConfigurableApplicationContext app = run("http://127.0.0.1:" + port, "optional:registry:",
        "registry.request-timeout=500ms");
    PaymentProperties payment = app.getBean(PaymentProperties.class);
    assertThat(payment.getTimeout()).as("its own default").isEqualTo(Duration.ofSeconds(1));

    RegistryServer back = RegistryServer.builder().port(port).build().start();
    closeables.add(back);
    Registry.writeConfig(back.uri(), "payment-service", "{\"set\": {\"payment.timeout\": \"3s\"}}");

    await().atMost(Duration.ofSeconds(10)).until(() -> payment.getTimeout().equals(Duration.ofSeconds(3)));
  }

  private static String deadRegistryUrl() {
    RegistryServer server = RegistryServer.builder().port(0).build().start();
    String url = server.uri().toString();
    server.close();
    return url;
  }
}
