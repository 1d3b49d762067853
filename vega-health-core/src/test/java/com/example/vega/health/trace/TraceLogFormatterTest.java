package com.example.vega.health.trace;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.logging.StreamHandler;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

class TraceLogFormatterTest {
  private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String SPAN = "00f067aa0ba902b7";

  private static String log(boolean json, Context ctx, String message) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    StreamHandler h = new StreamHandler(out, new TraceLogFormatter(json));
    Logger logger = Logger.getLogger("vega.test." + json);
    logger.setUseParentHandlers(false);
    logger.addHandler(h);
    try (Scope s = ctx.makeCurrent()) {
      logger.log(Level.INFO, message);
    } finally {
      h.flush();
      logger.removeHandler(h);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  private static Context scan() {
    SpanContext sc = SpanContext.create(TRACE, SPAN, TraceFlags.getSampled(), TraceState.getDefault());
    return ScanContext.withScanId(Context.root(), "scan-7").with(Span.wrap(sc));
  }

  @Test
  void aJsonLineInsideAScanCarriesItsTraceSpanAndScanId() throws Exception {
    String line = log(true, scan(), "claimed \"scan\"\nnext");

    assertThat(line).endsWith(System.lineSeparator()).doesNotContain("\n{");
    JsonNode j = new ObjectMapper().readTree(line);
    assertThat(j.path("trace_id").asString()).isEqualTo(TRACE);
    assertThat(j.path("span_id").asString()).isEqualTo(SPAN);
    assertThat(j.path("vega.scan.id").asString()).isEqualTo("scan-7");
    assertThat(j.path("message").asString()).isEqualTo("claimed \"scan\"\nnext");
    assertThat(j.path("level").asString()).isEqualTo("INFO");
  }

  @Test
  void outsideATraceTheFieldsAreLeftOut() throws Exception {
    JsonNode j = new ObjectMapper().readTree(log(true, Context.root(), "idle"));
    assertThat(j.has("trace_id")).isFalse();
    assertThat(j.has("vega.scan.id")).isFalse();
    assertThat(log(false, Context.root(), "idle")).doesNotContain("trace_id");
  }

  @Test
  void textLinesEndWithTheSameFields() {
    assertThat(log(false, scan(), "claimed"))
        .contains(" INFO vega.test.false - claimed trace_id=" + TRACE + " span_id=" + SPAN + " vega.scan.id=scan-7");
  }
}
