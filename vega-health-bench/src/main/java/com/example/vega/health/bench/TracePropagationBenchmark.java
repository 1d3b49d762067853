package com.example.vega.health.bench;

import com.example.vega.health.trace.EcsCarrier;
import com.example.vega.health.trace.HttpCarrier;
import com.example.vega.health.trace.ScanContext;
import com.example.vega.health.trace.ScanIdSpanProcessor;
import com.example.vega.health.trace.ScanTracing;
import com.example.vega.health.trace.SqsCarrier;
import com.example.vega.health.trace.Trust;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.baggage.propagation.W3CBaggagePropagator;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.context.propagation.TextMapSetter;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import software.amazon.awssdk.services.ecs.model.ContainerOverride;
import software.amazon.awssdk.services.ecs.model.KeyValuePair;
import software.amazon.awssdk.services.ecs.model.RunTaskRequest;
import software.amazon.awssdk.services.ecs.model.TaskOverride;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import org.jspecify.annotations.Nullable;

/**
 * Inject + extract per hop (HTTP headers, SQS message attributes, ECS RunTask environment) with
 * Vega's carriers and, beside each, the plain OpenTelemetry W3C propagators doing the same work
 * on the same context; and the per-span cost of the scan-id attribute processor.
 *
 * <p>Each hop's context: a sampled span, a 40-character tracestate and baggage holding a scan id
 * (the production shape). The plain variants do no screening, no credential filtering and no
 * size budgeting: the difference is what those cost.
 */
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class TracePropagationBenchmark extends AverageTimeBenchmark {
  private static final TextMapPropagator PLAIN = TextMapPropagator.composite(
      W3CTraceContextPropagator.getInstance(), W3CBaggagePropagator.getInstance());
  private static final TextMapSetter<Map<String, String>> MAP_SET = (m, k, v) -> m.put(k, v);
  private static final TextMapGetter<Map<String, String>> MAP_GET = getter(k -> k, v -> v);
  private static final TextMapSetter<Map<String, String>> ENV_SET =
      (m, k, v) -> m.put(k.toUpperCase(Locale.ROOT), v);
  private static final TextMapGetter<Map<String, String>> ENV_GET =
      getter(k -> k.toUpperCase(Locale.ROOT), v -> v);
  private static final TextMapSetter<Map<String, MessageAttributeValue>> SQS_SET = (m, k, v) ->
      m.put(k, MessageAttributeValue.builder().dataType("String").stringValue(v).build());
  private static final TextMapGetter<Map<String, MessageAttributeValue>> SQS_GET =
      getter(k -> k, MessageAttributeValue::stringValue);

  private Context context;
  private SqsCarrier sqs;
  private EcsCarrier ecs;
  private RunTaskRequest runTask;
  private SdkTracerProvider withProcessor;
  private SdkTracerProvider withoutProcessor;
  private Tracer tracerWith;
  private Tracer tracerWithout;

  @Setup
  public void setUp() {
    SpanContext sc = SpanContext.create("4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7",
        TraceFlags.getSampled(), TraceState.builder().put("vendor", "0123456789abcdef0123456789abcdef").build());
    context = ScanContext.withScanId(Span.wrap(sc).storeInContext(Context.root()),
        "0f8fad5b-d9cb-469f-a165-70867728950e");
    ScanTracing tracing = ScanTracing.create(OpenTelemetry.noop());
    sqs = SqsCarrier.create(tracing);
    ecs = EcsCarrier.create(tracing);
    runTask = RunTaskRequest.builder().cluster("vega").taskDefinition("vega-v16-runner:12")
        .overrides(TaskOverride.builder().containerOverrides(ContainerOverride.builder()
            .name("vega-v16-runner")
            .environment(KeyValuePair.builder().name("VEGA_SCAN_ID").value("0f8fad5b-d9cb-469f-a165-70867728950e").build())
            .build()).build())
        .build();
    withProcessor = SdkTracerProvider.builder().setSampler(Sampler.alwaysOn())
        .addSpanProcessor(new ScanIdSpanProcessor()).build();
    // Baseline: a processor that asks for onStart and does nothing. (With no processor at all the
    // SDK skips recording, which would compare against a span that is never built.)
    withoutProcessor = SdkTracerProvider.builder().setSampler(Sampler.alwaysOn())
        .addSpanProcessor(new NoopStartProcessor()).build();
    tracerWith = withProcessor.get("bench");
    tracerWithout = withoutProcessor.get("bench");
  }

  @TearDown
  public void tearDown() {
    withProcessor.close();
    withoutProcessor.close();
  }

  // --- HTTP headers ---

  @Benchmark
  public Context httpVega() {
    Map<String, String> headers = new HashMap<>(8);
    HttpCarrier.inject(context, headers::put);
    return HttpCarrier.extract(headers::get, Trust.TRUSTED);
  }

  @Benchmark
  public Context httpPlainW3c() {
    return plainW3c(MAP_SET, MAP_GET);
  }

  // --- SQS message attributes: the consumer gets a Message ---

  @Benchmark
  public Context sqsVega() {
    Map<String, MessageAttributeValue> attributes = sqs.inject(context, Map.of());
    return SqsCarrier.extract(Message.builder().messageAttributes(attributes).build());
  }

  @Benchmark
  public Context sqsPlainW3c() {
    Map<String, MessageAttributeValue> attributes = new HashMap<>(8);
    PLAIN.inject(context, attributes, SQS_SET);
    Message m = Message.builder().messageAttributes(attributes).build();
    return PLAIN.extract(Context.root(), m.messageAttributes(), SQS_GET);
  }

  // --- ECS RunTask environment ---

  /** Into a real RunTaskRequest, with the 8192-character budget measured; extract from its env. */
  @Benchmark
  public Context ecsVega() {
    RunTaskRequest out = ecs.inject(context, runTask, "vega-v16-runner");
    Map<String, String> env = new HashMap<>(8);
    for (KeyValuePair kv : out.overrides().containerOverrides().get(0).environment()) {
      env.put(kv.name(), kv.value());
    }
    return EcsCarrier.extract(env);
  }

  /** The environment map alone, no request and no budget: the like-for-like comparison. */
  @Benchmark
  public Context ecsVegaEnvOnly() {
    return EcsCarrier.extract(EcsCarrier.environment(context));
  }

  @Benchmark
  public Context ecsPlainW3c() {
    return plainW3c(ENV_SET, ENV_GET);
  }

  /** The plain propagators into a fresh string map and back, as headers or as an environment. */
  private Context plainW3c(TextMapSetter<Map<String, String>> set, TextMapGetter<Map<String, String>> get) {
    Map<String, String> carrier = new HashMap<>(8);
    PLAIN.inject(context, carrier, set);
    return PLAIN.extract(Context.root(), carrier, get);
  }

  // --- per span: the scan-id attribute ---

  @Benchmark
  public Span spanWithScanIdProcessor() {
    Span s = tracerWith.spanBuilder("child").setParent(context).startSpan();
    s.end();
    return s;
  }

  @Benchmark
  public Span spanWithNoopProcessor() {
    Span s = tracerWithout.spanBuilder("child").setParent(context).startSpan();
    s.end();
    return s;
  }

  /** What hand-written plain-OpenTelemetry code reads a map carrier with: its keys, a value by key. */
  private static <V> TextMapGetter<Map<String, V>> getter(UnaryOperator<String> key,
      Function<V, @Nullable String> value) {
    return new TextMapGetter<>() {
      @Override
      public Iterable<String> keys(Map<String, V> m) {
        return m.keySet();
      }

      @Override
      public @Nullable String get(@Nullable Map<String, V> m, String k) {
        V v = m == null ? null : m.get(key.apply(k));
        return v == null ? null : value.apply(v);
      }
    };
  }

  /** Same shape as ScanIdSpanProcessor minus the work: isolates the scan-id attribute's cost. */
  static final class NoopStartProcessor implements SpanProcessor {
    @Override
    public void onStart(Context parentContext, ReadWriteSpan span) {}

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
  }
}
