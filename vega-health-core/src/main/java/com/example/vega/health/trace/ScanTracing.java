package com.example.vega.health.trace;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import java.util.Objects;

/**
 * Entry point for one trace per scan, over the OpenTelemetry API of the service's own
 * {@link OpenTelemetry}. Create one per process and hand it to the carriers:
 *
 * <pre>{@code
 * ScanTracing tracing = ScanTracing.create(openTelemetry);
 * SqsCarrier sqs = SqsCarrier.create(tracing);
 * }</pre>
 */
public final class ScanTracing {
  /** The instrumentation scope name of every span and metric this module creates. */
  public static final String INSTRUMENTATION_NAME = "com.example.vega.health.trace";

  private final Tracer tracer;
  private final ContextDrops drops;

  private ScanTracing(OpenTelemetry otel) {
    this.tracer = otel.getTracer(INSTRUMENTATION_NAME);
    this.drops = new ContextDrops(otel);
  }

  public static ScanTracing create(OpenTelemetry openTelemetry) {
    return new ScanTracing(Objects.requireNonNull(openTelemetry, "openTelemetry"));
  }

  /** The tracer spans of this module are created with; services may use it for their own spans. */
  public Tracer tracer() {
    return tracer;
  }

  /**
   * Starts a scan's root span (in the api, where the scan is created) and returns
   * {@code parent} with the span and the scan id as baggage. Every span started under the returned
   * context, in this process or after any carrier, carries {@code vega.scan.id}. The caller ends
   * the span: {@code Span.fromContext(scan).end()}.
   *
   * @param parent usually {@link HttpCarrier#extract} of the request; {@link Context#root()} to
   *     start a fresh trace
   */
  public Context startScan(String scanId, String spanName, SpanKind kind, Context parent) {
    Context withBaggage = ScanContext.withScanId(parent, scanId);
    Span span = tracer.spanBuilder(spanName)
        .setSpanKind(kind)
        .setParent(withBaggage)
        // Set here too, so the root carries the id even where no ScanIdSpanProcessor is registered.
        .setAttribute(ScanContext.SCAN_ID_ATTRIBUTE, scanId)
        .startSpan();
    return withBaggage.with(span);
  }

  /** {@link #startScan(String, String, SpanKind, Context)} with an INTERNAL span named "vega.scan". */
  public Context startScan(String scanId, Context parent) {
    return startScan(scanId, "vega.scan", SpanKind.INTERNAL, parent);
  }

  /**
   * How many trace context fields the carriers of this instance left out because they did not
   * fit (also exported as the {@code vega.trace.context.dropped} counter).
   */
  public long droppedContextFields() {
    return drops.total();
  }

  ContextDrops drops() {
    return drops;
  }
}
