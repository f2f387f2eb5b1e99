package dev.registry.server;

import org.eclipse.jetty.io.ArrayByteBufferPool;
import org.eclipse.jetty.io.ByteBufferPool;
import org.eclipse.jetty.io.RetainableByteBuffer;

/**
 * Jetty's buffer pool with one change: heap buffers, which the server uses for reading requests
 * only ({@code HttpConfiguration.setUseInputDirectByteBuffers(false)}), are never pooled; the
 * direct buffers that responses are written from still are.
 *
 * <p>Why: with Jetty 12.1.14's pooled request buffers, a connection that Jetty refuses and
 * closes while bytes of its request are still unread (headers over the limit, a path it
 * rejects with a body behind it) can go on filling its request buffer after giving it back to
 * the pool. The next connection to take that buffer then parses the stranger's bytes: a
 * well-formed request is answered {@code 400 No URI}, answered twice, answered with its own
 * bytes, or its connection closes without an answer. {@code ConnectionIsolationTest} shows it
 * within a few thousand requests; with request buffers that are never reused it cannot happen.
 * The cost is one short-lived heap buffer per request read, which is why they are small
 * ({@code RegistryServer.REQUEST_BUFFER_BYTES}); see docs/benchmarks.md, "Server throughput".
 */
final class UnpooledRequestBuffers extends ByteBufferPool.Wrapper {
  private final ByteBufferPool unpooled = new ByteBufferPool.NonPooling();

  UnpooledRequestBuffers() {
    super(new ArrayByteBufferPool());
  }

  @Override
  public RetainableByteBuffer.Mutable acquire(int size, boolean direct) {
    return direct ? super.acquire(size, true) : unpooled.acquire(size, false);
  }
}
