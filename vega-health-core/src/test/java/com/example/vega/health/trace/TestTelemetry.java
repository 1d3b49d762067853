package com.example.vega.health.trace;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.List;

/** An in-memory SDK with the scan-id processor, as a service configured by VegaOpenTelemetry. */
final class TestTelemetry {
  final InMemorySpanExporter spans = InMemorySpanExporter.create();
  final InMemoryMetricReader metrics = InMemoryMetricReader.create();
  final OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
      .setTracerProvider(SdkTracerProvider.builder()
          .addSpanProcessor(new ScanIdSpanProcessor())
          .addSpanProcessor(SimpleSpanProcessor.create(spans))
          .build())
      .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(metrics).build())
      .build();
  final ScanTracing tracing = ScanTracing.create(sdk);

  /** A context holding a fresh sampled span with scan id baggage, like the api's scan root. */
  Context scan(String scanId) {
    return tracing.startScan(scanId, Context.root());
  }

  List<SpanData> finished() {
    return spans.getFinishedSpanItems();
  }

  long dropped(String carrier, String field) {
    long n = 0;
    for (MetricData m : metrics.collectAllMetrics()) {
      if (m.getName().equals(ContextDrops.METRIC)) {
        for (LongPointData p : m.getLongSumData().getPoints()) {
          if (carrier.equals(p.getAttributes().get(io.opentelemetry.api.common.AttributeKey.stringKey("carrier")))
              && field.equals(p.getAttributes().get(io.opentelemetry.api.common.AttributeKey.stringKey("field")))) {
            n += p.getValue();
          }
        }
      }
    }
    return n;
  }

  static SpanContext spanContext(Context ctx) {
    return Span.fromContext(ctx).getSpanContext();
  }
}
