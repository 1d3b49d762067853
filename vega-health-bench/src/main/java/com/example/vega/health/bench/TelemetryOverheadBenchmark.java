package com.example.vega.health.bench;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import com.example.vega.health.telemetry.HealthRunSpanProcessor;
import com.example.vega.health.telemetry.HealthTelemetry;
import com.example.vega.health.trace.TraceLogFormatter;
import com.example.vega.health.trace.ScanContext;
import com.example.vega.health.trace.ServerSpans;
import com.example.vega.health.trace.ScanTracing;
import com.example.vega.health.trace.Trust;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.instrumentation.api.instrumenter.Instrumenter;
import io.opentelemetry.instrumentation.api.semconv.http.HttpServerAttributesExtractor;
import io.opentelemetry.instrumentation.api.semconv.http.HttpServerAttributesGetter;
import io.opentelemetry.instrumentation.api.semconv.http.HttpSpanNameExtractor;
import io.opentelemetry.instrumentation.api.semconv.http.HttpSpanStatusExtractor;
import io.opentelemetry.instrumentation.logback.mdc.v1_0.OpenTelemetryAppender;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.logging.Formatter;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.SimpleFormatter;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import org.slf4j.LoggerFactory;
import org.jspecify.annotations.Nullable;

/**
 * What the telemetry of issue 13 adds per request, each cell beside its peer:
 *
 * <ul>
 *   <li>an HTTP SERVER span with the semantic conventions' attributes: {@link ServerSpans} (what
 *       {@code ScanTraceFilter} and the JDK servers use) vs OpenTelemetry's own instrumentation
 *       machinery for HTTP servers ({@code Instrumenter} with {@code HttpServerAttributesExtractor},
 *       span-name and status extractors, as its servlet/Spring/JDK-server instrumentations build
 *       it), same request, same SDK (recording, a batch processor whose exporter drops);
 *   <li>a log line inside a scan: Logback with OpenTelemetry's MDC appender (trace_id, span_id,
 *       baggage) vs the same appender chain without it; {@code java.util.logging} with
 *       {@link TraceLogFormatter} (text and JSON) vs the JDK's {@code SimpleFormatter};
 *   <li>a healthy check run (root span + one child) through {@link HealthRunSpanProcessor}
 *       (held, then dropped) vs straight to the batch processor (exported to a no-op exporter).
 * </ul>
 *
 * <p>Run with {@code -prof gc} for the allocation per operation ({@code gc.alloc.rate.norm}).
 */
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class TelemetryOverheadBenchmark extends AverageTimeBenchmark {
  /** The request both server cells see. */
  record Request(String method, String path, String route, Map<String, String> headers) {}

  private static final Request REQUEST = new Request("GET", "/v1/scans/scan-0123456789abcdef", "/v1/scans/{id}",
      Map.of("user-agent", "curl/8.5.0", "x-amzn-trace-id", "Root=1-67891233-abcdef012345678912345678",
          "host", "api.example.com"));

  private static final HttpServerAttributesGetter<Request, Integer> GETTER = new HttpServerAttributesGetter<>() {
    @Override
    public String getHttpRequestMethod(Request r) {
      return r.method();
    }

    @Override
    public List<String> getHttpRequestHeader(Request r, String name) {
      String v = r.headers().get(name);
      return v == null ? List.of() : List.of(v);
    }

    @Override
    public Integer getHttpResponseStatusCode(Request r, Integer status, Throwable error) {
      return status;
    }

    @Override
    public List<String> getHttpResponseHeader(Request r, Integer status, String name) {
      return List.of();
    }

    @Override
    public String getUrlScheme(Request r) {
      return "https";
    }

    @Override
    public String getUrlPath(Request r) {
      return r.path();
    }

    @Override
    public @Nullable String getUrlQuery(Request r) {
      return null;
    }

    @Override
    public String getHttpRoute(Request r) {
      return r.route();
    }

    @Override
    public String getClientAddress(Request r) {
      return "203.0.113.9";
    }
  };

  private static final TextMapGetter<Request> HEADERS = new TextMapGetter<>() {
    @Override
    public Iterable<String> keys(Request r) {
      return r.headers().keySet();
    }

    @Override
    public @Nullable String get(@Nullable Request r, String key) {
      return r == null ? null : r.headers().get(key);
    }
  };

  /** A batch processor's exporter that drops everything: the export path without the network (the SDK's no-op). */
  private static final SpanExporter DROP = SpanExporter.composite();

  private OpenTelemetrySdk sdk;
  private ServerSpans servers;
  private Instrumenter<Request, Integer> instrumenter;
  private Context scan;
  private Logger withMdc;
  private Logger withoutMdc;
  private LoggerContext logback;
  private final TraceLogFormatter julText = new TraceLogFormatter(false);
  private final TraceLogFormatter julJson = new TraceLogFormatter(true);
  private final SimpleFormatter julPlain = new SimpleFormatter();
  private SdkTracerProvider heldRuns;
  private SdkTracerProvider exportedRuns;
  private Tracer heldTracer;
  private Tracer exportedTracer;

  @Setup
  public void setUp() {
    // Spans are recorded and handed to a batch processor, as in production (its exporter drops them).
    sdk = OpenTelemetrySdk.builder().setTracerProvider(SdkTracerProvider.builder()
        .addSpanProcessor(BatchSpanProcessor.builder(DROP).build()).build()).build();
    servers = ServerSpans.create(ScanTracing.create(sdk));
    instrumenter = Instrumenter.<Request, Integer>builder(sdk, "bench", HttpSpanNameExtractor.create(GETTER))
        .setSpanStatusExtractor(HttpSpanStatusExtractor.create(GETTER))
        .addAttributesExtractor(HttpServerAttributesExtractor.create(GETTER))
        .buildServerInstrumenter(HEADERS);
    scan = ScanContext.withScanId(Context.root(), "scan-0123456789abcdef")
        .with(sdk.getTracer("bench").spanBuilder("scan").startSpan());
    Span probe = serverSpanVega();
    if (!Span.fromContext(scan).isRecording() || !(probe instanceof ReadableSpan r)
        || r.getAttributes().size() < 8) {
      throw new IllegalStateException("the benchmark's spans must be recorded with their attributes, "
          + "or it measures a no-op: " + probe);
    }

    logback = (LoggerContext) LoggerFactory.getILoggerFactory();
    logback.reset();
    OutputStreamAppender<ILoggingEvent> sink = sink("sink");
    OutputStreamAppender<ILoggingEvent> sink2 = sink("sink2");
    OpenTelemetryAppender otel = new OpenTelemetryAppender();
    otel.setContext(logback);
    otel.setAddBaggage(true);
    otel.addAppender(sink2);
    otel.start();
    withoutMdc = logback.getLogger("bench.plain");
    withoutMdc.setAdditive(false);
    withoutMdc.addAppender(sink);
    withMdc = logback.getLogger("bench.mdc");
    withMdc.setAdditive(false);
    withMdc.addAppender(otel);

    heldRuns = SdkTracerProvider.builder()
        .addSpanProcessor(new HealthRunSpanProcessor(BatchSpanProcessor.builder(DROP).build(), false)).build();
    exportedRuns = SdkTracerProvider.builder().addSpanProcessor(BatchSpanProcessor.builder(DROP).build()).build();
    heldTracer = heldRuns.get("bench");
    exportedTracer = exportedRuns.get("bench");
  }

  private OutputStreamAppender<ILoggingEvent> sink(String name) {
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(logback);
    encoder.setPattern("%d %-5level %logger - %msg trace_id=%X{trace_id} span_id=%X{span_id} vega.scan.id=%X{baggage.vega.scan.id}%n");
    encoder.start();
    OutputStreamAppender<ILoggingEvent> a = new OutputStreamAppender<>();
    a.setName(name);
    a.setContext(logback);
    a.setEncoder(encoder);
    a.setOutputStream(OutputStream.nullOutputStream());
    a.start();
    return a;
  }

  @TearDown
  public void tearDown() {
    sdk.close();
    heldRuns.close();
    exportedRuns.close();
    logback.reset();
  }

  @Benchmark
  public Span serverSpanVega() {
    Context ctx = servers.start(REQUEST.headers()::get, Trust.UNTRUSTED, new ServerSpans.Request(REQUEST.method(),
        "https", REQUEST.path(), REQUEST.route(), "api.example.com", 443, "203.0.113.9",
        REQUEST.headers().get("user-agent")));
    Span span = Span.fromContext(ctx);
    ServerSpans.end(span, 200, null);
    return span;
  }

  @Benchmark
  public Context serverSpanOtelInstrumenter() {
    Context ctx = instrumenter.start(Context.root(), REQUEST);
    instrumenter.end(ctx, REQUEST, 200, null);
    return ctx;
  }

  @Benchmark
  public void logbackPlain() {
    logInScan(withoutMdc);
  }

  @Benchmark
  public void logbackOtelMdc() {
    logInScan(withMdc);
  }

  @Benchmark
  public String julSimpleFormatter() {
    return formatInScan(julPlain);
  }

  @Benchmark
  public String julTraceFormatterText() {
    return formatInScan(julText);
  }

  @Benchmark
  public String julTraceFormatterJson() {
    return formatInScan(julJson);
  }

  @Benchmark
  public void healthyRunExported() {
    run(exportedTracer);
  }

  @Benchmark
  public void healthyRunHeldAndDropped() {
    run(heldTracer);
  }

  private void logInScan(Logger logger) {
    try (Scope s = scan.makeCurrent()) {
      logger.info("scan {} claimed", "scan-0123456789abcdef");
    }
  }

  private String formatInScan(Formatter formatter) {
    try (Scope s = scan.makeCurrent()) {
      return formatter.format(record());
    }
  }

  private static LogRecord record() {
    LogRecord r = new LogRecord(Level.INFO, "scan scan-0123456789abcdef claimed");
    r.setLoggerName("com.example.vega.examples.worker.WorkerService");
    return r;
  }

  /** A healthy check run as HealthTelemetry shapes it: a root with its attributes, one child. */
  private static void run(Tracer tracer) {
    Span root = tracer.spanBuilder("vega.health.check postgres").setNoParent().setSpanKind(SpanKind.INTERNAL)
        .setAttribute(HealthTelemetry.SPAN_CHECK, "postgres").startSpan();
    try (Scope s = Context.root().with(root).makeCurrent()) {
      tracer.spanBuilder("SELECT").setSpanKind(SpanKind.CLIENT).startSpan().end();
    }
    root.setAttribute(HealthTelemetry.SPAN_STATUS, "UP");
    root.setAttribute(HealthTelemetry.SPAN_CHANGED, false);
    root.end();
  }
}
