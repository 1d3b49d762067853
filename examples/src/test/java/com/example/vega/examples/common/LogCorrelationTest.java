package com.example.vega.examples.common;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import com.example.vega.health.trace.ScanContext;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * The example services' logback.xml, as shipped: a line logged inside a scan's trace carries the
 * trace id, span id and scan id (OpenTelemetry's Logback MDC appender), in both shapes.
 */
class LogCorrelationTest {
  private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String SPAN = "00f067aa0ba902b7";
  private final PrintStream originalErr = System.err;

  @AfterEach
  void restore() throws Exception {
    System.setErr(originalErr);
    System.clearProperty("VEGA_LOG_FORMAT");
    configure();
  }

  private static void configure() throws Exception {
    LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
    ctx.reset();
    JoranConfigurator c = new JoranConfigurator();
    c.setContext(ctx);
    c.doConfigure(LogCorrelationTest.class.getResource("/logback.xml"));
  }

  private List<String> logInsideScan(String format) throws Exception {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    if (format != null) {
      System.setProperty("VEGA_LOG_FORMAT", format);
    }
    configure();
    Context scan = ScanContext.withScanId(Context.root(), "scan-42")
        .with(Span.wrap(SpanContext.create(TRACE, SPAN, TraceFlags.getSampled(), TraceState.getDefault())));
    org.slf4j.Logger log = LoggerFactory.getLogger("com.example.vega.examples.worker.WorkerService");
    try (Scope s = scan.makeCurrent()) {
      log.info("scan scan-42 claimed");
    }
    log.info("idle");
    return Arrays.asList(err.toString(StandardCharsets.UTF_8).split("\\R"));
  }

  @Test
  void jsonLinesInsideTheScanCarryTraceSpanAndScanIdAsTopLevelFields() throws Exception {
    List<String> lines = logInsideScan("json");

    JsonNode inside = new ObjectMapper().readTree(lines.get(0));
    assertThat(inside.path("message").asString()).isEqualTo("scan scan-42 claimed");
    assertThat(inside.path("trace_id").asString()).isEqualTo(TRACE);
    assertThat(inside.path("span_id").asString()).isEqualTo(SPAN);
    assertThat(inside.path("vega.scan.id").asString()).isEqualTo("scan-42");
    JsonNode outside = new ObjectMapper().readTree(lines.get(1));
    assertThat(outside.has("trace_id")).isFalse();
  }

  @Test
  void textLinesEndWithTheSameFieldsAndOmitThemOutsideATrace() throws Exception {
    List<String> lines = logInsideScan(null);

    assertThat(lines.get(0)).endsWith("scan scan-42 claimed trace_id=" + TRACE + " span_id=" + SPAN
        + " vega.scan.id=scan-42");
    assertThat(lines.get(1)).endsWith(" - idle");
  }

  /** A warning while configuring makes Logback print its whole internal status at every start. */
  @Test
  void bothShapesConfigureWithoutAWarningSoNothingButTheLogIsPrinted() throws Exception {
    for (String format : new String[] {null, "text", "json"}) {
      if (format == null) {
        System.clearProperty("VEGA_LOG_FORMAT");
      } else {
        System.setProperty("VEGA_LOG_FORMAT", format);
      }
      configure();
      LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
      assertThat(new ch.qos.logback.core.status.StatusUtil(ctx).getHighestLevel(0)).as(String.valueOf(format))
          .isLessThan(ch.qos.logback.core.status.Status.WARN);
    }
  }
}
