package dev.registry.address;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.URI;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Link-local and metadata addresses are denied in every notation; everything else passes. */
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
    assertThat(AddressPolicy.denied(URI.create(address))).as(address).isPresent();
    assertThat(AddressPolicy.denied(AddressPolicy.canonical(URI.create(address))))
        .as("%s written plainly", address).isPresent();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "http://10.0.0.5:8080", "http://127.0.0.1:1", "http://localhost:8001", "http://[::1]:9000", "https://svc.example/x",
      "http://169.253.255.255/", "http://169.255.0.0/", "http://[fd00:ec2::253]/", "http://[fec0::1]/",
      "http://2851995647/", "http://1.2.3.4.5/", "http://0x/", "http://09.1.1.1/", "http://metadata/",
      "http://metadata.google.internal.evil.example/", "http://169.254.example/"})
  void allowedAddresses(String address) {
    assertThat(AddressPolicy.denied(URI.create(address))).as(address).isEmpty();
  }

  @ParameterizedTest
  @CsvSource({
      "http://2852039166/,                       http://169.254.169.254/",
      "http://0xA9FEA9FE:8080/latest?x=1#f,      http://169.254.169.254:8080/latest?x=1#f",
      "http://user@0251.0376.0251.0376/,         http://user@169.254.169.254/",
      "http://169.254.169.254./,                 http://169.254.169.254/",
      "https://2130706433:443,                   https://127.0.0.1:443",
      "http://10.0.0.5:8080/a,                   http://10.0.0.5:8080/a",
      "http://[fe80::1]/,                        http://[fe80::1]/",
      "http://service.example/,                  http://service.example/",
      "http://09.1.1.1/,                         http://09.1.1.1/"})
  void canonicalWritesAnIpv4HostInAnyNotationAsADottedQuadAndLeavesEverythingElse(String address, String canonical) {
    URI result = AddressPolicy.canonical(URI.create(address));
    assertThat(result).hasToString(canonical);
    assertThat(result.getHost()).as("java.net.URI reads the host of %s", result).isNotNull();
  }

  @Test
  void resolvedLinkLocalAndMetadataAddressesAreDeniedAndOthersAreNot() throws Exception {
    assertThat(AddressPolicy.denied(InetAddress.getByName("169.254.169.254"))).isPresent();
    assertThat(AddressPolicy.denied(InetAddress.getByName("fe80::1"))).isPresent();
    assertThat(AddressPolicy.denied(InetAddress.getByName("fd00:ec2::254"))).isPresent();
    assertThat(AddressPolicy.denied(InetAddress.getByName("127.0.0.1"))).isEmpty();
    assertThat(AddressPolicy.denied(InetAddress.getByName("10.1.2.3"))).isEmpty();
  }
}
