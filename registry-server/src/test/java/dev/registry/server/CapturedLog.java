package dev.registry.server;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the server logs while it is open, written by the runnable jar's own encoders (both the
 * JSON and the text one) into memory, and read back: the JSON lines parsed, the text as is.
 * Public for the clients' tests, which find their requests in the server's log with it; they
 * need Logback as their logging backend.
 */
public final class CapturedLog implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
  private final ByteArrayOutputStream json = new ByteArrayOutputStream();
  private final ByteArrayOutputStream text = new ByteArrayOutputStream();
  private final List<OutputStreamAppender<ILoggingEvent>> appenders = new ArrayList<>();

  /** Starts capturing. */
  public CapturedLog() {
    attach(ServerLogging.Format.JSON, json);
    attach(ServerLogging.Format.TEXT, text);
  }

  private void attach(ServerLogging.Format format, ByteArrayOutputStream into) {
    OutputStreamAppender<ILoggingEvent> appender = new OutputStreamAppender<>();
    appender.setContext(context);
    appender.setName("captured-" + format);
    appender.setEncoder(ServerLogging.encoder(format, context));
    appender.setOutputStream(into);
    appender.start();
    context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(appender);
    appenders.add(appender);
  }

  /**
   * One JSON log line: its level, message, request ID (from the log context) and fields.
   *
   * @param requestId the request ID, or null for a line about no request
   */
  public record Line(String level, String message, String requestId, Map<String, String> fields, String raw) {
    /** A field of the event, or null. */
    public String field(String name) {
      return fields.get(name);
    }

    /** The event's name (its {@code event} field). */
    public String event() {
      return fields.get("event");
    }
  }

  /** Every JSON line so far; each must parse, or the test fails. */
  public List<Line> lines() {
    List<Line> lines = new ArrayList<>();
    for (String raw : json.toString(StandardCharsets.UTF_8).split("\n")) {
      if (raw.isEmpty()) {
        continue;
      }
      JsonNode node;
      try {
        node = JSON.readTree(raw);
      } catch (IOException e) {
        throw new UncheckedIOException("a log line that is not JSON: " + raw, e);
      }
      Map<String, String> fields = new LinkedHashMap<>();
      node.path("kvpList").forEach(pair -> pair.fields().forEachRemaining(f -> fields.put(f.getKey(), f.getValue().asText())));
      lines.add(new Line(node.path("level").asText(), node.path("formattedMessage").asText(),
          node.path("mdc").path(RequestId.LOG_KEY).asText(null), fields, raw));
    }
    return lines;
  }

  /** The JSON lines of one event ({@code event} field). */
  public List<Line> events(String event) {
    return lines().stream().filter(l -> event.equals(l.event())).toList();
  }

  /** Every JSON line, as written. */
  public String json() {
    return json.toString(StandardCharsets.UTF_8);
  }

  /** Every text line, as written. */
  public String text() {
    return text.toString(StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    for (OutputStreamAppender<ILoggingEvent> appender : appenders) {
      context.getLogger(Logger.ROOT_LOGGER_NAME).detachAppender(appender);
      appender.stop();
    }
  }
}
