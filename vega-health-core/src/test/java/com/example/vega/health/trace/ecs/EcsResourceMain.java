package com.example.vega.health.trace.ecs;

import com.example.vega.health.ServiceInfo;
import com.example.vega.health.trace.VegaOpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.trace.ReadableSpan;

/**
 * Run by {@link EcsResourceIT} in a child JVM whose environment holds
 * {@code ECS_CONTAINER_METADATA_URI_V4}: builds the SDK as a Vega service does, starts a span and
 * prints the resource that span is exported with ({@link ReadableSpan#toSpanData()}), one
 * {@code RESOURCE key=value} line per attribute.
 */
public final class EcsResourceMain {
  private EcsResourceMain() {}

  public static void main(String[] args) {
    try (OpenTelemetrySdk sdk = VegaOpenTelemetry.builder(
            new ServiceInfo("vega-worker", "1.4.2", "abc123", "scan worker", "dev"))
        .shutdownHook(false).build()) {
      Span span = sdk.getTracer("ecs-resource-it").spanBuilder("probe").startSpan();
      try {
        ((ReadableSpan) span).toSpanData().getResource().getAttributes()
            .forEach((key, value) -> System.out.println("RESOURCE " + key.getKey() + "=" + value));
      } finally {
        span.end();
      }
    }
  }
}
