package com.example.vega.health.trace;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.context.Context;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HttpCarrierTest {
  private final TestTelemetry t = new TestTelemetry();

  @Test
  void trustedCallerContinuesTheTraceWithItsBaggage() {
    Context scan = t.scan("scan-42");
    Map<String, String> headers = new LinkedHashMap<>();
    HttpCarrier.inject(scan, headers::put);

    Context server = HttpCarrier.extract(headers::get, Trust.TRUSTED);

    SpanContext sent = TestTelemetry.spanContext(scan);
    SpanContext got = TestTelemetry.spanContext(server);
    assertThat(got.getTraceId()).isEqualTo(sent.getTraceId());
    assertThat(got.getSpanId()).isEqualTo(sent.getSpanId());
    assertThat(got.isRemote()).isTrue();
    assertThat(ScanContext.scanId(server)).contains("scan-42");
  }

  @Test
  void untrustedCallerRestartsTheTraceAndLosesItsBaggage() {
    Context scan = t.scan("scan-42");
    Map<String, String> headers = new LinkedHashMap<>();
    HttpCarrier.inject(scan, headers::put);

    Context server = HttpCarrier.extract(headers::get, Trust.UNTRUSTED);

    assertThat(Span.fromContext(server).getSpanContext().isValid()).isFalse();
    assertThat(Baggage.fromContext(server).isEmpty()).isTrue();
  }

  @Test
  void injectWritesOnlyTheThreeW3cHeaders() {
    Context ctx = ScanContext.withBaggage(t.scan("scan-42"), "tenant", "acme");
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Authorization", "Bearer proxy-token-123");

    HttpCarrier.inject(ctx, headers::put);

    assertThat(headers).containsOnlyKeys("Authorization", "traceparent", "baggage");
    assertThat(headers.get("baggage")).contains("vega.scan.id=scan-42").contains("tenant=acme");
    assertThat(headers.get("Authorization")).isEqualTo("Bearer proxy-token-123");
  }

  @Test
  void credentialLikeBaggageSetThroughThePlainApiIsNeverSent() {
    Context ctx = Baggage.fromContext(t.scan("scan-42")).toBuilder()
        .put("proxy_token", "tok-123")
        .put("note", "Bearer abc")
        .build()
        .storeInContext(t.scan("scan-42"));
    Map<String, String> headers = new LinkedHashMap<>();

    HttpCarrier.inject(ctx, headers::put);

    assertThat(headers.get("baggage")).isEqualTo("vega.scan.id=scan-42");
  }

  @Test
  void headerNamesMatchInAnyCase() {
    Context scan = t.scan("scan-42");
    Map<String, String> flat = new LinkedHashMap<>();
    HttpCarrier.inject(scan, flat::put);
    Map<String, List<String>> jdkStyle = Map.of(
        "Traceparent", List.of(flat.get("traceparent")), "BAGGAGE", List.of(flat.get("baggage")));

    Context server = HttpCarrier.extract(jdkStyle, Trust.TRUSTED);

    assertThat(TestTelemetry.spanContext(server).getTraceId())
        .isEqualTo(TestTelemetry.spanContext(scan).getTraceId());
    assertThat(ScanContext.scanId(server)).contains("scan-42");
  }

  @Test
  void twoTraceparentHeadersRestartTheTrace() {
    Context a = t.scan("a");
    Context b = t.scan("b");
    Map<String, String> ha = new LinkedHashMap<>();
    Map<String, String> hb = new LinkedHashMap<>();
    HttpCarrier.inject(a, ha::put);
    HttpCarrier.inject(b, hb::put);

    Context server = HttpCarrier.extract(
        Map.of("traceparent", List.of(ha.get("traceparent"), hb.get("traceparent"))), Trust.TRUSTED);

    assertThat(TestTelemetry.spanContext(server).isValid()).isFalse();
  }

  @Test
  void aFailingHeaderFunctionRestartsInsteadOfThrowing() {
    Context server = HttpCarrier.extract(name -> {
      throw new IllegalStateException("broken header map");
    }, Trust.TRUSTED);

    assertThat(TestTelemetry.spanContext(server).isValid()).isFalse();
  }

  @Test
  void contextWithoutSpanInjectsNothing() {
    Map<String, String> headers = new LinkedHashMap<>();
    HttpCarrier.inject(Context.root(), headers::put);
    assertThat(headers).isEmpty();
  }
}
