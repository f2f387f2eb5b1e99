package dev.registry.client.etcd;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Flow;
import org.junit.jupiter.api.Test;

/** A watch stream's lines: split across buffers as they come, each held only up to the limit. */
class LinesTest {
  /** Records what it hears. */
  static final class Heard implements Flow.Subscriber<String> {
    final List<String> lines = new ArrayList<>();
    Throwable failure;
    boolean complete;

    @Override
    public void onSubscribe(Flow.Subscription s) {
      s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(String line) {
      lines.add(line);
    }

    @Override
    public void onError(Throwable t) {
      failure = t;
    }

    @Override
    public void onComplete() {
      complete = true;
    }
  }

  /** Remembers whether it was cancelled. */
  static final class Subscription implements Flow.Subscription {
    boolean cancelled;

    @Override
    public void request(long n) {}

    @Override
    public void cancel() {
      cancelled = true;
    }
  }

  static List<ByteBuffer> buffers(String... parts) {
    List<ByteBuffer> buffers = new ArrayList<>();
    for (String p : parts) {
      buffers.add(ByteBuffer.wrap(p.getBytes(UTF_8)));
    }
    return buffers;
  }

  @Test
  void linesSplitAcrossBuffersAndCharactersSplitAcrossBuffersComeWhole() {
    Heard heard = new Heard();
    Lines lines = new Lines(heard, 100);
    lines.onSubscribe(new Subscription());
    byte[] euro = "€".getBytes(UTF_8);
    lines.onNext(buffers("{\"a\":1}\r\n{\"b\"", ":2}\n"));
    lines.onNext(List.of(ByteBuffer.wrap(new byte[] {'x', euro[0]}), ByteBuffer.wrap(new byte[] {euro[1], euro[2], '\n'})));
    lines.onNext(buffers("last without a newline"));
    lines.onComplete();
    assertThat(heard.lines).containsExactly("{\"a\":1}", "{\"b\":2}", "x€", "last without a newline");
    assertThat(heard.complete).isTrue();
  }

  @Test
  void aLineLongerThanTheLimitFailsTheStreamNamingTheLimitAndCancelsIt() {
    Heard heard = new Heard();
    Lines lines = new Lines(heard, 16);
    Subscription subscription = new Subscription();
    lines.onSubscribe(subscription);
    lines.onNext(buffers("{\"short\":1}\n", "0123456789", "0123456789"));
    lines.onNext(buffers("more\n"));
    lines.onComplete();
    assertThat(heard.lines).containsExactly("{\"short\":1}");
    assertThat(heard.failure).hasMessageContaining("maxAnswerBytes, 16 bytes");
    assertThat(subscription.cancelled).isTrue();
    assertThat(heard.complete).isFalse();
  }
}
