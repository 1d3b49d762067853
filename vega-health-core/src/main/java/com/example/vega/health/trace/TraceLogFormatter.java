package com.example.vega.health.trace;

import com.example.vega.health.internal.Json;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.context.Context;
import io.opentelemetry.api.trace.Span;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.logging.Formatter;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;

/**
 * A {@code java.util.logging} formatter that joins each line to its trace: {@code trace_id},
 * {@code span_id} and {@code vega.scan.id} of the context current where the line was logged
 * (the same names OpenTelemetry's Logback MDC library uses for Logback). For JVMs without
 * Logback, and for {@code System.Logger}, which logs through {@code java.util.logging} by default.
 *
 * <p>Two shapes, chosen by the LogManager property
 * {@code com.example.vega.health.trace.TraceLogFormatter.format}:
 * {@code text} (default: {@code 2025-01-01T00:00:00Z INFO logger - message trace_id=... span_id=... vega.scan.id=...})
 * or {@code json}: one JSON object per line, the shape CloudWatch Logs Insights reads into fields.
 *
 * <pre>
 * handlers=java.util.logging.ConsoleHandler
 * java.util.logging.ConsoleHandler.formatter=com.example.vega.health.trace.TraceLogFormatter
 * com.example.vega.health.trace.TraceLogFormatter.format=json
 * </pre>
 *
 * <p>The context is read on the logging thread, so the handler must format synchronously (the
 * JDK's console, stream and file handlers do).
 */
public final class TraceLogFormatter extends Formatter {
  public static final String TRACE_ID = "trace_id";
  public static final String SPAN_ID = "span_id";
  /** Messages are cut here: a log line is not a place for a whole response body. */
  static final int MAX_MESSAGE = 8192;

  private final boolean json;

  /** The shape from the LogManager property (text unless it says {@code json}). */
  public TraceLogFormatter() {
    this("json".equalsIgnoreCase(String.valueOf(
        LogManager.getLogManager().getProperty(TraceLogFormatter.class.getName() + ".format")).trim()));
  }

  /** @param json one JSON object per line instead of text */
  public TraceLogFormatter(boolean json) {
    this.json = json;
  }

  @Override
  public String format(LogRecord record) {
    Context ctx = Context.current();
    SpanContext span = Span.fromContext(ctx).getSpanContext();
    String scanId = ScanContext.scanId(ctx).orElse(null);
    String message = formatMessage(record);
    String thrown = record.getThrown() == null ? null : stackTrace(record.getThrown());
    String level = record.getLevel().getName();
    String logger = record.getLoggerName() == null ? "" : record.getLoggerName();
    Instant time = record.getInstant();
    if (json) {
      Json j = new Json(256 + message.length()).beginObject()
          .field("timestamp", DateTimeFormatter.ISO_INSTANT.format(time), 64)
          .field("level", level, 32)
          .field("logger", logger, 256)
          .field("message", message, MAX_MESSAGE);
      if (span.isValid()) {
        j.field(TRACE_ID, span.getTraceId(), 32).field(SPAN_ID, span.getSpanId(), 16);
      }
      if (scanId != null) {
        j.field(ScanContext.SCAN_ID, scanId, 128);
      }
      if (thrown != null) {
        j.field("exception", thrown, MAX_MESSAGE);
      }
      return j.endObject() + System.lineSeparator();
    }
    StringBuilder b = new StringBuilder(128 + message.length())
        .append(DateTimeFormatter.ISO_INSTANT.format(time)).append(' ')
        .append(level.toUpperCase(Locale.ROOT)).append(' ').append(logger).append(" - ")
        .append(message.length() <= MAX_MESSAGE ? message : message.substring(0, MAX_MESSAGE));
    if (span.isValid()) {
      b.append(' ').append(TRACE_ID).append('=').append(span.getTraceId())
          .append(' ').append(SPAN_ID).append('=').append(span.getSpanId());
    }
    if (scanId != null) {
      b.append(' ').append(ScanContext.SCAN_ID).append('=').append(scanId);
    }
    b.append(System.lineSeparator());
    if (thrown != null) {
      b.append(thrown);
    }
    return b.toString();
  }

  private static String stackTrace(Throwable t) {
    StringWriter w = new StringWriter();
    t.printStackTrace(new PrintWriter(w));
    return w.toString();
  }
}
