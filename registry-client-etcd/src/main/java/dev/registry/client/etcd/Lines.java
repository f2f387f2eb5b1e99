package dev.registry.client.etcd;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.Flow;
import org.jspecify.annotations.Nullable;

/**
 * Splits a streamed body into its newline-ended lines, as the JDK's line subscriber does, but
 * holds at most {@code maxLineBytes} of a line: a longer one fails the stream with an
 * {@link IOException} naming the limit (the client's {@code maxAnswerBytes}), so that a member
 * sending an endless line cannot fill the heap. A line is UTF-8; its end is the byte {@code \n},
 * which no multi-byte character contains, and a {@code \r} before it is dropped. Called by the
 * HTTP client one signal at a time, as the Flow protocol requires.
 */
final class Lines implements Flow.Subscriber<List<ByteBuffer>> {
  private final Flow.Subscriber<? super String> lines;
  private final long maxLineBytes;
  private final ByteArrayOutputStream line = new ByteArrayOutputStream();
  private Flow.@Nullable Subscription subscription;
  private boolean failed;

  Lines(Flow.Subscriber<? super String> lines, long maxLineBytes) {
    this.lines = lines;
    this.maxLineBytes = maxLineBytes;
  }

  @Override
  public void onSubscribe(Flow.Subscription s) {
    subscription = s;
    lines.onSubscribe(s);
  }

  @Override
  public void onNext(List<ByteBuffer> buffers) {
    for (ByteBuffer buffer : buffers) {
      while (buffer.hasRemaining() && !failed) {
        int end = buffer.position();
        while (end < buffer.limit() && buffer.get(end) != '\n') {
          end++;
        }
        int length = end - buffer.position();
        if (line.size() + (long) length > maxLineBytes) {
          fail();
          return;
        }
        byte[] chunk = new byte[length];
        buffer.get(chunk);
        line.write(chunk, 0, length);
        if (buffer.hasRemaining()) {
          buffer.get(); // the newline
          lines.onNext(take());
        }
      }
    }
  }

  private void fail() {
    failed = true;
    Flow.Subscription s = subscription;
    if (s != null) {
      s.cancel();
    }
    lines.onError(new IOException("a line of the stream is longer than the client's"
        + " maxAnswerBytes, " + maxLineBytes + " bytes: not read further"));
  }

  @Override
  public void onError(Throwable failure) {
    if (!failed) {
      lines.onError(failure);
    }
  }

  @Override
  public void onComplete() {
    if (!failed) {
      if (line.size() > 0) {
        lines.onNext(take());
      }
      lines.onComplete();
    }
  }

  private String take() {
    byte[] bytes = line.toByteArray();
    line.reset();
    int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
    return new String(bytes, 0, length, UTF_8);
  }
}
