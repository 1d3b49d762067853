package com.example.vega.health.agent;

import com.example.vega.health.Setting;
import com.example.vega.health.VegaSettings;
import com.example.vega.health.trace.EcsCarrier;
import com.example.vega.health.ServiceInfo;
import com.example.vega.health.trace.ScanTracing;
import com.example.vega.health.trace.VegaOpenTelemetry;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.OpenTelemetrySdk;
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
 *       runner starts there continues the scan's trace; when the SDK is built too, under an entry
 *       span of the task ({@link #enterTask}), SERVER, as the example runner makes it.
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
   * For a task started with TRACEPARENT and export configured: builds the SDK now rather than
   * beside main (its entry span must record, and must be the parent of main's spans), makes
   * {@link #enter} current on this thread, and at JVM exit ends that span before closing the SDK
   * (the SDK's own shutdown hook would race it). Returns the continued trace id, or null.
   */
  static @Nullable String enterTask(LateOpenTelemetry late, Map<String, String> env) {
    ServiceInfo service = AgentConfig.from(VegaSettings.environment()).service();
    OpenTelemetrySdk sdk = VegaOpenTelemetry.builder(service).shutdownHook(false).build();
    late.delegateTo(sdk);
    Span entry = enter(late, service.serviceId(), env);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      if (entry != null) {
        entry.end();
      }
      sdk.close();
    }, "vega-health-agent-otel-shutdown"));
    return entry == null ? null : entry.getSpanContext().getTraceId();
  }

  /**
   * The entry span of a task whose environment carries the worker's context (RunTask's
   * {@code TRACEPARENT}): {@code {service} task}, SERVER, a child of that context, so backends draw
   * worker -> this service from it, as from the example runner's entry span. Made current with
   * the context's baggage on this thread and never closed (the main thread lives in it); null,
   * and nothing current, without a valid TRACEPARENT. The caller ends it.
   */
  static @Nullable Span enter(OpenTelemetry otel, String service, Map<String, String> env) {
    if (env.get("TRACEPARENT") == null) {
      return null;
    }
    Context parent = EcsCarrier.extract(env);
    if (!Span.fromContext(parent).getSpanContext().isValid()) {
      return null;
    }
    Span entry = ScanTracing.create(otel).tracer().spanBuilder(service + " task")
        .setSpanKind(SpanKind.SERVER).setParent(parent).startSpan();
    @SuppressWarnings({"MustBeClosed", "unused"})
    var scope = parent.with(entry).makeCurrent(); // deliberately left open, as below
    return entry;
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
