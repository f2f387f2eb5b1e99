package dev.registry.benchmarks;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * One kept-alive HTTP/1.1 connection with blocking I/O and as little work per request as
 * possible, so that the load generator measures the server rather than an HTTP client. Reads
 * {@code Content-Length} and chunked bodies and discards them. Not thread-safe: one per thread.
 */
final class RawHttp implements AutoCloseable {
  private final String host;
  private final int port;
  private final String hostHeader;
  private Socket socket;
  private OutputStream out;
  private InputStream in;
  private final byte[] line = new byte[8192];

  RawHttp(URI base) throws IOException {
    this.host = base.getHost();
    this.port = base.getPort();
    this.hostHeader = host + ":" + port;
    connect();
  }

  private void connect() throws IOException {
    socket = new Socket();
    socket.setTcpNoDelay(true);
    socket.connect(new InetSocketAddress(host, port), 5_000);
    socket.setSoTimeout(30_000);
    out = socket.getOutputStream();
    in = new BufferedInputStream(socket.getInputStream(), 65_536);
  }

  /**
   * Sends one request and reads the whole answer.
   *
   * @return the status code
   */
  int exchange(String method, String path, String contentType, byte[] body, String accept) throws IOException {
    StringBuilder head = new StringBuilder(160)
        .append(method).append(' ').append(path).append(" HTTP/1.1\r\nHost: ").append(hostHeader)
        .append("\r\nAccept: ").append(accept).append("\r\n");
    if (body.length > 0 || !method.equals("GET")) {
      head.append("Content-Type: ").append(contentType).append("\r\nContent-Length: ").append(body.length).append("\r\n");
    }
    head.append("\r\n");
    byte[] headBytes = head.toString().getBytes(StandardCharsets.ISO_8859_1);
    byte[] request = new byte[headBytes.length + body.length];
    System.arraycopy(headBytes, 0, request, 0, headBytes.length);
    System.arraycopy(body, 0, request, headBytes.length, body.length);
    out.write(request);
    out.flush();
    return readResponse();
  }

  private int readResponse() throws IOException {
    int n = readLine();
    // "HTTP/1.1 200 OK"
    int status = (line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0');
    long length = -1;
    boolean chunked = false;
    boolean close = false;
    while ((n = readLine()) > 0) {
      String header = new String(line, 0, n, StandardCharsets.ISO_8859_1);
      int colon = header.indexOf(':');
      if (colon < 0) {
        continue;
      }
      String name = header.substring(0, colon).trim();
      String value = header.substring(colon + 1).trim();
      if (name.equalsIgnoreCase("Content-Length")) {
        length = Long.parseLong(value);
      } else if (name.equalsIgnoreCase("Transfer-Encoding") && value.equalsIgnoreCase("chunked")) {
        chunked = true;
      } else if (name.equalsIgnoreCase("Connection") && value.equalsIgnoreCase("close")) {
        close = true;
      }
    }
    if (chunked) {
      while (true) {
        int m = readLine();
        String size = new String(line, 0, m, StandardCharsets.ISO_8859_1);
        int semi = size.indexOf(';');
        long chunk = Long.parseLong((semi < 0 ? size : size.substring(0, semi)).trim(), 16);
        if (chunk == 0) {
          while (readLine() > 0) {
            // trailers
          }
          break;
        }
        skip(chunk);
        readLine();
      }
    } else if (length > 0) {
      skip(length);
    }
    if (close) {
      socket.close();
      connect();
    }
    return status;
  }

  private void skip(long n) throws IOException {
    long left = n;
    while (left > 0) {
      long skipped = in.skip(left);
      if (skipped <= 0) {
        if (in.read() < 0) {
          throw new IOException("connection closed in a body");
        }
        skipped = 1;
      }
      left -= skipped;
    }
  }

  /** Reads a line without its CRLF into {@code line}; returns its length. */
  private int readLine() throws IOException {
    int n = 0;
    while (true) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("connection closed");
      }
      if (b == '\n') {
        return n > 0 && line[n - 1] == '\r' ? n - 1 : n;
      }
      if (n < line.length) {
        line[n++] = (byte) b;
      }
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
