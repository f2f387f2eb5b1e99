package dev.registry.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The jar describes every registry.* property to IDEs, with its type and default. */
class ConfigurationMetadataTest {

  @Test
  void everyPropertyIsDescribedWithItsTypeAndDefault() throws IOException {
    JsonNode metadata;
    try (InputStream in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
      assertThat(in).as("generated metadata").isNotNull();
      metadata = JsonMapper.builder().build().readTree(in);
    }
    Map<String, JsonNode> properties = new LinkedHashMap<>();
    for (JsonNode p : metadata.path("properties")) {
      properties.put(p.path("name").asString(), p);
    }
    assertThat(properties).containsKeys("registry.enabled", "registry.urls", "registry.service-name",
        "registry.stage", "registry.instance-id", "registry.host", "registry.port",
        "registry.address", "registry.metadata", "registry.lease-ttl",
        "registry.heartbeat-interval", "registry.request-timeout", "registry.token", "registry.trusted-certificates",
        "registry.deregister-timeout",
        "registry.propagation-wait", "registry.eject-after", "registry.ejection-time",
        "registry.register", "registry.discovery.order", "registry.region", "registry.client",
        "registry.allow-link-local-addresses");
    assertThat(properties.get("registry.eject-after").path("defaultValue").asInt()).isEqualTo(3);
    assertThat(properties.get("registry.ejection-time").path("defaultValue").asString()).isEqualTo("30s");
    assertThat(properties.get("registry.lease-ttl").path("type").asString())
        .isEqualTo("java.time.Duration");
    assertThat(properties.get("registry.lease-ttl").path("defaultValue").asString()).isEqualTo("15s");
    assertThat(properties.get("registry.trusted-certificates").path("type").asString())
        .isEqualTo("java.nio.file.Path");
    assertThat(properties.get("registry.urls").path("defaultValue").get(0).asString())
        .isEqualTo("http://127.0.0.1:5001");
    assertThat(properties.values()).allSatisfy(p ->
        assertThat(p.path("description").asString()).as(p.path("name").asString()).isNotBlank());
  }
}
