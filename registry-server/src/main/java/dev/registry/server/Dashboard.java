package dev.registry.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Serves the dashboard: its files at {@code /ui/} and a redirect there from {@code /} and {@code
 * /ui}; every other request goes to the wrapped API handler.
 *
 * <p>The files are a fixed list read once from the classpath (the server's jar) into memory, so
 * no request path is ever resolved against a directory or a jar: a name not on the list is a
 * 404. Each is served with a Content-Security-Policy that allows scripts, styles, images and
 * fetches from this origin only, no inline script or style, and no HTML built from strings
 * (Trusted Types with no policy), so a value from the registry can only ever become text.
 */
final class Dashboard extends Handler.Wrapper {
  static final String PREFIX = "/ui/";
  static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self';"
      + " img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none';"
      + " require-trusted-types-for 'script'; trusted-types 'none'";

  /** The dashboard's files (in {@code src/main/resources/dev/registry/server/dashboard/}) and their types. */
  static final Map<String, String> FILES = Map.of(
      "index.html", "text/html; charset=utf-8",
      "dashboard.css", "text/css; charset=utf-8",
      "app.js", "text/javascript; charset=utf-8",
      "api.js", "text/javascript; charset=utf-8",
      "render.js", "text/javascript; charset=utf-8",
      "format.js", "text/javascript; charset=utf-8",
      "config.js", "text/javascript; charset=utf-8",
      "favicon.svg", "image/svg+xml");

  private record File(String type, byte[] bytes, String etag) {}

  /** The files, read when the dashboard is first asked for (class initialisation is lazy). */
  private static final class Bundle {
    static final Map<String, File> FILES = load();

    private static Map<String, File> load() {
      Map<String, File> files = new LinkedHashMap<>();
      Dashboard.FILES.forEach((name, type) -> {
        String resource = "dashboard/" + name;
        try (InputStream in = Dashboard.class.getResourceAsStream(resource)) {
          if (in == null) {
            throw new IllegalStateException("the dashboard file " + resource + " is missing from the classpath");
          }
          byte[] bytes = in.readAllBytes();
          files.put(name, new File(type, bytes, etag(bytes)));
        } catch (IOException e) {
          throw new UncheckedIOException("cannot read the dashboard file " + resource, e);
        }
      });
      return Map.copyOf(files);
    }

    private static String etag(byte[] bytes) {
      try {
        byte[] hash = MessageDigest.getInstance("SHA-256").digest(bytes);
        return "\"" + HexFormat.of().formatHex(hash, 0, 12) + "\"";
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("SHA-256 is missing from this JVM", e);
      }
    }
  }

  Dashboard(Handler api) {
    super(api);
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    String path = Request.getPathInContext(request);
    boolean redirect = path.equals("/") || path.equals("/ui");
    if (!redirect && !path.startsWith(PREFIX)) {
      return super.handle(request, response, callback);
    }
    try {
      if (redirect) {
        redirectToDashboard(request, response, callback);
      } else {
        serve(request, response, callback, path.equals(PREFIX) ? "index.html" : path.substring(PREFIX.length()));
      }
    } catch (ApiException e) {
      if (e.allow != null) {
        response.getHeaders().put(HttpHeader.ALLOW, e.allow);
      }
      RegistryHandler.send(response, callback, e.status, Json.error(e.code, e.getMessage()), null);
    }
    return true;
  }

  private static void serve(Request request, Response response, Callback callback, String name) {
    File file = FILES.containsKey(name) ? Bundle.FILES.get(name) : null;
    if (file == null) {
      throw new ApiException(404, "not_found", "no such dashboard file: " + RequestBody.quote(name));
    }
    if (!isRead(request)) {
      throw methodNotAllowed(request);
    }
    HttpFields.Mutable headers = response.getHeaders();
    headers.put(HttpHeader.CONTENT_TYPE, file.type);
    headers.put(HttpHeader.ETAG, file.etag);
    // Revalidated on every load: a new server version's files are never mixed with cached ones.
    headers.put(HttpHeader.CACHE_CONTROL, "no-cache");
    headers.put("Content-Security-Policy", CONTENT_SECURITY_POLICY);
    headers.put("X-Content-Type-Options", "nosniff");
    headers.put("X-Frame-Options", "DENY");
    headers.put("Referrer-Policy", "no-referrer");
    String ifNoneMatch = request.getHeaders().get(HttpHeader.IF_NONE_MATCH);
    if (ifNoneMatch != null && ifNoneMatch.contains(file.etag)) {
      response.setStatus(304);
      callback.succeeded();
      return;
    }
    response.setStatus(200);
    headers.put(HttpHeader.CONTENT_LENGTH, file.bytes.length);
    response.write(true, ByteBuffer.wrap(file.bytes), callback);
  }

  /** A redirect with a JSON body: every answer of this server is JSON but the dashboard's files. */
  private static void redirectToDashboard(Request request, Response response, Callback callback) {
    if (!isRead(request)) {
      throw methodNotAllowed(request);
    }
    response.getHeaders().put(HttpHeader.LOCATION, PREFIX);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("location", PREFIX);
    body.put("message", "the dashboard is at " + PREFIX);
    RegistryHandler.send(response, callback, 302, body, null);
  }

  private static boolean isRead(Request request) {
    return "GET".equals(request.getMethod()) || "HEAD".equals(request.getMethod());
  }

  private static ApiException methodNotAllowed(Request request) {
    return new ApiException(405, "method_not_allowed", request.getMethod() + " is not allowed on "
        + Request.getPathInContext(request) + "; use GET", "GET");
  }
}
