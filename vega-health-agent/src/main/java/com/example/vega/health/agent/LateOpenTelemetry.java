package com.example.vega.health.agent;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.baggage.propagation.W3CBaggagePropagator;
import io.opentelemetry.api.logs.LoggerProvider;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.TracerProvider;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.context.propagation.TextMapPropagator;
import org.jspecify.annotations.Nullable;

/**
 * What premain registers as {@code GlobalOpenTelemetry}: cheap to create, so {@code main} is not
 * held up by the SDK's autoconfiguration (about 250 ms), and forwarding to the real SDK as soon as
 * the agent's thread has built it. Tracers handed out before then are not stuck as no-ops: every
 * span builder asks for the current delegate. Spans started before the SDK is ready are
 * non-recording but still carry the parent's trace id, so propagation is never lost.
 */
final class LateOpenTelemetry implements OpenTelemetry {
  private static final ContextPropagators W3C = ContextPropagators.create(TextMapPropagator.composite(
      W3CTraceContextPropagator.getInstance(), W3CBaggagePropagator.getInstance()));

  private volatile OpenTelemetry delegate = OpenTelemetry.noop();

  void delegateTo(OpenTelemetry sdk) {
    this.delegate = sdk;
  }

  OpenTelemetry delegate() {
    return delegate;
  }

  @Override
  public TracerProvider getTracerProvider() {
    return new TracerProvider() {
      @Override
      public Tracer get(String name) {
        return new LateTracer(name, null);
      }

      @Override
      public Tracer get(String name, String version) {
        return new LateTracer(name, version);
      }
    };
  }

  @Override
  public MeterProvider getMeterProvider() {
    return delegate.getMeterProvider();
  }

  @Override
  public LoggerProvider getLogsBridge() {
    return delegate.getLogsBridge();
  }

  @Override
  public ContextPropagators getPropagators() {
    OpenTelemetry d = delegate;
    return d == OpenTelemetry.noop() ? W3C : d.getPropagators();
  }

  private final class LateTracer implements Tracer {
    private final String name;
    private final @Nullable String version;

    LateTracer(String name, @Nullable String version) {
      this.name = name;
      this.version = version;
    }

    @Override
    public SpanBuilder spanBuilder(String spanName) {
      TracerProvider p = delegate.getTracerProvider();
      return (version == null ? p.get(name) : p.get(name, version)).spanBuilder(spanName);
    }
  }
}
