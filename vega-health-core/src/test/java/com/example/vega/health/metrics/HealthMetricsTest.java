package com.example.vega.health.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.vega.health.CheckPolicy;
import com.example.vega.health.CheckResult;
import com.example.vega.health.ErrorKind;
import com.example.vega.health.HealthMonitor;
import com.example.vega.health.ServiceInfo;
import com.example.vega.health.Status;
import com.example.vega.health.testing.ManualScheduler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class HealthMetricsTest {
  private static final Duration INTERVAL = Duration.ofSeconds(10);
  private final ManualScheduler scheduler = new ManualScheduler();
  private final AtomicReference<Status> answer = new AtomicReference<>(Status.UP);

  private HealthMonitor monitor() {
    return HealthMonitor.builder().startSpread(Duration.ZERO)
        .service(ServiceInfo.of("vega-test"))
        .scheduler(scheduler).runExecutor(Runnable::run)
        .register("db", ctx -> switch (answer.get()) {
          case UP -> CheckResult.up("fine");
          case DEGRADED -> CheckResult.degraded(ErrorKind.THROTTLED, "slow", "wait");
          case UNKNOWN -> CheckResult.unknown("no idea", "look");
          case DOWN -> CheckResult.down(ErrorKind.OTHER, "broken", "fix it");
        }, CheckPolicy.builder().interval(INTERVAL).timeout(Duration.ofSeconds(2))
            .failureThreshold(1).successThreshold(1).critical(true).build())
        .build();
  }

  @Test
  void heldOpenCountsTheSharedChecksReadinessOverlooksOnceTheTaskServed() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (HealthMonitor m = monitor()) {
      new HealthMetrics(m, "api").bindTo(registry);
      m.start();
      scheduler.runDue();
      assertThat(registry.get(HealthMetrics.HELD_OPEN).tag("role", "api").gauge().value()).isZero();
      answer.set(Status.DOWN);
      scheduler.advance(INTERVAL);
      assertThat(registry.get(HealthMetrics.HELD_OPEN).tag("role", "api").gauge().value()).isEqualTo(1.0);
    }
  }

  @Test
  void statusGaugeDurationSummaryAndChangeCounterPerCheckTaggedWithRole() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (HealthMonitor m = monitor()) {
      new HealthMetrics(m, "worker").bindTo(registry);
      m.start();
      scheduler.runDue();
      assertThat(registry.get(HealthMetrics.STATUS).tags("check", "db", "role", "worker").gauge().value())
          .isEqualTo(1.0);

      answer.set(Status.DOWN);
      scheduler.advance(INTERVAL);
      assertThat(registry.get(HealthMetrics.STATUS).tag("check", "db").gauge().value()).isEqualTo(0.0);

      answer.set(Status.DEGRADED);
      scheduler.advance(INTERVAL);
      assertThat(registry.get(HealthMetrics.STATUS).tag("check", "db").gauge().value()).isEqualTo(0.5);

      assertThat(registry.get(HealthMetrics.DURATION).tag("check", "db").summary().count())
          .as("one duration per result").isEqualTo(3);
      // UNKNOWN -> UP, UP -> DOWN, DOWN -> DEGRADED
      assertThat(registry.get(HealthMetrics.CHANGES).tag("check", "db").functionCounter().count())
          .isEqualTo(3);
      assertThat(registry.get(HealthMetrics.TIMEOUTS).tag("role", "worker").functionCounter().count())
          .isZero();
    }
  }

  @Test
  void encodingIsOrderedFromBestToWorst() {
    assertThat(HealthMetrics.value(Status.UP)).isGreaterThan(HealthMetrics.value(Status.DEGRADED));
    assertThat(HealthMetrics.value(Status.DEGRADED)).isGreaterThan(HealthMetrics.value(Status.UNKNOWN));
    assertThat(HealthMetrics.value(Status.UNKNOWN)).isGreaterThan(HealthMetrics.value(Status.DOWN));
  }

  @Test
  void blankRoleIsTaggedNone() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (HealthMonitor m = monitor()) {
      new HealthMetrics(m, null).bindTo(registry);
      assertThat(registry.get(HealthMetrics.STATUS).tag("role", "none").gauge()).isNotNull();
    }
  }
}
