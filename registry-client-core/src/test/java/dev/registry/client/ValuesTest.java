package dev.registry.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The values' equality, written out (see ServiceView.equals): by every component. */
class ValuesTest {
  final ServiceInstance a = ServiceInstance.builder("payment-service").id("a").stage("prod")
      .address(URI.create("http://10.0.0.1:80")).metadata("v", "1").build();

  @Test
  void instancesAreEqualWhenEveryComponentIsAndHashAlike() {
    ServiceInstance same = a.toBuilder().build();

    assertThat(same).isEqualTo(a).hasSameHashCodeAs(a);
    assertThat(a).isNotEqualTo(a.withStatus(Status.DOWN))
        .isNotEqualTo(a.withStage("staging"))
        .isNotEqualTo(a.toBuilder().id("b").build())
        .isNotEqualTo(a.toBuilder().address(URI.create("http://10.0.0.2:80")).build())
        .isNotEqualTo(a.toBuilder().metadata("v", "2").build())
        .isNotEqualTo(ServiceInstance.builder("user-service").id("a").stage("prod")
            .address(URI.create("http://10.0.0.1:80")).metadata("v", "1").build())
        .isNotEqualTo("a");
    assertThat(a.toBuilder().build().withStage("prod")).isEqualTo(a);
  }

  @Test
  void viewsAreEqualWhenEveryComponentIsAndHashAlike() {
    ServiceView view = new ServiceView("payment-service", "prod", 7, List.of(a), false);

    assertThat(new ServiceView("payment-service", "prod", 7, List.of(a.toBuilder().build()), false))
        .isEqualTo(view).hasSameHashCodeAs(view);
    assertThat(view).isNotEqualTo(view.withStale(true))
        .isNotEqualTo(new ServiceView("payment-service", "prod", 8, List.of(a), false))
        .isNotEqualTo(new ServiceView("payment-service", "staging", 7, List.of(a), false))
        .isNotEqualTo(new ServiceView("user-service", "prod", 7, List.of(a), false))
        .isNotEqualTo(new ServiceView("payment-service", "prod", 7, List.of(), false));
  }
}
