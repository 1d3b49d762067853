package com.example.vega.health.metrics;

import com.example.vega.health.CheckResult;
import com.example.vega.health.CheckState;
import com.example.vega.health.HealthMonitor;
import com.example.vega.health.Status;
import com.example.vega.health.StatusListener;
import com.example.vega.health.telemetry.HealthTelemetry;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jspecify.annotations.Nullable;

/**
 * Micrometer meters for every check of a monitor, for any registry (CloudWatch, Prometheus, OTLP,
 * a {@code SimpleMeterRegistry} in tests). Each meter is tagged {@code check} and {@code role}.
 *
 * <ul>
 *   <li>{@value #STATUS} (gauge): the reported status, encoded so that worse is lower and an
 *       alarm is one threshold: {@code 1} UP, {@code 0.5} DEGRADED, {@code 0.25} UNKNOWN (no
 *       evidence, which the probes treat as failing), {@code 0} DOWN. "Not healthy" is
 *       {@code < 1}; "failing a probe" is {@code < 0.5}.
 *   <li>{@value #DURATION} (distribution summary, base unit {@value #SECONDS}): the duration of
 *       every run in seconds, recorded as each result arrives; an abandoned run counts as its
 *       timeout. Not a {@code Timer}: a timer's unit is the registry's base time unit
 *       (milliseconds for OTLP, seconds for Prometheus), so one fleet would report one quantity
 *       in two units; a summary in seconds is seconds in every registry, as core's OpenTelemetry
 *       histogram ({@link HealthTelemetry#DURATION}) is.
 *   <li>{@value #CHANGES} (counter): reported status changes, after flap damping.
 *   <li>{@value #TIMEOUTS} (counter): runs abandoned at their deadline.
 * </ul>
 *
 * <pre>{@code
 * new HealthMetrics(monitor, "worker").bindTo(registry);
 * }</pre>
 */
public final class HealthMetrics implements MeterBinder {
  public static final String STATUS = "vega.health.check.status";
  public static final String DURATION = "vega.health.check.duration";
  public static final String CHANGES = "vega.health.check.changes";
  public static final String TIMEOUTS = "vega.health.check.timeouts";
  /**
   * The duration's base unit. Micrometer's word for it (Prometheus names the meter
   * {@code vega_health_check_duration_seconds}, as it names OpenTelemetry's {@code s}).
   */
  public static final String SECONDS = "seconds";
  /**
   * Failing checks of shared dependencies that readiness overlooks because the task has served
   * (fail open, {@link com.example.vega.health.HealthSnapshot#heldOpen()}); 0 when none. Alarm on
   * it: it is above 0 exactly while the fleet stays in service through a shared outage.
   */
  public static final String HELD_OPEN = "vega.health.readiness.held_open";

  private final HealthMonitor monitor;
  private final String role;
  private final Map<String, List<DistributionSummary>> durations = new ConcurrentHashMap<>();
  private final Object lock = new Object();
  private boolean listening; // guarded by lock

  /**
   * @param monitor whose checks to measure; checks are those registered when it was built
   * @param role the {@code role} tag, e.g. {@code api}; null or blank becomes {@code none}
   */
  public HealthMetrics(HealthMonitor monitor, @Nullable String role) {
    this.monitor = Objects.requireNonNull(monitor, "monitor");
    this.role = role == null || role.isBlank() ? "none" : role;
  }

  /** The gauge's value for a status; see the class comment for the encoding. */
  public static double value(Status status) {
    return HealthTelemetry.value(status); // one encoding for Micrometer and OpenTelemetry
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    for (CheckState c : monitor.snapshot().checks()) {
      String name = c.name();
      Tags tags = Tags.of("check", name, "role", role);
      Gauge.builder(STATUS, monitor, m -> statusValue(m, name))
          .tags(tags).strongReference(true)
          .description("Reported status of the check: 1 UP, 0.5 DEGRADED, 0.25 UNKNOWN, 0 DOWN")
          .register(registry);
      FunctionCounter.builder(CHANGES, monitor, m -> count(m, name, false))
          .tags(tags).description("Reported status changes of the check").register(registry);
      FunctionCounter.builder(TIMEOUTS, monitor, m -> count(m, name, true))
          .tags(tags).description("Runs of the check abandoned at their timeout").register(registry);
      DistributionSummary duration = DistributionSummary.builder(DURATION).baseUnit(SECONDS).tags(tags)
          .description("Duration of each run of the check").register(registry);
      durations.computeIfAbsent(name, k -> new CopyOnWriteArrayList<>()).add(duration);
    }
    Gauge.builder(HELD_OPEN, monitor, m -> m.snapshot().heldOpen().size()).tags("role", role)
        .strongReference(true)
        .description("Failing shared-dependency checks that readiness overlooks because the task has served")
        .register(registry);
    synchronized (lock) {
      if (!listening) {
        monitor.addListener(new Recorder());
        listening = true;
      }
    }
  }

  private static double statusValue(HealthMonitor m, String name) {
    CheckState s = m.snapshot().check(name);
    return s == null ? Double.NaN : value(s.status());
  }

  private static double count(HealthMonitor m, String name, boolean timeouts) {
    CheckState s = m.snapshot().check(name);
    return s == null ? 0 : timeouts ? s.timeouts() : s.changes();
  }

  /** Records each result's duration, in seconds, into the summaries of every registry bound so far. */
  private final class Recorder implements StatusListener {
    @Override
    public void onChange(@Nullable CheckState previous, CheckState current) {
      // the counters read CheckState.changes(); nothing to do per change
    }

    @Override
    public void onResult(CheckState current) {
      CheckResult r = current.lastResult();
      List<DistributionSummary> ds = durations.get(current.name());
      if (r == null || ds == null) {
        return;
      }
      double seconds = r.duration().toNanos() / 1e9;
      for (DistributionSummary d : ds) {
        d.record(seconds);
      }
    }
  }
}
