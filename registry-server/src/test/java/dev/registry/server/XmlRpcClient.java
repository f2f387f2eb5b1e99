package dev.registry.server;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * An XML-RPC client for tests, written from the specification (the JDK has none): calls go on
 * the wire as {@code methodCall} documents over HTTP POST, answers are read back into Java
 * values, a fault into a {@link Fault}.
 */
final class XmlRpcClient {
  /** A fault answer. */
  record Fault(int code, String message) {}

  /** A raw answer: HTTP status, content type and body. */
  record Raw(int status, String contentType, String body) {}

  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final URI endpoint;
  private final String authorization;

  XmlRpcClient(URI server) {
    this(server, null);
  }

  XmlRpcClient(URI server, String authorization) {
    this.endpoint = server.resolve("/RPC2");
    this.authorization = authorization;
  }

  /** Calls a method with Java values (Integer, Boolean, String, Double, List, Map) as parameters. */
  Object call(String method, Object... params) {
    StringBuilder sb = new StringBuilder("<?xml version=\"1.0\"?>\n<methodCall><methodName>")
        .append(method).append("</methodName><params>");
    for (Object p : params) {
      sb.append("<param>");
      encode(sb, p);
      sb.append("</param>");
    }
    sb.append("</params></methodCall>");
    Raw raw = post(sb.toString());
    if (raw.status() != 200) {
      throw new AssertionError("HTTP " + raw.status() + ": " + raw.body());
    }
    return decodeResponse(raw.body());
  }

  Raw post(String body) {
    HttpRequest.Builder b = HttpRequest.newBuilder(endpoint).timeout(Duration.ofSeconds(30))
        .header("Content-Type", "text/xml")
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    try {
      HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
      return new Raw(r.statusCode(), r.headers().firstValue("content-type").orElse(""), r.body());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static void encode(StringBuilder sb, Object v) {
    sb.append("<value>");
    if (v instanceof Integer i) {
      sb.append("<int>").append(i).append("</int>");
    } else if (v instanceof Boolean b) {
      sb.append("<boolean>").append(b ? 1 : 0).append("</boolean>");
    } else if (v instanceof Double d) {
      sb.append("<double>").append(d).append("</double>");
    } else if (v instanceof String s) {
      sb.append("<string>").append(s.replace("&", "&amp;").replace("<", "&lt;")).append("</string>");
    } else if (v instanceof List<?> list) {
      sb.append("<array><data>");
      list.forEach(x -> encode(sb, x));
      sb.append("</data></array>");
    } else if (v instanceof Map<?, ?> map) {
      sb.append("<struct>");
      map.forEach((k, x) -> {
        sb.append("<member><name>").append(k).append("</name>");
        encode(sb, x);
        sb.append("</member>");
      });
      sb.append("</struct>");
    } else {
      throw new IllegalArgumentException(String.valueOf(v));
    }
    sb.append("</value>");
  }

  /** The value of a methodResponse, or its {@link Fault}. */
  static Object decodeResponse(String xml) {
    try {
      DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
      f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      Element root = f.newDocumentBuilder()
          .parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8))).getDocumentElement();
      if (!root.getTagName().equals("methodResponse")) {
        throw new AssertionError("not a methodResponse: " + xml);
      }
      Element first = elements(root).get(0);
      if (first.getTagName().equals("fault")) {
        @SuppressWarnings("unchecked")
        Map<String, Object> fault = (Map<String, Object>) decode(elements(first).get(0));
        return new Fault((Integer) fault.get("faultCode"), (String) fault.get("faultString"));
      }
      return decode(elements(elements(first).get(0)).get(0));
    } catch (AssertionError e) {
      throw e;
    } catch (Exception e) {
      throw new AssertionError("unreadable answer: " + xml, e);
    }
  }

  private static Object decode(Element value) {
    List<Element> typed = elements(value);
    if (typed.isEmpty()) {
      return value.getTextContent();
    }
    Element t = typed.get(0);
    String text = t.getTextContent();
    return switch (t.getTagName()) {
      case "int", "i4" -> Integer.parseInt(text);
      case "boolean" -> text.equals("1");
      case "string" -> text;
      case "double" -> Double.parseDouble(text);
      case "array" -> {
        List<Object> list = new ArrayList<>();
        elements(elements(t).get(0)).forEach(v -> list.add(decode(v)));
        yield list;
      }
      case "struct" -> {
        Map<String, Object> map = new LinkedHashMap<>();
        for (Element m : elements(t)) {
          map.put(elements(m).get(0).getTextContent(), decode(elements(m).get(1)));
        }
        yield map;
      }
      default -> throw new AssertionError("unexpected type " + t.getTagName());
    };
  }

  private static List<Element> elements(Element parent) {
    List<Element> list = new ArrayList<>();
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e) {
        list.add(e);
      }
    }
    return list;
  }
}
