package com.example.vega.health.trace.ecs;

import com.example.vega.health.ServiceInfo;
import com.example.vega.health.trace.VegaOpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;

/**
 * Run by {@link EcsResourceIT} in a child JVM whose environment holds
 * {@code ECS_CONTAINER_METADATA_URI_V4}: builds the SDK as a Vega service does and prints its
 * tracer provider, whose text carries the resource the spans will be exported with.
 */
public final class EcsResourceMain {
  private EcsResourceMain() {}

  public static void main(String[] args) {
    try (OpenTelemetrySdk sdk = VegaOpenTelemetry.builder(
            new ServiceInfo("vega-worker", "1.4.2", "abc123", "scan worker", "dev"))
        .shutdownHook(false).build()) {
      System.out.println("RESOURCE " + sdk.getSdkTracerProvider());
    }
  }
}
