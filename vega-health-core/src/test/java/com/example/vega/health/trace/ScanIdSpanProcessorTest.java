package com.example.vega.health.trace;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.trace.data.SpanData;
import org.junit.jupiter.api.Test;

class ScanIdSpanProcessorTest {
  private final TestTelemetry t = new TestTelemetry();

  @Test
  void everySpanStartedUnderTheScanCarriesTheScanId() {
    Context scan = t.scan("scan-7");
    try (Scope s = scan.makeCurrent()) {
      Span child = t.tracing.tracer().spanBuilder("child").startSpan();
      try (Scope c = child.makeCurrent()) {
        t.tracing.tracer().spanBuilder("grandchild").startSpan().end();
      }
      child.end();
    }
    Span.fromContext(scan).end();

    assertThat(t.finished()).hasSize(3)
        .allSatisfy(sd -> assertThat(sd.getAttributes().get(ScanContext.SCAN_ID_ATTRIBUTE)).isEqualTo("scan-7"));
  }

  @Test
  void spansOutsideAScanGetNoScanId() {
    t.tracing.tracer().spanBuilder("background").setParent(Context.root()).startSpan().end();

    SpanData sd = t.finished().get(0);
    assertThat(sd.getAttributes().get(ScanContext.SCAN_ID_ATTRIBUTE)).isNull();
  }

  @Test
  void malformedScanIdPutThroughThePlainApiIsNotCopied() {
    Context ctx = Baggage.builder().put(ScanContext.SCAN_ID, "<img src=x>").build().storeInContext(Context.root());

    t.tracing.tracer().spanBuilder("s").setParent(ctx).startSpan().end();

    assertThat(t.finished().get(0).getAttributes().get(ScanContext.SCAN_ID_ATTRIBUTE)).isNull();
  }

  @Test
  void scanIdFollowsTheRemoteParentsBaggageAcrossACarrier() {
    java.util.Map<String, String> headers = new java.util.HashMap<>();
    HttpCarrier.inject(t.scan("scan-8"), headers::put);
    TestTelemetry otherService = new TestTelemetry();

    Context server = HttpCarrier.extract(headers::get, Trust.TRUSTED);
    otherService.tracing.tracer().spanBuilder("handle").setParent(server).startSpan().end();

    assertThat(otherService.finished().get(0).getAttributes().get(ScanContext.SCAN_ID_ATTRIBUTE))
        .isEqualTo("scan-8");
  }
}
