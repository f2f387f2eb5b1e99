package dev.registry.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Link-local and metadata addresses are refused in every notation; everything else passes. */
class AddressPolicyTest {

  @ParameterizedTest
  @ValueSource(strings = {
      "http://169.254.169.254/latest/meta-data", "http://169.254.0.1:80", "https://169.254.255.255",
      "http://169.254.169.254./", "http://2852039166/", "http://0xA9FEA9FE/", "http://0251.0376.0251.0376/",
      "http://0xa9.0xfe.0xa9.0xfe/", "http://169.16689662/", "http://169.254.43518/",
      "http://[fd00:ec2::254]/", "http://[FD00:0EC2:0:0:0:0:0:254]:80/", "http://[fe80::1]/", "http://[febf::1]/",
      "http://[::ffff:169.254.169.254]/", "http://[::ffff:a9fe:a9fe]/", "http://[::169.254.169.254]/",
      "http://metadata.google.internal/computeMetadata/v1/", "http://METADATA.GOOGLE.INTERNAL./", "http://metadata.goog/",
      "http://instance-data/latest/"})
  void deniedAddresses(String address) {
    assertThat(AddressPolicy.denied(address)).as(address).isNotNull();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "http://10.0.0.5:8080", "http://127.0.0.1:1", "http://localhost:8001", "http://[::1]:9000", "https://svc.example/x",
      "http://169.253.255.255/", "http://169.255.0.0/", "http://[fd00:ec2::253]/", "http://[fec0::1]/",
      "http://2851995647/", "http://1.2.3.4.5/", "http://0x/", "http://09.1.1.1/", "http://metadata/",
      "http://metadata.google.internal.evil.example/", "http://169.254.example/"})
  void allowedAddresses(String address) {
    assertThat(AddressPolicy.denied(address)).as(address).isNull();
  }

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
