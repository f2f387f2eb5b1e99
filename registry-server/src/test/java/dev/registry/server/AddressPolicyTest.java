package dev.registry.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The server refuses link-local and metadata addresses (registry-address-policy's rule, tested in
 * every notation there) with {@code address_denied}, unless told to allow them.
 */
class AddressPolicyTest {

  @Test
  void theServerRefusesThemWithAddressDeniedUnlessAllowed() {
    try (RegistryServer server = RegistryServer.builder().port(0).build().start();
        RegistryServer open = RegistryServer.builder().port(0).denyLinkLocal(false).build().start()) {
      TestHttp.Reply refused = new TestHttp(server.uri()).register("s", "http://169.254.169.254/");
      assertThat(refused.status()).isEqualTo(400);
      assertThat(refused.json().path("error").asText()).isEqualTo("address_denied");
      assertThat(refused.json().path("message").asText()).contains("link-local").contains("169.254.169.254");
      assertThat(new TestHttp(server.uri()).get("/services").json().path("total_services").asInt()).isZero();

      assertThat(new TestHttp(open.uri()).register("s", "http://169.254.169.254/").status()).isEqualTo(201);
    }
    assertThat(Main.parse(new String[] {"--allow-link-local"}, null)).isNotNull();
  }
}
