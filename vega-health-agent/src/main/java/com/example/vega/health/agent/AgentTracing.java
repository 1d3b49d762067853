package com.example.vega.health.agent;

import com.example.vega.health.Setting;
import com.example.vega.health.trace.EcsCarrier;
import com.example.vega.health.ServiceInfo;
import com.example.vega.health.trace.VegaOpenTelemetry;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.context.Context;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * OpenTelemetry for a host without its own setup. Runs on the thread that calls {@code main}
 * (premain's thread), before {@code main}, so that the host's first span already has them:
 *
 * <ul>
 *   <li>the SDK from {@code OTEL_*} (via {@link VegaOpenTelemetry}), registered as
 *       {@link GlobalOpenTelemetry}, when export is configured and {@code VEGA_HEALTH_OTEL} is not
 *       {@code off}: a {@link LateOpenTelemetry} is registered before main, and the SDK, built on
 *       the agent's thread, takes over as soon as it is ready;
 *   <li>the context in {@code TRACEPARENT}/{@code TRACESTATE}/{@code BAGGAGE} (the worker's
 *       RunTask override) made current on the main thread and never closed, so every span the
 *       runner starts there continues the scan's trace.
 * </ul>
 */
final class AgentTracing {
  private AgentTracing() {}

  /** Whether to build and register the SDK. */
  static boolean sdkWanted(Map<String, String> env) {
    String mode = env.getOrDefault(Setting.HEALTH_OTEL.key(), "auto").trim().toLowerCase(Locale.ROOT);
    if (mode.equals("off") || "true".equalsIgnoreCase(env.get("OTEL_SDK_DISABLED"))) {
      return false;
    }
    if (mode.equals("on")) {
      return true;
    }
    // auto: only when someone configured export; otherwise the host pays nothing for tracing.
    return env.containsKey("OTEL_EXPORTER_OTLP_ENDPOINT")
        || env.containsKey("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
        || env.containsKey("OTEL_TRACES_EXPORTER");
  }

  /**
   * Registers a {@link LateOpenTelemetry} globally (cheap, before main) and returns it; the SDK
   * is built later by {@link #buildSdk}. Throws when the host already registered one.
   */
  static LateOpenTelemetry installLate() {
    LateOpenTelemetry late = new LateOpenTelemetry();
    GlobalOpenTelemetry.set(late);
    return late;
  }

  /** Builds the SDK from OTEL_* (off the main thread) and makes {@code late} forward to it. */
  static void buildSdk(LateOpenTelemetry late, ServiceInfo service) {
    // The whole ServiceInfo: service.version (VEGA_VERSION) and deployment.environment.name too.
    late.delegateTo(VegaOpenTelemetry.builder(service).build());
  }

  /**
   * Makes the environment's trace context current on this thread; returns its trace id, or null
   * when there is none or it is malformed (the trace then starts fresh).
   */
  static @Nullable String continueFromEnvironment(Map<String, String> env) {
    if (env.get("TRACEPARENT") == null) {
      return null;
    }
    Context ctx = EcsCarrier.extract(env);
    SpanContext sc = Span.fromContext(ctx).getSpanContext();
    if (!sc.isValid()) {
      return null;
    }
    @SuppressWarnings({"MustBeClosed", "unused"})
    var scope = ctx.makeCurrent(); // deliberately left open: the main thread lives in this context
    return sc.getTraceId();
  }
}
