package dev.registry.server;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runnable jar's logging: Logback to standard output, one line per event, as text for a
 * person or as JSON for a log pipeline ({@code --log-format}). Only {@link Main} calls this; a
 * program that embeds {@link RegistryServer} keeps its own logging.
 */
final class ServerLogging {
  /** The text layout: time, level, logger, the message, and the request ID when there is one. */
  static final String TEXT_PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level %logger{0} - %msg"
      + "%replace( request_id=%X{" + RequestId.LOG_KEY + "}){' request_id=$', ''}%n";

  /** How log lines are written. */
  enum Format {
    /** One line of text per event (the default). */
    TEXT,
    /** One JSON object per line, by Logback's {@code JsonEncoder}. */
    JSON;

    /**
     * The format named {@code text} or {@code json}.
     *
     * @throws IllegalArgumentException for any other name
     */
    static Format parse(String name) {
      return switch (name.toLowerCase(Locale.ROOT)) {
        case "text" -> TEXT;
        case "json" -> JSON;
        default -> throw new IllegalArgumentException("--log-format must be text or json: '" + name + "'");
      };
    }
  }

  private ServerLogging() {}

  /**
   * Sends the log to standard output in {@code format}, at INFO (Jetty's own at WARN). Does
   * nothing when the logging backend is not Logback, or when {@code -Dlogback.configurationFile}
   * names a configuration of the operator's own.
   */
  static void configure(Format format) {
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)
        || System.getProperty("logback.configurationFile") != null) {
      return;
    }
    context.reset();
    ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
    console.setContext(context);
    console.setName("console");
    console.setEncoder(encoder(format, context));
    console.start();
    ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.INFO);
    root.addAppender(console);
    context.getLogger("org.eclipse.jetty").setLevel(Level.WARN);
  }

  /** A started encoder of {@code format}; tests use it to read what the server logs. */
  static Encoder<ILoggingEvent> encoder(Format format, LoggerContext context) {
    if (format == Format.JSON) {
      JsonEncoder json = new JsonEncoder();
      json.setContext(context);
      // The time, level, logger and thread; the request ID (mdc); the event's fields (kvpList);
      // the message as it reads in text. Not the message's template and arguments apart, nor
      // the logger context's name and birth date, nor sequence numbers.
      json.setWithSequenceNumber(false);
      json.setWithNanoseconds(false);
      json.setWithContext(false);
      json.setWithMessage(false);
      json.setWithArguments(false);
      json.setWithFormattedMessage(true);
      json.start();
      return json;
    }
    PatternLayoutEncoder text = new PatternLayoutEncoder();
    text.setContext(context);
    text.setPattern(TEXT_PATTERN);
    text.start();
    return text;
  }
}
