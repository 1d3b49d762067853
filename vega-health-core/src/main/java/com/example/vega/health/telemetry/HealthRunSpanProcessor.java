package com.example.vega.health.telemetry;

import com.example.vega.health.Status;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps healthy check runs out of the trace backend: wraps the exporting processor (a
 * {@code BatchSpanProcessor}) and holds back every span of a check run's trace until the run's
 * root span ({@code vega.health.check <name>}, see {@link HealthTelemetry}) ends. Then the whole
 * run goes to the exporter if its result was not UP or changed the reported status (or when
 * {@code exportHealthyRuns} is set), and is dropped otherwise. Spans of other traces pass
 * straight through.
 *
 * <p>Why here: the decision needs the run's result, known only when it ends, while its child
 * spans (the dependency call) end before it; a sampler decides at the start and cannot see it.
 * Bounded: at most {@value #MAX_RUNS} runs and {@value #MAX_SPANS_PER_RUN} spans per run are held;
 * beyond that spans pass through. A child that ends after its root follows the root's decision.
 *
 * <p>Needs the OpenTelemetry SDK. {@link com.example.vega.health.trace.VegaOpenTelemetry}
 * installs it; a service that builds its SDK itself wraps its exporting processor:
 * {@code new HealthRunSpanProcessor(BatchSpanProcessor.builder(exporter).build(), false)}.
 */
public final class HealthRunSpanProcessor implements SpanProcessor {
  static final int MAX_RUNS = 256;
  static final int MAX_SPANS_PER_RUN = 64;
  private static final int REMEMBERED_DECISIONS = 1024;

  private final SpanProcessor delegate;
  private final boolean exportHealthyRuns;
  private final Map<String, List<ReadableSpan>> held = new ConcurrentHashMap<>();
  private final Map<String, Boolean> decided = new LinkedHashMap<>(64, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
      return size() > REMEMBERED_DECISIONS;
    }
  };

  /**
   * @param delegate the exporting processor the kept spans go to
   * @param exportHealthyRuns export every run, healthy or not (a setting for debugging checks)
   */
  public HealthRunSpanProcessor(SpanProcessor delegate, boolean exportHealthyRuns) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
    this.exportHealthyRuns = exportHealthyRuns;
  }

  @Override
  public void onStart(Context parentContext, ReadWriteSpan span) {
    if (!exportHealthyRuns && isRunRoot(span) && held.size() < MAX_RUNS) {
      held.put(span.getSpanContext().getTraceId(), new ArrayList<>(4));
    }
    if (delegate.isStartRequired()) {
      delegate.onStart(parentContext, span);
    }
  }

  @Override
  public boolean isStartRequired() {
    return true;
  }

  @Override
  public void onEnd(ReadableSpan span) {
    String traceId = span.getSpanContext().getTraceId();
    List<ReadableSpan> run = held.get(traceId);
    if (run == null) {
      Boolean keep;
      synchronized (decided) {
        keep = decided.isEmpty() ? null : decided.get(traceId);
      }
      if (keep == null || keep) {
        delegate.onEnd(span);
      }
      return;
    }
    if (!isRunRoot(span)) {
      synchronized (run) {
        if (run.size() < MAX_SPANS_PER_RUN) {
          run.add(span);
          return;
        }
      }
      delegate.onEnd(span); // an unusually chatty run: let the rest through rather than hold it
      return;
    }
    held.remove(traceId);
    boolean keep = worthExporting(span);
    synchronized (decided) {
      decided.put(traceId, keep);
    }
    if (keep) {
      synchronized (run) {
        run.forEach(delegate::onEnd);
      }
      delegate.onEnd(span);
    }
  }

  @Override
  public boolean isEndRequired() {
    return true;
  }

  /** A run is worth a look when its result was not UP (or is unknown) or changed the status. */
  static boolean worthExporting(ReadableSpan root) {
    String status = root.getAttribute(HealthTelemetry.SPAN_STATUS);
    return Boolean.TRUE.equals(root.getAttribute(HealthTelemetry.SPAN_CHANGED))
        || !Status.UP.name().equals(status);
  }

  private static boolean isRunRoot(ReadableSpan span) {
    return !span.getParentSpanContext().isValid() && span.getAttribute(HealthTelemetry.SPAN_CHECK) != null;
  }

  @Override
  public CompletableResultCode forceFlush() {
    return delegate.forceFlush();
  }

  @Override
  public CompletableResultCode shutdown() {
    held.clear();
    return delegate.shutdown();
  }

  @Override
  public String toString() {
    return "HealthRunSpanProcessor{exportHealthyRuns=" + exportHealthyRuns + ", delegate=" + delegate + "}";
  }
}
