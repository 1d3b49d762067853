package com.example.vega.health.telemetry;

import com.example.vega.health.CheckContext;
import com.example.vega.health.CheckRegistration;
import com.example.vega.health.CheckResult;
import com.example.vega.health.CheckState;
import com.example.vega.health.HealthCheck;
import com.example.vega.health.Observation;
import com.example.vega.health.Status;
import com.example.vega.health.StatusListener;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.logs.Logger;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.semconv.ErrorAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Health as telemetry, through the OpenTelemetry API of the service's own {@link OpenTelemetry}
 * (exported by whatever its {@code OTEL_*} settings configure):
 *
 * <ul>
 *   <li>meters, tagged {@code check} and {@code role}, with the names and encoding of the
 *       Micrometer binder ({@link com.example.vega.health.metrics.HealthMetrics}):
 *       {@value #STATUS} (1 UP, 0.5 DEGRADED, 0.25 UNKNOWN, 0 DOWN), {@value #DURATION} (s),
 *       {@value #CHANGES}, {@value #TIMEOUTS}; and for a queue check the gauges
 *       {@value #QUEUE_BACKLOG} (visible messages) and {@value #QUEUE_OLDEST_AGE} (s);
 *   <li>a log record {@value #STATUS_CHANGE_EVENT} for each reported status change, with
 *       {@code check}, {@code from}, {@code to}, {@code output} and {@code hint};
 *   <li>a span {@code vega.health.check <name>} per run, with the dependency calls it made as its
 *       children and the result as attributes. {@link HealthRunSpanProcessor} exports only the
 *       runs that are not UP or changed the reported status.
 * </ul>
 *
 * <p>Text comes from the monitor's {@link CheckState}, which it has already redacted: nothing
 * here adds a value the health endpoints would not show.
 *
 * <pre>{@code
 * HealthTelemetry telemetry = HealthTelemetry.create(openTelemetry, "worker");
 * HealthMonitor monitor = HealthMonitor.builder()
 *     .registerAll(telemetry.instrument(VegaChecks.forRole(role, settings, clients)))
 *     .listener(telemetry)
 *     .build();
 * }</pre>
 *
 * <p>Spring services keep their meters in Micrometer: they use {@link #withoutMeters} so nothing
 * is counted twice.
 */
public final class HealthTelemetry implements StatusListener {
  public static final String INSTRUMENTATION_NAME = "com.example.vega.health.telemetry";
  public static final String STATUS = "vega.health.check.status";
  public static final String DURATION = "vega.health.check.duration";
  public static final String CHANGES = "vega.health.check.changes";
  public static final String TIMEOUTS = "vega.health.check.timeouts";
  public static final String QUEUE_BACKLOG = "vega.health.queue.backlog";
  public static final String QUEUE_OLDEST_AGE = "vega.health.queue.oldest_message.age";
  public static final String STATUS_CHANGE_EVENT = "vega.health.status_change";
  /** The name prefix of check-run spans; the check's name follows. */
  public static final String SPAN_PREFIX = "vega.health.check ";

  /** Meter and log-record attributes, as the Micrometer binder tags them. */
  public static final AttributeKey<String> CHECK = AttributeKey.stringKey("check");
  public static final AttributeKey<String> ROLE = AttributeKey.stringKey("role");
  static final AttributeKey<String> FROM = AttributeKey.stringKey("from");
  static final AttributeKey<String> TO = AttributeKey.stringKey("to");
  static final AttributeKey<String> OUTPUT = AttributeKey.stringKey("output");
  static final AttributeKey<String> HINT = AttributeKey.stringKey("hint");

  /** Span attributes of a check run. */
  public static final AttributeKey<String> SPAN_CHECK = AttributeKey.stringKey("vega.health.check.name");
  public static final AttributeKey<String> SPAN_STATUS = AttributeKey.stringKey("vega.health.check.status");
  public static final AttributeKey<Boolean> SPAN_CHANGED = AttributeKey.booleanKey("vega.health.check.changed");
  static final AttributeKey<String> SPAN_OUTPUT = AttributeKey.stringKey("vega.health.check.output");
  static final AttributeKey<String> SPAN_HINT = AttributeKey.stringKey("vega.health.check.hint");

  // The queue check's observations (checks.SqsCheck) that become gauges.
  static final String VISIBLE = "visible";
  static final String OLDEST_AGE = "oldestMessageAge";

  private final String role;
  private final Tracer tracer;
  private final Logger logs;
  private final @Nullable DoubleHistogram duration;
  private final Map<String, CheckState> latest = new ConcurrentHashMap<>();
  private final Map<String, Span> running = new ConcurrentHashMap<>();
  private final Map<String, Attributes> tags = new ConcurrentHashMap<>();

  private HealthTelemetry(OpenTelemetry otel, @Nullable String role, boolean meters) {
    this.role = role == null || role.isBlank() ? "none" : role;
    this.tracer = otel.getTracer(INSTRUMENTATION_NAME);
    this.logs = otel.getLogsBridge().get(INSTRUMENTATION_NAME);
    this.duration = meters ? registerMeters(otel.getMeter(INSTRUMENTATION_NAME)) : null;
  }

  /** Meters, log records and spans for the checks of {@code role} (e.g. {@code worker}). */
  public static HealthTelemetry create(OpenTelemetry openTelemetry, @Nullable String role) {
    return new HealthTelemetry(Objects.requireNonNull(openTelemetry, "openTelemetry"), role, true);
  }

  /** Log records and spans only: for services whose meters come from Micrometer. */
  public static HealthTelemetry withoutMeters(OpenTelemetry openTelemetry, @Nullable String role) {
    return new HealthTelemetry(Objects.requireNonNull(openTelemetry, "openTelemetry"), role, false);
  }

  /** The registrations with each check wrapped so that a run is a span and its calls children. */
  public List<CheckRegistration> instrument(List<CheckRegistration> registrations) {
    List<CheckRegistration> out = new ArrayList<>(registrations.size());
    for (CheckRegistration r : registrations) {
      out.add(instrument(r));
    }
    return out;
  }

  /** One registration, wrapped as in {@link #instrument(List)}. */
  public CheckRegistration instrument(CheckRegistration r) {
    if (r.check() instanceof Traced) {
      return r;
    }
    return new CheckRegistration(r.name(), r.componentType(), r.measurement(), r.policy(),
        new Traced(r.name(), r.check()));
  }

  @Override
  public void onChange(@Nullable CheckState previous, CheckState current) {
    CheckResult r = current.lastResult();
    String from = previous == null ? "" : previous.status().name();
    Status to = current.status();
    boolean worse = previous == null ? to != Status.UP : to.isWorseThan(previous.status());
    logs.logRecordBuilder()
        .setEventName(STATUS_CHANGE_EVENT)
        .setSeverity(worse ? Severity.WARN : Severity.INFO)
        .setBody(current.name() + " is " + to + (r == null ? "" : ": " + r.message()))
        .setAllAttributes(tags(current.name()))
        .setAttribute(FROM, from)
        .setAttribute(TO, to.name())
        .setAttribute(OUTPUT, r == null ? "" : r.message())
        .setAttribute(HINT, r == null ? "" : r.hint())
        .emit();
  }

  @Override
  public void onResult(CheckState current) {
    CheckState before = latest.put(current.name(), current);
    CheckResult r = current.lastResult();
    if (r != null && duration != null) {
      duration.record(seconds(r.duration()), tags(current.name()));
    }
    Span span = running.remove(current.name());
    if (span != null) {
      boolean changed = before != null ? before.changes() != current.changes() : current.changes() > 0;
      endRun(span, current, r, changed);
    }
  }

  private static void endRun(Span span, CheckState state, @Nullable CheckResult r, boolean changed) {
    span.setAttribute(SPAN_STATUS, r == null ? state.status().name() : r.status().name());
    span.setAttribute(SPAN_CHANGED, changed);
    if (r != null && r.status() != Status.UP) {
      span.setAttribute(SPAN_OUTPUT, r.message());
      span.setAttribute(SPAN_HINT, r.hint());
      span.setAttribute(ErrorAttributes.ERROR_TYPE, r.errorKind().name());
      if (r.status() == Status.DOWN || r.status() == Status.UNKNOWN) {
        span.setStatus(StatusCode.ERROR, r.errorKind().name());
      }
    }
    span.end();
  }

  private DoubleHistogram registerMeters(Meter meter) {
    meter.gaugeBuilder(STATUS).setUnit("1")
        .setDescription("Reported status of the check: 1 UP, 0.5 DEGRADED, 0.25 UNKNOWN, 0 DOWN")
        .buildWithCallback(m -> latest.values().forEach(s -> m.record(value(s.status()), tags(s.name()))));
    meter.counterBuilder(CHANGES).setUnit("{change}")
        .setDescription("Reported status changes of the check")
        .buildWithCallback(m -> latest.values().forEach(s -> m.record(s.changes(), tags(s.name()))));
    meter.counterBuilder(TIMEOUTS).setUnit("{run}")
        .setDescription("Runs of the check abandoned at their timeout")
        .buildWithCallback(m -> latest.values().forEach(s -> m.record(s.timeouts(), tags(s.name()))));
    meter.gaugeBuilder(QUEUE_BACKLOG).setUnit("{message}")
        .setDescription("Messages visible in the checked queue (waiting for a consumer)")
        .buildWithCallback(m -> observed(VISIBLE, (s, v) -> m.record(v, tags(s))));
    meter.gaugeBuilder(QUEUE_OLDEST_AGE).setUnit("s")
        .setDescription("Age of the oldest message in the checked queue")
        .buildWithCallback(m -> observed(OLDEST_AGE, (s, v) -> m.record(v, tags(s))));
    return meter.histogramBuilder(DURATION).setUnit("s")
        .setDescription("Duration of each run of the check")
        .setExplicitBucketBoundariesAdvice(
            List.of(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0))
        .build();
  }

  private void observed(String observation, java.util.function.ObjDoubleConsumer<String> sink) {
    for (CheckState s : latest.values()) {
      CheckResult r = s.lastResult();
      Observation o = r == null ? null : r.observation(observation);
      if (o != null && o.value() instanceof Number n) {
        sink.accept(s.name(), n.doubleValue());
      }
    }
  }

  private Attributes tags(String check) {
    return tags.computeIfAbsent(check, c -> Attributes.of(CHECK, c, ROLE, role));
  }

  /** The status gauge's value: worse is lower, so "not healthy" is one threshold ({@code < 1}). */
  public static double value(Status status) {
    return switch (status) {
      case UP -> 1.0;
      case DEGRADED -> 0.5;
      case UNKNOWN -> 0.25;
      case DOWN -> 0.0;
    };
  }

  private static double seconds(Duration d) {
    return d.toNanos() / 1e9;
  }

  /** A check whose run is a root span, current while the check calls its dependency. */
  private final class Traced implements HealthCheck {
    private final String name;
    private final HealthCheck delegate;
    private final String spanName;

    Traced(String name, HealthCheck delegate) {
      this.name = name;
      this.delegate = delegate;
      this.spanName = SPAN_PREFIX + name;
    }

    @Override
    public CheckResult check(CheckContext context) throws Exception {
      Span span = tracer.spanBuilder(spanName)
          .setNoParent()
          .setSpanKind(SpanKind.INTERNAL)
          .setAttribute(SPAN_CHECK, name)
          .setAllAttributes(tags(name))
          .startSpan();
      Span stale = running.put(name, span);
      if (stale != null) {
        stale.end(); // a run the monitor never reported (closed meanwhile): do not leak it
      }
      // The monitor ends the span in onResult, with the redacted result, whichever way the run ends.
      try (Scope s = Context.root().with(span).makeCurrent()) {
        return delegate.check(context);
      }
    }

    @Override
    public @Nullable CheckResult onTimeout(Duration timeout) {
      return delegate.onTimeout(timeout);
    }
  }
}
