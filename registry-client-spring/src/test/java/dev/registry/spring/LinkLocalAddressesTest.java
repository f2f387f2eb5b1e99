package dev.registry.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registry.client.RegistryClient;
import dev.registry.client.ServiceInstance;
import dev.registry.server.RegistryServer;
import java.net.URI;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.cloud.commons.util.UtilAutoConfiguration;

/**
 * {@code registry.allow-link-local-addresses}: off by default, discovery leaves out an instance at
 * the cloud metadata address that a registry handed out (a reference server told to allow them
 * stands in for one that does not refuse them); on, it keeps it.
 */
class LinkLocalAddressesTest {
  final RegistryServer server = RegistryServer.builder().host("127.0.0.1").port(0)
      .denyLinkLocal(false).build().start();
  final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(RegistryAutoConfiguration.class, UtilAutoConfiguration.class))
      .withPropertyValues("spring.application.name=caller", "registry.urls=" + server.uri());

  @AfterEach
  void tearDown() {
    server.close();
  }

  @Test
  void anInstanceAtTheMetadataAddressIsLeftOutOfDiscoveryUnlessAllowed() {
    try (RegistryClient owner = RegistryClient.builder().registryUris(java.util.List.of(server.uri()))
        .shutdownHook(false).build()) {
      owner.register(ServiceInstance.builder("billing").id("good").address(URI.create("http://10.0.0.1:80")).build());
      owner.register(ServiceInstance.builder("billing").id("imds")
          .address(URI.create("http://169.254.169.254/latest/meta-data/")).build());

      runner.run(context -> assertThat(context.getBean(DiscoveryClient.class).getInstances("billing"))
          .extracting(i -> i.getInstanceId()).containsExactly("good"));
      runner.withPropertyValues("registry.allow-link-local-addresses=true").run(context ->
          assertThat(context.getBean(DiscoveryClient.class).getInstances("billing"))
              .extracting(i -> i.getInstanceId()).containsExactlyInAnyOrder("good", "imds"));
    }
  }
}
