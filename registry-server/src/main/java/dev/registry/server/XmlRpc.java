package dev.registry.server;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.jspecify.annotations.Nullable;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.ErrorHandler;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;

/**
 * XML-RPC (the specification at xmlrpc.com) on the JDK's own XML parser: a {@code methodCall}
 * read into Java values, a {@code methodResponse} or fault written back. No library: Apache
 * XML-RPC, the usual one, is unmaintained and has open deserialization flaws, and the format is
 * small.
 *
 * <p>The parser is hardened: a document type declaration is refused outright (so no entity can
 * be declared, expanded or fetched: no XXE, no billion laughs), external DTDs, schemas and
 * XInclude are off, the JDK's secure processing limits apply, elements nest at most {@value
 * #MAX_ELEMENT_DEPTH} deep and values at most {@value #MAX_VALUE_DEPTH}; the body's size is
 * bounded by the server's {@code --max-body-bytes} before it reaches here.
 *
 * <p>Values: {@code int}/{@code i4} → {@link Integer}, {@code i8} → {@link Long}, {@code boolean}
 * → {@link Boolean}, {@code string} (or a bare value) → {@link String}, {@code double} → {@link
 * Double}, {@code array} → {@link List}, {@code struct} → {@link Map}, {@code base64} → {@code
 * byte[]}, {@code dateTime.iso8601} → its text, {@code nil} → null. Thread-safe.
 */
final class XmlRpc {
  /** The fault codes of the XML-RPC fault code interoperability convention. */
  static final int PARSE_ERROR = -32700;
  static final int INVALID_REQUEST = -32600;
  static final int METHOD_NOT_FOUND = -32601;
  static final int INVALID_PARAMS = -32602;
  static final int INTERNAL_ERROR = -32603;
  static final int APPLICATION_ERROR = -32500;

  static final int MAX_ELEMENT_DEPTH = 64;
  static final int MAX_VALUE_DEPTH = 16;

  private static final DocumentBuilderFactory FACTORY = factory();

  private XmlRpc() {}

  /** A method call: its name and parameters. */
  record Call(String method, List<@Nullable Object> params) {}

  /** A fault to answer: an XML-RPC fault code and a human string. */
  static final class Fault extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final int code;

    Fault(int code, String message) {
      super(message, null, false, false);
      this.code = code;
    }
  }

  private static DocumentBuilderFactory factory() {
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    try {
      f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      f.setFeature("http://xml.org/sax/features/external-general-entities", false);
      f.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
      f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
    } catch (ParserConfigurationException e) {
      throw new IllegalStateException("this JVM's XML parser cannot be hardened", e);
    }
    f.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
    f.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
    f.setAttribute("http://www.oracle.com/xml/jaxp/properties/maxElementDepth", MAX_ELEMENT_DEPTH);
    f.setXIncludeAware(false);
    f.setExpandEntityReferences(false);
    f.setNamespaceAware(false);
    f.setCoalescing(true);
    return f;
  }

  /** Reads a method call. @throws Fault naming what is wrong */
  static Call parse(byte[] body) {
    Document doc;
    try {
      DocumentBuilder builder;
      synchronized (FACTORY) {
        builder = FACTORY.newDocumentBuilder();
      }
      builder.setErrorHandler(THROWING);
      builder.setEntityResolver((publicId, systemId) -> {
        throw new SAXException("external entities are not allowed");
      });
      doc = builder.parse(new ByteArrayInputStream(body));
    } catch (SAXException e) {
      throw new Fault(PARSE_ERROR, "not well-formed XML: " + e.getMessage());
    } catch (IOException | ParserConfigurationException e) {
      throw new Fault(PARSE_ERROR, "cannot read the XML: " + e.getMessage());
    }
    Element root = doc.getDocumentElement();
    if (!root.getTagName().equals("methodCall")) {
      throw new Fault(INVALID_REQUEST, "the root element must be methodCall, not " + root.getTagName());
    }
    List<Element> parts = children(root);
    if (parts.isEmpty() || parts.size() > 2 || !parts.get(0).getTagName().equals("methodName")
        || (parts.size() == 2 && !parts.get(1).getTagName().equals("params"))) {
      throw new Fault(INVALID_REQUEST, "a methodCall holds a methodName, then optionally params");
    }
    String method = text(parts.get(0)).trim();
    List<@Nullable Object> params = new ArrayList<>();
    if (parts.size() == 2) {
      for (Element param : children(parts.get(1))) {
        List<Element> value = children(param);
        if (!param.getTagName().equals("param") || value.size() != 1) {
          throw new Fault(INVALID_REQUEST, "params holds param elements of one value each");
        }
        params.add(value(value.get(0), 1));
      }
    }
    return new Call(method, params);
  }

  private static @Nullable Object value(Element value, int depth) {
    if (!value.getTagName().equals("value")) {
      throw new Fault(INVALID_REQUEST, "expected a value element, not " + value.getTagName());
    }
    if (depth > MAX_VALUE_DEPTH) {
      throw new Fault(INVALID_REQUEST, "values nest deeper than " + MAX_VALUE_DEPTH);
    }
    List<Element> typed = children(value);
    if (typed.isEmpty()) {
      return text(value);  // a value without a type is a string
    }
    if (typed.size() > 1) {
      throw new Fault(INVALID_REQUEST, "a value holds one typed element");
    }
    Element t = typed.get(0);
    String tag = t.getTagName();
    if (tag.equals("array")) {
      return array(t, depth);
    }
    if (tag.equals("struct")) {
      return struct(t, depth);
    }
    String text = text(t);
    try {
      return switch (tag) {
        case "int", "i4" -> Integer.parseInt(text.trim());
        case "i8" -> Long.parseLong(text.trim());
        case "boolean" -> switch (text.trim()) {
          case "1" -> true;
          case "0" -> false;
          default -> throw new Fault(INVALID_REQUEST, "a boolean is 0 or 1, not '" + shorten(text) + "'");
        };
        case "string" -> text;
        case "double" -> finite(Double.parseDouble(text.trim()));
        case "dateTime.iso8601" -> text.trim();
        case "base64" -> Base64.getMimeDecoder().decode(text.trim());
        case "nil" -> null;
        default -> throw new Fault(INVALID_REQUEST, "unknown value type " + shorten(t.getTagName()));
      };
    } catch (NumberFormatException e) {
      throw new Fault(INVALID_REQUEST, "not a valid " + t.getTagName() + ": '" + shorten(text) + "'");
    } catch (IllegalArgumentException e) {
      throw new Fault(INVALID_REQUEST, "not valid base64");
    }
  }

  private static double finite(double d) {
    if (!Double.isFinite(d)) {
      throw new NumberFormatException("not finite");
    }
    return d;
  }

  private static List<@Nullable Object> array(Element array, int depth) {
    List<Element> data = children(array);
    if (data.size() != 1 || !data.get(0).getTagName().equals("data")) {
      throw new Fault(INVALID_REQUEST, "an array holds one data element");
    }
    List<@Nullable Object> values = new ArrayList<>();
    for (Element v : children(data.get(0))) {
      values.add(value(v, depth + 1));
    }
    return values;
  }

  private static Map<String, @Nullable Object> struct(Element struct, int depth) {
    Map<String, @Nullable Object> members = new LinkedHashMap<>();
    for (Element member : children(struct)) {
      List<Element> nv = children(member);
      if (!member.getTagName().equals("member") || nv.size() != 2 || !nv.get(0).getTagName().equals("name")) {
        throw new Fault(INVALID_REQUEST, "a struct holds member elements of a name and a value");
      }
      String name = text(nv.get(0));
      if (members.containsKey(name)) {
        throw new Fault(INVALID_REQUEST, "a struct names member '" + shorten(name) + "' twice");
      }
      members.put(name, value(nv.get(1), depth + 1));
    }
    return members;
  }

  /** The element children, refusing text other than whitespace between them. */
  private static List<Element> children(Element parent) {
    List<Element> elements = new ArrayList<>();
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e) {
        elements.add(e);
      } else if (n.getNodeType() == Node.TEXT_NODE && !n.getNodeValue().isBlank() && hasElementChild(parent)) {
        throw new Fault(INVALID_REQUEST, "text beside elements in " + parent.getTagName());
      }
    }
    return elements;
  }

  private static boolean hasElementChild(Element parent) {
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element) {
        return true;
      }
    }
    return false;
  }

  private static String text(Element e) {
    StringBuilder sb = new StringBuilder();
    for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n.getNodeType() == Node.TEXT_NODE || n.getNodeType() == Node.CDATA_SECTION_NODE) {
        sb.append(n.getNodeValue());
      } else if (n instanceof Element) {
        throw new Fault(INVALID_REQUEST, e.getTagName() + " must hold text, not elements");
      }
    }
    return sb.toString();
  }

  // ---------------------------------------------------------------- writing

  /** A {@code methodResponse} holding {@code value}. */
  static byte[] response(Object value) {
    StringBuilder sb = new StringBuilder("<?xml version=\"1.0\"?>\n<methodResponse><params><param>");
    write(sb, value);
    return sb.append("</param></params></methodResponse>\n").toString().getBytes(StandardCharsets.UTF_8);
  }

  /** A {@code methodResponse} holding a fault. */
  static byte[] fault(int code, String message) {
    Map<String, Object> fault = new LinkedHashMap<>();
    fault.put("faultCode", code);
    fault.put("faultString", message);
    StringBuilder sb = new StringBuilder("<?xml version=\"1.0\"?>\n<methodResponse><fault>");
    write(sb, fault);
    return sb.append("</fault></methodResponse>\n").toString().getBytes(StandardCharsets.UTF_8);
  }

  private static void write(StringBuilder sb, @Nullable Object value) {
    sb.append("<value>");
    if (value == null) {
      sb.append("<nil/>");
    } else if (value instanceof Boolean b) {
      sb.append("<boolean>").append(b ? '1' : '0').append("</boolean>");
    } else if (value instanceof Integer i) {
      sb.append("<int>").append(i).append("</int>");
    } else if (value instanceof Long l) {
      sb.append("<i8>").append(l).append("</i8>");
    } else if (value instanceof Double d) {
      sb.append("<double>").append(d).append("</double>");
    } else if (value instanceof String s) {
      sb.append("<string>");
      escape(sb, s);
      sb.append("</string>");
    } else if (value instanceof List<?> list) {
      sb.append("<array><data>");
      for (Object v : list) {
        write(sb, v);
      }
      sb.append("</data></array>");
    } else if (value instanceof Map<?, ?> map) {
      sb.append("<struct>");
      for (var e : map.entrySet()) {
        sb.append("<member><name>");
        escape(sb, String.valueOf(e.getKey()));
        sb.append("</name>");
        write(sb, e.getValue());
        sb.append("</member>");
      }
      sb.append("</struct>");
    } else {
      throw new IllegalArgumentException("no XML-RPC type for " + value.getClass());
    }
    sb.append("</value>");
  }

  /** Escapes markup; a character XML 1.0 cannot hold becomes U+FFFD. */
  private static void escape(StringBuilder sb, String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '<' -> sb.append("&lt;");
        case '>' -> sb.append("&gt;");
        case '&' -> sb.append("&amp;");
        default -> sb.append(c < 0x20 && c != '\t' && c != '\n' && c != '\r' || c == 0xfffe || c == 0xffff ? '\ufffd' : c);
      }
    }
  }

  private static String shorten(String s) {
    return s.length() <= 100 ? s : s.substring(0, 100) + "...";
  }

  private static final ErrorHandler THROWING = new ErrorHandler() {
    @Override
    public void warning(SAXParseException e) {}

    @Override
    public void error(SAXParseException e) throws SAXException {
      throw e;
    }

    @Override
    public void fatalError(SAXParseException e) throws SAXException {
      throw e;
    }
  };
}
