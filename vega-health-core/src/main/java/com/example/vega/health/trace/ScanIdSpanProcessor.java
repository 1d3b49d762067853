package com.example.vega.health.trace;

import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;

/**
 * Copies {@code vega.scan.id} from the baggage of a span's parent context onto the span as an
 * attribute, so every span of a scan is findable by scan id in every service, including spans
 * of other instrumentation (JDBC, AWS SDK, HTTP clients) started under the scan's context.
 *
 * <p>Needs the OpenTelemetry SDK (an optional dependency of this module). Services configured with
 * {@link VegaOpenTelemetry} have it registered; others add it with
 * {@code SdkTracerProvider.builder().addSpanProcessor(new ScanIdSpanProcessor())}.
 */
public final class ScanIdSpanProcessor implements SpanProcessor {
  @Override
  public void onStart(Context parentContext, ReadWriteSpan span) {
    String id = Baggage.fromContext(parentContext).getEntryValue(ScanContext.SCAN_ID);
    // Baggage set through the plain API bypasses ScanContext's validation, so check here too.
    if (id != null && ScanContext.isValidScanId(id)) {
      span.setAttribute(ScanContext.SCAN_ID_ATTRIBUTE, id);
    }
  }

  @Override
  public boolean isStartRequired() {
    return true;
  }

  @Override
  public void onEnd(ReadableSpan span) {}

  @Override
  public boolean isEndRequired() {
    return false;
  }

  @Override
  public String toString() {
    return "ScanIdSpanProcessor";
  }
}
