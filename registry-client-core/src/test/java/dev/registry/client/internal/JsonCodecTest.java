package dev.registry.client.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import org.junit.jupiter.api.Test;

/** The reference server's documents: register answers strictly, errors leniently. */
class JsonCodecTest {

  @Test
  void aRegisterAnswerThatIsNotAnObjectIsUnreadable() throws IOException {
    assertThatThrownBy(() -> JsonCodec.registered("\"x\""))
        .isInstanceOf(IOException.class);
    assertThat(JsonCodec.registered("{\"status\":\"registered\",\"id\":\"i-1\",\"instance_secret\":\"s\"}"))
        .isEqualTo(new JsonCodec.Registered("i-1", "s"));
  }

  @Test
  void theCodecReadsErrorsLeniently() {
    assertThat(JsonCodec.error("{\"error\":\"unknown_service\",\"message\":\"m\",\"n\":1}"))
        .isEqualTo(new JsonCodec.Error("unknown_service", "m"));
    assertThat(JsonCodec.error("<html>bad gateway</html>"))
        .isEqualTo(new JsonCodec.Error("", "<html>bad gateway</html>"));
    assertThat(JsonCodec.error("[1]")).isEqualTo(new JsonCodec.Error("", "[1]"));
  }
}
