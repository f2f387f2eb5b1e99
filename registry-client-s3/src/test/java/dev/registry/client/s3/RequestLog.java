package dev.registry.client.s3;

import static java.nio.charset.StandardCharsets.ISO_8859_1;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP relay on 127.0.0.1 in front of an S3 server that records the request line of every HTTP
 * request passing through it: what the server receives, counted. Bytes pass unchanged in both
 * directions (keep-alive, {@code Expect: 100-continue} and all), so signatures over the
 * {@code Host} header still hold: the client signs the relay's address and the server checks the
 * header it gets. A request is recorded once its head has been read, before it is passed on,
 * so a client that has its answer finds its request counted.
 */
public final class RequestLog implements AutoCloseable {
  private static final AtomicInteger THREADS = new AtomicInteger();

  private final int targetPort;
  private final ServerSocket server;
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();

  /**
   * Starts relaying to {@code target} (its host and port) on an ephemeral port.
   *
   * @param target the server, {@code http://127.0.0.1:port}
   */
  public RequestLog(URI target) throws IOException {
    this.targetPort = target.getPort();
    this.server = new ServerSocket(0, 256, InetAddress.getLoopbackAddress());
    daemon("request-log-accept", this::accept).start();
  }

  /** Returns the relay's address, {@code http://127.0.0.1:port}, to give clients instead of the server's. */
  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getLocalPort());
  }

  /** Returns the request lines received so far ({@code GET /bucket?list-type=2&... HTTP/1.1}), in order. */
  public List<String> requests() {
    return List.copyOf(requests);
  }

  /** Forgets the requests recorded so far. */
  public void clear() {
    requests.clear();
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        Socket upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
        client.setTcpNoDelay(true);
        upstream.setTcpNoDelay(true);
        sockets.add(client);
        sockets.add(upstream);
        daemon("request-log-up", () -> relayRequests(client, upstream)).start();
        daemon("request-log-down", () -> copy(upstream, client)).start();
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  /** Client to server: request by request, recording each head. */
  private void relayRequests(Socket client, Socket upstream) {
    try (client; upstream) {
      relay(client, upstream);
    } catch (IOException e) {
      // a side closed: both are closed by the try
    } finally {
      sockets.remove(client);
      sockets.remove(upstream);
    }
  }

  private void relay(Socket client, Socket upstream) throws IOException {
    InputStream in = new BufferedInputStream(client.getInputStream());
    OutputStream out = upstream.getOutputStream();
    while (true) {
      List<String> head = readHead(in);
      if (head.isEmpty()) {
        return;
      }
      requests.add(head.get(0));
      StringBuilder raw = new StringBuilder();
      long length = 0;
      boolean chunked = false;
      for (String line : head) {
        raw.append(line).append("\r\n");
        String lower = line.toLowerCase(Locale.ROOT);
        if (lower.startsWith("content-length:")) {
          length = Long.parseLong(line.substring(15).strip());
        } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
          chunked = true;
        }
      }
      out.write(raw.append("\r\n").toString().getBytes(ISO_8859_1));
      if (chunked) {
        copyChunked(in, out);
      } else {
        copyExactly(in, out, length);
      }
      out.flush();
    }
  }

  /** The lines of a request head without their CRLFs; empty at the end of the stream. */
  private static List<String> readHead(InputStream in) throws IOException {
    List<String> lines = new ArrayList<>();
    while (true) {
      String line = readLine(in);
      if (line == null) {
        return List.of();
      }
      if (line.isEmpty()) {
        if (lines.isEmpty()) {
          continue; // a stray CRLF between requests
        }
        return lines;
      }
      lines.add(line);
    }
  }

  private static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream(128);
    for (int b; (b = in.read()) != -1; ) {
      if (b == '\n') {
        String text = line.toString(ISO_8859_1);
        return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
      }
      line.write(b);
    }
    return null;
  }

  private static void copyChunked(InputStream in, OutputStream out) throws IOException {
    while (true) {
      String sizeLine = readLine(in);
      if (sizeLine == null) {
        throw new IOException("stream ended inside a chunked body");
      }
      out.write((sizeLine + "\r\n").getBytes(ISO_8859_1));
      int semicolon = sizeLine.indexOf(';');
      long size = Long.parseLong((semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).strip(), 16);
      if (size == 0) {
        for (String trailer; (trailer = readLine(in)) != null; ) {
          out.write((trailer + "\r\n").getBytes(ISO_8859_1));
          if (trailer.isEmpty()) {
            return;
          }
        }
        return;
      }
      copyExactly(in, out, size + 2); // the chunk and its CRLF
    }
  }

  private static void copyExactly(InputStream in, OutputStream out, long length) throws IOException {
    byte[] buffer = new byte[8192];
    while (length > 0) {
      int n = in.read(buffer, 0, (int) Math.min(buffer.length, length));
      if (n < 0) {
        throw new IOException("stream ended inside a body");
      }
      out.write(buffer, 0, n);
      length -= n;
    }
  }

  /** Server to client: bytes as they come. */
  private static void copy(Socket from, Socket to) {
    try (from; to) {
      from.getInputStream().transferTo(to.getOutputStream());
    } catch (IOException e) {
      // a side closed
    }
  }

  private static Thread daemon(String name, Runnable task) {
    Thread t = new Thread(task, name + "-" + THREADS.incrementAndGet());
    t.setDaemon(true);
    return t;
  }

  /** Stops accepting and closes every connection. */
  @Override
  public void close() throws IOException {
    server.close();
    for (Socket s : sockets) {
      s.close();
    }
  }
}
