package dev.registry.client.lambda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LambdaSettingsTest {

  @Test
  void defaultsNeedOnlyTheRegistryUrls() {
    LambdaSettings s = LambdaSettings.fromEnvironment(Map.of("REGISTRY_URLS", "http://127.0.0.1:5001"));

    assertThat(s.registryUrls()).containsExactly(URI.create("http://127.0.0.1:5001"));
    assertThat(s.stage()).isNull();
    assertThat(s.cacheTtl()).isEqualTo(Duration.ofSeconds(30));
    assertThat(s.requestTimeout()).isEqualTo(Duration.ofSeconds(1));
    assertThat(s.workBudget()).isEqualTo(Duration.ofMillis(300));
    assertThat(s.warmUp()).isTrue();
    assertThat(s.selfRegistration()).isFalse();
    assertThat(s.leaseTtl()).isEqualTo(Duration.ofMinutes(15));
    assertThat(s.allowLinkLocalAddresses()).isFalse();
  }

  @Test
  void everyVariableIsRead() {
    LambdaSettings s = LambdaSettings.fromEnvironment(Map.of(
        "REGISTRY_URLS", "http://127.0.0.1:5001, http://[::1]:5002",
        "REGISTRY_STAGE", "prod",
        "REGISTRY_CACHE_TTL", "2m",
        "REGISTRY_REQUEST_TIMEOUT", "250ms",
        "REGISTRY_WORK_BUDGET", "1",
        "REGISTRY_WARM_UP", "FALSE",
        "REGISTRY_SERVICE_NAME", "orders",
        "REGISTRY_SERVICE_ADDRESS", "https://orders.example.test/prod",
        "REGISTRY_INSTANCE_ID", "orders-api",
        "REGISTRY_LEASE_TTL", "1h"));

    assertThat(s.registryUrls()).containsExactly(
        URI.create("http://127.0.0.1:5001"), URI.create("http://[::1]:5002"));
    assertThat(s.stage()).isEqualTo("prod");
    assertThat(s.cacheTtl()).isEqualTo(Duration.ofMinutes(2));
    assertThat(s.requestTimeout()).isEqualTo(Duration.ofMillis(250));
    assertThat(s.workBudget()).isEqualTo(Duration.ofSeconds(1));
    assertThat(s.warmUp()).isFalse();
    assertThat(s.serviceName()).isEqualTo("orders");
    assertThat(s.serviceAddress()).isEqualTo(URI.create("https://orders.example.test/prod"));
    assertThat(s.instanceId()).isEqualTo("orders-api");
    assertThat(s.leaseTtl()).isEqualTo(Duration.ofHours(1));
    assertThat(LambdaSettings.fromEnvironment(Map.of("REGISTRY_URLS", "http://127.0.0.1:5001",
        "REGISTRY_ALLOW_LINK_LOCAL_ADDRESSES", "true")).allowLinkLocalAddresses()).isTrue();
  }

  @Test
  void theTokenIsReadNeverPrintedAndReachesATokenProtectedRegistry() {
    try (dev.registry.server.RegistryServer server = dev.registry.server.RegistryServer.builder()
        .host("127.0.0.1").port(0).token("s3cret-t0ken").build().start()) {
      LambdaSettings s = LambdaSettings.fromEnvironment(Map.of(
          "REGISTRY_URLS", server.uri().toString(), "REGISTRY_TOKEN", "s3cret-t0ken"));
      assertThat(s.token()).isEqualTo("s3cret-t0ken");
      assertThat(s.toString()).doesNotContain("s3cret-t0ken").contains("token=(set)");

      try (dev.registry.client.InlineRegistryClient client = s.clientBuilder().buildInline()) {
        client.register(dev.registry.client.ServiceInstance.builder("orders")
            .id("orders-1").address("http://127.0.0.1:9000").build());
        assertThat(client.instances("orders")).hasSize(1);
      }
      try (dev.registry.client.InlineRegistryClient client = LambdaSettings.fromEnvironment(Map.of(
          "REGISTRY_URLS", server.uri().toString())).clientBuilder().buildInline()) {
        assertThatThrownBy(() -> client.register(dev.registry.client.ServiceInstance
            .builder("orders").id("orders-2").address("http://127.0.0.1:9001").build()))
            .hasMessageContaining("401");
      }
    }
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "REGISTRY_URLS|ftp://x|REGISTRY_URLS=ftp://x: ",
      "REGISTRY_URLS|ftp://x|s3:// with registry-client-s3)",
      "REGISTRY_URLS|http://a b|REGISTRY_URLS=http://a b: not a URL",
      "REGISTRY_CACHE_TTL|soon|REGISTRY_CACHE_TTL must be a duration",
      "REGISTRY_CACHE_TTL|0s|REGISTRY_CACHE_TTL must be > 0: '0s'",
      "REGISTRY_WARM_UP|yes|REGISTRY_WARM_UP must be true or false: 'yes'",
      "REGISTRY_STAGE|-prod|REGISTRY_STAGE=-prod: stage must be 1 to 128 characters",
      "REGISTRY_LEASE_TTL|2h|REGISTRY_LEASE_TTL=2h: leaseTtl must be between 1 s and 1 h: PT2H",
      "REGISTRY_SERVICE_NAME|orders|REGISTRY_SERVICE_NAME and REGISTRY_SERVICE_ADDRESS go together"
          + " (self-registration needs both): REGISTRY_SERVICE_NAME is orders, REGISTRY_SERVICE_ADDRESS is not set",
      "REGISTRY_SERVICE_ADDRESS|https://x.test|REGISTRY_SERVICE_ADDRESS is https://x.test, REGISTRY_SERVICE_NAME is not set",
      "REGISTRY_TOKEN|a b|REGISTRY_TOKEN=(not shown): token must be printable ASCII without spaces",
      "REGISTRY_URL|http://127.0.0.1:7001|REGISTRY_URL is another name for REGISTRY_URLS, and both are set",
      "REGISTRY_REGION|eu west|REGISTRY_REGION=eu west: region must be 1 to 128 characters",
      "AWS_REGION|eu west|AWS_REGION=eu west: region must be 1 to 128 characters",
      "REGISTRY_CLIENT|-acme|REGISTRY_CLIENT=-acme: client must be 1 to 128 characters",
      "REGISTRY_CONFIG|yes|REGISTRY_CONFIG must be true or false: 'yes'",
  })
  void aBadVariableIsNamedWithItsValue(String variable, String value, String message) {
    Map<String, String> env = new java.util.HashMap<>(Map.of("REGISTRY_URLS", "http://127.0.0.1:5001"));
    env.put(variable, value);

    assertThatThrownBy(() -> LambdaSettings.fromEnvironment(env))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
  }

  @Test
  void aBadSelfRegistrationNamesItsVariable() {
    Map<String, String> env = new java.util.HashMap<>(Map.of("REGISTRY_URLS", "http://127.0.0.1:5001",
        "REGISTRY_SERVICE_NAME", "orders", "REGISTRY_SERVICE_ADDRESS", "https://orders.example.test:70000"));
    assertThatThrownBy(() -> LambdaSettings.fromEnvironment(env))
        .hasMessage("REGISTRY_SERVICE_ADDRESS=https://orders.example.test:70000: address must have a port"
            + " from 1 to 65535: 70000 in 'https://orders.example.test:70000'");
    env.put("REGISTRY_SERVICE_ADDRESS", "https://orders.example.test");
    env.put("REGISTRY_SERVICE_NAME", "Orders API");
    assertThatThrownBy(() -> LambdaSettings.fromEnvironment(env))
        .hasMessageStartingWith("REGISTRY_SERVICE_NAME=Orders API: service must be");
  }

  @Test
  void registryUrlIsAnotherNameForRegistryUrls() {
    assertThat(LambdaSettings.fromEnvironment(Map.of("REGISTRY_URL", "http://127.0.0.1:7001")).registryUrls())
        .containsExactly(URI.create("http://127.0.0.1:7001"));
  }

  @Test
  void theRegistryUrlsAreRequired() {
    assertThatThrownBy(() -> LambdaSettings.fromEnvironment(Map.of()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("REGISTRY_URLS is required");
    assertThatThrownBy(() -> LambdaSettings.fromEnvironment(null))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("env");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', nullValues = "NONE", value = {
      "arn:aws:lambda:eu-west-1:123456789012:function:orders:prod|prod",
      "arn:aws:lambda:us-east-1:123456789012:function:orders:staging-2|staging-2",
      "arn:aws:lambda:eu-west-1:123456789012:function:orders|NONE",
      "arn:aws:lambda:eu-west-1:123456789012:function:orders:$LATEST|NONE",
      "arn:aws:lambda:eu-west-1:123456789012:function:orders:17|NONE",
      "arn:aws:lambda:eu-west-1:123456789012:function:orders:|NONE",
      "arn:aws:lambda:eu-west-1:123456789012:layer:orders:prod|NONE",
      "not an arn|NONE",
  })
  void theStageIsTheAliasOfTheInvokedArn(String arn, String stage) {
    assertThat(LambdaSettings.stageOfArn(arn)).isEqualTo(Optional.ofNullable(stage));
  }

  @Test
  void aNullArnHasNoStage() {
    assertThat(LambdaSettings.stageOfArn(null)).isEmpty();
  }

  @Test
  void theZoneIsRegistryZoneElseTheFunctionsRegionAndABadOneIsNamed() {
    Map<String, String> lambda = Map.of("REGISTRY_URLS", "http://127.0.0.1:5001", "AWS_REGION", "eu-west-1");

    assertThat(LambdaSettings.fromEnvironment(lambda).zone()).isEqualTo("eu-west-1");
    assertThat(LambdaSettings.fromEnvironment(Map.of("REGISTRY_URLS", "http://127.0.0.1:5001",
        "AWS_REGION", "eu-west-1", "REGISTRY_ZONE", "eu-west-1b")).zone()).isEqualTo("eu-west-1b");
    assertThat(LambdaSettings.fromEnvironment(Map.of("REGISTRY_URLS", "http://127.0.0.1:5001")).zone()).isNull();
    assertThatThrownBy(() -> LambdaSettings.fromEnvironment(Map.of("REGISTRY_URLS", "http://127.0.0.1:5001",
        "REGISTRY_ZONE", "eu west")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("REGISTRY_ZONE").hasMessageContaining("'eu west'");
  }

  @Test
  void aFunctionPrefersTheInstancesOfItsRegion() {
    dev.registry.server.RegistryServer server =
        dev.registry.server.RegistryServer.builder().host("127.0.0.1").port(0).build().start();
    try (dev.registry.client.RegistryClient registrar = dev.registry.client.RegistryClient.builder()
        .registryUris(java.util.List.of(server.uri())).shutdownHook(false).build()) {
      for (String zone : new String[] {"eu-west-1", "us-east-1"}) {
        registrar.register(dev.registry.client.ServiceInstance.builder("payment-service").id("p-" + zone)
            .address("http://" + zone + ".example.test:80").metadata("zone", zone).build());
      }
      LambdaSettings settings = LambdaSettings.fromEnvironment(Map.of(
          "REGISTRY_URLS", server.uri().toString(), "AWS_REGION", "eu-west-1"));
      try (dev.registry.client.InlineRegistryClient client = settings.clientBuilder().buildInline()) {
        java.util.Set<String> picked = new java.util.HashSet<>();
        for (int i = 0; i < 10; i++) {
          picked.add(client.choose("payment-service").id());
        }
        assertThat(picked).containsExactly("p-eu-west-1");
      }
    } finally {
      server.close();
    }
  }
}
