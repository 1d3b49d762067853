package com.example.vega.health.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.vega.health.trace.ScanIdSpanProcessor;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The entry span an agent-only JVM gets from the worker's TRACEPARENT, as the example runner makes it. */
class AgentTracingTest {
  private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String RUN_TASK_SPAN = "00f067aa0ba902b7";

  private final List<SpanData> exported = new CopyOnWriteArrayList<>();
  private final OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
      .setTracerProvider(SdkTracerProvider.builder()
          .addSpanProcessor(new ScanIdSpanProcessor())
          .addSpanProcessor(SimpleSpanProcessor.create(new SpanExporter() {
            @Override
            public CompletableResultCode export(Collection<SpanData> spans) {
              exported.addAll(spans);
              return CompletableResultCode.ofSuccess();
            }

            @Override
            public CompletableResultCode flush() {
              return CompletableResultCode.ofSuccess();
            }

            @Override
            public CompletableResultCode shutdown() {
              return CompletableResultCode.ofSuccess();
            }
          }))
          .build())
      .build();

  /** Runs {@code enter} and main's first span on a fresh thread: the entry's scope is never closed. */
  private Span enterAndWork(Map<String, String> env) throws InterruptedException {
    AtomicReference<Span> entry = new AtomicReference<>();
    Thread main = new Thread(() -> {
      entry.set(AgentTracing.enter(sdk, "vega-v16-runner", env));
      sdk.getTracer("host").spanBuilder("host.work").startSpan().end();
    });
    main.start();
    main.join();
    return entry.get();
  }

  @Test
  void aTaskStartedWithTheWorkersContextGetsAServerEntrySpanParentOfMainsSpans() throws Exception {
    Span entry = enterAndWork(Map.of("TRACEPARENT", "00-" + TRACE_ID + "-" + RUN_TASK_SPAN + "-01",
        "BAGGAGE", "vega.scan.id=scan-42"));
    entry.end();

    SpanData server = exported.stream().filter(s -> s.getName().equals("vega-v16-runner task")).findFirst().orElseThrow();
    SpanData work = exported.stream().filter(s -> s.getName().equals("host.work")).findFirst().orElseThrow();
    assertThat(server.getKind()).isEqualTo(SpanKind.SERVER);
    assertThat(server.getTraceId()).isEqualTo(TRACE_ID);
    assertThat(server.getParentSpanId()).as("a child of the worker's RunTask span").isEqualTo(RUN_TASK_SPAN);
    assertThat(server.getAttributes().get(AttributeKey.stringKey("vega.scan.id"))).isEqualTo("scan-42");
    assertThat(work.getParentSpanId()).isEqualTo(server.getSpanId());
    assertThat(work.getAttributes().get(AttributeKey.stringKey("vega.scan.id"))).isEqualTo("scan-42");
  }

  @Test
  void noOrAMalformedTraceparentMakesNoEntrySpan() throws Exception {
    assertThat(enterAndWork(Map.of())).isNull();
    assertThat(enterAndWork(Map.of("TRACEPARENT", "00-" + "0".repeat(32) + "-" + RUN_TASK_SPAN + "-01"))).isNull();

    assertThat(exported).extracting(SpanData::getName).containsExactly("host.work", "host.work");
    assertThat(exported).allSatisfy(s -> assertThat(s.getParentSpanContext().isValid()).isFalse());
  }
}
