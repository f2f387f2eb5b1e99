package dev.registry.server;

import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Answers the errors Jetty raises before our handler runs (an unparseable request line, a URI or
 * headers too long, a request refused while stopping) as the contract's JSON errors, with a
 * request ID like every answer.
 */
final class JsonErrorHandler extends ErrorHandler {

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    int status = response.getStatus();
    if (request.getAttribute(ERROR_STATUS) instanceof Integer s) {
      status = s;
    }
    if (status < 400) {
      status = 500;
    }
    String message = request.getAttribute(ERROR_MESSAGE) instanceof String m ? m : HttpStatus.getMessage(status);
    String id = ObservedRequest.idOf(request);
    response.getHeaders().put(RequestId.HEADER, id != null ? id : RequestId.accept(request.getHeaders().get(RequestId.HEADER)));
    if (request.getAttribute(ERROR_STATUS) != null) {
      // An error Jetty raised itself (an ambiguous or illegal path such as %00, a failure):
      // it closes the connection after this answer, so say so. Without the header a client
      // that keeps the connection may write its next request into the closing socket.
      response.getHeaders().put(HttpHeader.CONNECTION, "close");
    }
    RegistryHandler.send(response, callback, status, Json.error(code(status), message), null);
    return true;
  }

  @Override
  public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
    fields.put(HttpHeader.CONTENT_TYPE, "application/json");
    // A request that could not be parsed has no ID to echo (its headers may be what failed).
    fields.put(RequestId.HEADER, RequestId.generate());
    String message = reason != null ? reason : HttpStatus.getMessage(status);
    return ByteBuffer.wrap(Json.write(Json.error(code(status), message)));
  }

  static String code(int status) {
    return switch (status) {
      case 400 -> "bad_request";
      case 404 -> "not_found";
      case 405 -> "method_not_allowed";
      case 408 -> "request_timeout";
      case 413 -> "body_too_large";
      case 414 -> "uri_too_long";
      case 415 -> "unsupported_media_type";
      case 431 -> "headers_too_large";
      case 503 -> "unavailable";
      case 505 -> "http_version_not_supported";
      case 500 -> "internal_error";
      default -> status >= 500 ? "internal_error" : "bad_request";
    };
  }
}
