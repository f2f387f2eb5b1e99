package dev.registry.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.http.HttpConnectTimeoutException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

class OutcomeTest {
  @Test
  void statusesMapToOutcomes() {
    assertThat(Outcome.ofStatus(200)).isEqualTo(Outcome.SUCCESS);
    assertThat(Outcome.ofStatus(404)).isEqualTo(Outcome.SUCCESS);
    assertThat(Outcome.ofStatus(500)).isEqualTo(Outcome.SERVER_ERROR);
    assertThat(Outcome.ofStatus(502)).isEqualTo(Outcome.GATEWAY_ERROR);
    assertThat(Outcome.ofStatus(503)).isEqualTo(Outcome.GATEWAY_ERROR);
    assertThat(Outcome.ofStatus(504)).isEqualTo(Outcome.GATEWAY_ERROR);
    assertThat(Outcome.ofStatus(599)).isEqualTo(Outcome.SERVER_ERROR);
    assertThatThrownBy(() -> Outcome.ofStatus(600)).hasMessage("status must be 100 to 599: 600");
  }

  @Test
  void exceptionsMapByTheirCauses() {
    assertThat(Outcome.of(new SocketTimeoutException("read timed out"))).isEqualTo(Outcome.TIMEOUT);
    assertThat(Outcome.of(new HttpConnectTimeoutException("connect"))).isEqualTo(Outcome.TIMEOUT);
    assertThat(Outcome.of(new RuntimeException(new TimeoutException()))).isEqualTo(Outcome.TIMEOUT);
    assertThat(Outcome.of(new IOException("wrapped", new SocketTimeoutException())))
        .as("a timeout anywhere in the chain wins").isEqualTo(Outcome.TIMEOUT);
    assertThat(Outcome.of(new UncheckedIOException(new ConnectException("refused"))))
        .isEqualTo(Outcome.CONNECTION_FAILURE);
    assertThat(Outcome.of(new IOException("Connection reset"))).isEqualTo(Outcome.CONNECTION_FAILURE);
    assertThat(Outcome.of(new IllegalStateException("a bug of the caller's"))).isEqualTo(Outcome.CANCELLED);
  }
}
