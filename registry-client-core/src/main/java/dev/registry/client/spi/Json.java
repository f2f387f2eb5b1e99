package dev.registry.client.spi;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A small JSON reader and writer, for the registry's handful of flat documents: the reference
 * server's wire, the core's snapshot file, and any backend that stores or exchanges JSON (an
 * etcd gateway's answers, a document in an object store). It reads a whole document into plain
 * values ({@link Map} in document order, {@link List}, {@link String}, {@link Long} for
 * integers that fit, {@link Double} for other numbers, {@link Boolean}, null) and writes
 * objects of string, number and string-map fields. Empty objects and arrays are read as
 * immutable empty ones, and a field name repeated in a document is held once, so that what a
 * document costs in heap stays within a small multiple of its length (docs/reliability.md). About as fast as a streaming parser on
 * documents of this size, and it loads two classes where jackson-core's {@code JsonFactory}
 * loads some seventy at its first use, which an AWS Lambda cold start pays for
 * (docs/benchmarks.md). {@link JsonViews} reads and writes instances and views in the wire's
 * shape on top of it.
 *
 * <p>Stateless and thread-safe; an {@link ObjectWriter} is for one thread.
 */
public final class Json {
  /** Deeper than any document of the wire; bounds the recursion on hostile input. */
  private static final int MAX_DEPTH = 64;
  /** Field names kept once per parse: a wire document repeats a handful of them per instance. */
  private static final int MAX_NAMES = 1024;

  private final String text;
  private int pos;
  private final Map<String, String> names = new HashMap<>();

  private Json(String text) {
    this.text = text;
  }

  /**
   * Reads one JSON value, the whole of {@code text} (surrounding white space allowed). Objects
   * nest at most 64 deep.
   *
   * @param text the JSON text
   * @return the value: a map, list, string, long, double, boolean, or null
   * @throws IOException if {@code text} is not exactly one JSON value; the message gives the
   *     offset
   */
  public static @Nullable Object parse(String text) throws IOException {
    Json json = new Json(text);
    json.skipWhitespace();
    Object value = json.value(0);
    json.skipWhitespace();
    if (json.pos != text.length()) {
      throw json.error("trailing characters");
    }
    return value;
  }

  private @Nullable Object value(int depth) throws IOException {
    if (depth > MAX_DEPTH) {
      throw error("nested deeper than " + MAX_DEPTH);
    }
    if (pos >= text.length()) {
      throw error("unexpected end");
    }
    char c = text.charAt(pos);
    switch (c) {
      case '{':
        return object(depth);
      case '[':
        return array(depth);
      case '"':
        return string();
      case 't':
        literal("true");
        return Boolean.TRUE;
      case 'f':
        literal("false");
        return Boolean.FALSE;
      case 'n':
        literal("null");
        return null;
      default:
        if (c == '-' || (c >= '0' && c <= '9')) {
          return number();
        }
        throw error("unexpected character '" + c + "'");
    }
  }

  private Map<String, @Nullable Object> object(int depth) throws IOException {
    pos++; // {
    skipWhitespace();
    if (peek() == '}') {
      pos++;
      return Map.of();
    }
    Map<String, @Nullable Object> map = new LinkedHashMap<>();
    while (true) {
      skipWhitespace();
      if (peek() != '"') {
        throw error("expected a field name");
      }
      String name = name(string());
      skipWhitespace();
      expect(':');
      skipWhitespace();
      map.put(name, value(depth + 1));
      skipWhitespace();
      char c = next();
      if (c == '}') {
        return map;
      }
      if (c != ',') {
        throw error("expected ',' or '}'");
      }
    }
  }

  private List<@Nullable Object> array(int depth) throws IOException {
    pos++; // [
    skipWhitespace();
    if (peek() == ']') {
      pos++;
      return List.of();
    }
    List<@Nullable Object> list = new ArrayList<>();
    while (true) {
      skipWhitespace();
      list.add(value(depth + 1));
      skipWhitespace();
      char c = next();
      if (c == ']') {
        return list;
      }
      if (c != ',') {
        throw error("expected ',' or ']'");
      }
    }
  }

  /** The one copy of a field name in this document (past {@link #MAX_NAMES} names, itself). */
  private String name(String name) {
    String held = names.get(name);
    if (held != null) {
      return held;
    }
    if (names.size() < MAX_NAMES) {
      names.put(name, name);
    }
    return name;
  }

  private String string() throws IOException {
    pos++; // "
    int start = pos;
    // The common case, no escape: one substring.
    while (pos < text.length()) {
      char c = text.charAt(pos);
      if (c == '"') {
        return text.substring(start, pos++);
      }
      if (c == '\\' || c < 0x20) {
        break;
      }
      pos++;
    }
    StringBuilder out = new StringBuilder(text.substring(start, pos));
    while (true) {
      char c = next();
      if (c == '"') {
        return out.toString();
      }
      if (c < 0x20) {
        throw error("control character in a string");
      }
      if (c != '\\') {
        out.append(c);
        continue;
      }
      char e = next();
      switch (e) {
        case '"', '\\', '/' -> out.append(e);
        case 'b' -> out.append('\b');
        case 'f' -> out.append('\f');
        case 'n' -> out.append('\n');
        case 'r' -> out.append('\r');
        case 't' -> out.append('\t');
        case 'u' -> {
          if (pos + 4 > text.length()) {
            throw error("unexpected end");
          }
          int code = 0;
          for (int i = 0; i < 4; i++) {
            int digit = Character.digit(text.charAt(pos++), 16);
            if (digit < 0) {
              throw error("bad \\u escape");
            }
            code = code * 16 + digit;
          }
          out.append((char) code);
        }
        default -> throw error("bad escape '\\" + e + "'");
      }
    }
  }

  private Object number() throws IOException {
    int start = pos;
    if (peek() == '-') {
      pos++;
    }
    int digits = digits();
    if (digits == 0) {
      throw error("expected a digit");
    }
    boolean integral = true;
    if (pos < text.length() && text.charAt(pos) == '.') {
      pos++;
      integral = false;
      if (digits() == 0) {
        throw error("expected a digit");
      }
    }
    if (pos < text.length() && (text.charAt(pos) == 'e' || text.charAt(pos) == 'E')) {
      pos++;
      integral = false;
      if (pos < text.length() && (text.charAt(pos) == '+' || text.charAt(pos) == '-')) {
        pos++;
      }
      if (digits() == 0) {
        throw error("expected a digit");
      }
    }
    String number = text.substring(start, pos);
    if (integral && number.length() <= 18) {
      return Long.parseLong(number);
    }
    return Double.parseDouble(number);
  }

  private int digits() {
    int start = pos;
    while (pos < text.length() && text.charAt(pos) >= '0' && text.charAt(pos) <= '9') {
      pos++;
    }
    return pos - start;
  }

  private void literal(String word) throws IOException {
    if (!text.startsWith(word, pos)) {
      throw error("unexpected characters");
    }
    pos += word.length();
  }

  private void skipWhitespace() {
    while (pos < text.length()) {
      char c = text.charAt(pos);
      if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
        return;
      }
      pos++;
    }
  }

  private char peek() throws IOException {
    if (pos >= text.length()) {
      throw error("unexpected end");
    }
    return text.charAt(pos);
  }

  private char next() throws IOException {
    char c = peek();
    pos++;
    return c;
  }

  private void expect(char c) throws IOException {
    if (next() != c) {
      throw error("expected '" + c + "'");
    }
  }

  private IOException error(String what) {
    return new IOException("malformed JSON at offset " + pos + ": " + what);
  }

  // ---- writing

  /**
   * Appends {@code value} as a JSON string, escaped.
   *
   * @param out where to append
   * @param value the string
   * @return {@code out}
   */
  public static StringBuilder quote(StringBuilder out, String value) {
    out.append('"');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) {
            out.append("\\u00").append(Character.forDigit(c >> 4, 16))
                .append(Character.forDigit(c & 0xF, 16));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"');
  }

  /** Writes a JSON object field by field; {@link #toString()} gives the object. Not thread-safe. */
  public static final class ObjectWriter {
    private final StringBuilder out = new StringBuilder(256).append('{');
    private boolean first = true;

    /** Starts an empty object. */
    public ObjectWriter() {}

    /**
     * Adds a string field.
     *
     * @param name the field's name
     * @param value its value
     * @return this writer
     */
    public ObjectWriter field(String name, String value) {
      quote(name(name), value);
      return this;
    }

    /**
     * Adds a number field.
     *
     * @param name the field's name
     * @param value its value
     * @return this writer
     */
    public ObjectWriter field(String name, long value) {
      name(name).append(value);
      return this;
    }

    /**
     * Adds an object field of string values, in the map's order.
     *
     * @param name the field's name
     * @param values its entries
     * @return this writer
     */
    public ObjectWriter field(String name, Map<String, String> values) {
      name(name).append('{');
      boolean firstEntry = true;
      for (Map.Entry<String, String> e : values.entrySet()) {
        if (!firstEntry) {
          out.append(',');
        }
        firstEntry = false;
        quote(out, e.getKey()).append(':');
        quote(out, e.getValue());
      }
      out.append('}');
      return this;
    }

    /**
     * Adds a field whose value is already JSON text, written as it is.
     *
     * @param name the field's name
     * @param json its value, well-formed JSON
     * @return this writer
     */
    public ObjectWriter rawField(String name, String json) {
      name(name).append(json);
      return this;
    }

    private StringBuilder name(String name) {
      if (!first) {
        out.append(',');
      }
      first = false;
      return quote(out, name).append(':');
    }

    /** Returns the object written so far, closed. */
    @Override
    public String toString() {
      return out + "}";
    }
  }
}
