package dev.registry.server;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A bare HTTP/1.1 client on one kept-alive socket: writes whatever bytes it is given (so a test
 * can send requests no proper client would) and reads one answer by its Content-Length (or
 * chunks). Reconnects when the server closed the connection. Not thread-safe.
 */
final class RawHttp implements AutoCloseable {
  private final InetSocketAddress address;
  private Socket socket;
  private InputStream in;
  private OutputStream out;
  private int exchangesOnSocket;
  int connections;
  /** Requests sent again on a new connection because the server had closed a kept-alive one. */
  int resends;
  /** Why the last exchange that returned null got no answer. */
  Exception lastFailure;
  /** The last exchanges, oldest first, for a failure's message: what was sent and what came back. */
  private final java.util.ArrayDeque<String> recent = new java.util.ArrayDeque<>();
  private static final int RECENT = 60;

  RawHttp(String host, int port) {
    this.address = new InetSocketAddress(host, port);
  }

  /** An answer: status, headers (lower-case names) and the body bytes. */
  record Answer(int status, Map<String, String> headers, byte[] body) {
    String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }

    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  /** A well-formed request with a body (or none), as bytes. */
  static byte[] request(String method, String target, @org.jspecify.annotations.Nullable String contentType,
      byte @org.jspecify.annotations.Nullable [] body) {
    StringBuilder head = new StringBuilder()
        .append(method).append(' ').append(target).append(" HTTP/1.1\r\n")
        .append("Host: 127.0.0.1\r\n");
    if (contentType != null) {
      head.append("Content-Type: ").append(contentType).append("\r\n");
    }
    if (body != null) {
      head.append("Content-Length: ").append(body.length).append("\r\n");
    }
    head.append("\r\n");
    byte[] h = head.toString().getBytes(StandardCharsets.ISO_8859_1);
    if (body == null) {
      return h;
    }
    byte[] all = new byte[h.length + body.length];
    System.arraycopy(h, 0, all, 0, h.length);
    System.arraycopy(body, 0, all, h.length, body.length);
    return all;
  }

  /**
   * Sends {@code bytes} and reads the answer. Returns null when the server closed the
   * connection without answering.
   */
  Answer exchange(byte[] bytes) throws IOException {
    if (socket == null) {
      connect();
    }
    boolean reused = exchangesOnSocket++ > 0;
    try {
      out.write(bytes);
      out.flush();
      Answer answer;
      try {
        answer = read();
      } catch (EOFException | java.net.SocketException e) {
        if (!reused || lineBytes > 0) {
          throw e instanceof EOFException eof ? eof : new EOFException(e.toString());
        }
        // The server closed the kept-alive connection before this request (as it may after
        // refusing a malformed one): send it again on a new connection, as HTTP clients do.
        close();
        connect();
        exchangesOnSocket = 1;
        resends++;
        out.write(bytes);
        out.flush();
        answer = read();
      }
      String connection = answer.header("connection");
      remember(bytes, answer.status() + " " + answer.headers() + " " + abbreviate(answer.text()));
      if (connection != null && connection.toLowerCase(Locale.ROOT).contains("close")) {
        close();
      }
      return answer;
    } catch (EOFException | java.net.SocketException e) {
      remember(bytes, "no answer: " + e);
      lastFailure = e;
      close();
      return null;
    } catch (IOException e) {
      remember(bytes, "failed: " + e);
      throw e;
    }
  }

  /** The last exchanges on this client, one a line, oldest first. */
  String recentExchanges() {
    return String.join("\n", recent);
  }

  private void remember(byte[] request, String answer) {
    if (recent.size() == RECENT) {
      recent.removeFirst();
    }
    recent.addLast("[connection " + connections + " from port " + localPort + ", exchange " + exchangesOnSocket + "] "
        + abbreviate(new String(request, java.nio.charset.StandardCharsets.ISO_8859_1).replace("\r\n", "|"))
        + "\n    -> " + answer);
  }

  private static String abbreviate(String s) {
    return s.length() <= 300 ? s : s.substring(0, 300) + "...(" + s.length() + " chars)";
  }

  private void connect() throws IOException {
    socket = new Socket();
    socket.setTcpNoDelay(true);
    socket.setSoTimeout(10_000);
    socket.connect(address, 5_000);
    in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
    out = socket.getOutputStream();
    connections++;
    localPort = socket.getLocalPort();
  }

  private int localPort;

  private Answer read() throws IOException {
    lineBytes = 0;
    String statusLine = line();
    if (!statusLine.startsWith("HTTP/1.1 ") || statusLine.length() < 12) {
      throw new IOException("not an HTTP answer: " + statusLine);
    }
    int status = Integer.parseInt(statusLine.substring(9, 12));
    Map<String, String> headers = new LinkedHashMap<>();
    for (String l = line(); !l.isEmpty(); l = line()) {
      int colon = l.indexOf(':');
      headers.put(l.substring(0, colon).trim().toLowerCase(Locale.ROOT), l.substring(colon + 1).trim());
    }
    byte[] body;
    String length = headers.get("content-length");
    if (length != null) {
      body = in.readNBytes(Integer.parseInt(length));
    } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      for (int size = Integer.parseInt(line().trim(), 16); size > 0; size = Integer.parseInt(line().trim(), 16)) {
        b.write(in.readNBytes(size));
        line();
      }
      line();
      body = b.toByteArray();
    } else {
      body = in.readAllBytes();
      close();
    }
    return new Answer(status, headers, body);
  }

  /** Bytes of the answer being read, before its body. */
  private int lineBytes;

  private String line() throws IOException {
    StringBuilder b = new StringBuilder();
    while (true) {
      int c = in.read();
      if (c < 0) {
        throw new EOFException("connection closed");
      }
      lineBytes++;
      if (c == '\n') {
        int n = b.length();
        return n > 0 && b.charAt(n - 1) == '\r' ? b.substring(0, n - 1) : b.toString();
      }
      b.append((char) c);
    }
  }

  @Override
  public void close() {
    if (socket != null) {
      try {
        socket.close();
      } catch (IOException e) {
        // closing anyway
      }
      socket = null;
      exchangesOnSocket = 0;
    }
  }
}
