package com.example.vega.health;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.vega.health.testing.ManualScheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The monitor has one clock, its scheduler's: wall and monotonic time cannot drift apart. */
class OneClockTest {

  @Test
  void advancingTheManualClockMovesWallAndMonotonicTimeTogether() {
    ManualScheduler scheduler = new ManualScheduler(Instant.parse("2026-01-01T00:00:00Z"));
    HealthClock clock = scheduler.clock();
    Instant wall = clock.now();
    long mono = clock.nanoTime();

    scheduler.advance(Duration.ofSeconds(7));
    assertThat(clock.now()).isEqualTo(Instant.parse("2026-01-01T00:00:07Z"));
    assertThat(clock.nanoTime() - mono).isEqualTo(Duration.ofSeconds(7).toNanos());

    scheduler.stall(Duration.ofMillis(250));
    assertThat(Duration.between(wall, clock.now())).isEqualTo(Duration.ofMillis(7250));
    assertThat(clock.nanoTime() - mono).isEqualTo(Duration.ofMillis(7250).toNanos());
  }

  @Test
  void aRunsDurationItsTimestampAndItsBudgetComeFromTheSchedulersClock() {
    ManualScheduler scheduler = new ManualScheduler();
    Instant start = scheduler.clock().now();
    AtomicReference<Duration> remainingAfter = new AtomicReference<>();
    AtomicReference<Instant> wallSeen = new AtomicReference<>();
    // The check takes 3 s of the manual clock's time (a stuck scheduler thread would look the same).
    HealthCheck slow = ctx -> {
      scheduler.stall(Duration.ofSeconds(3));
      remainingAfter.set(ctx.remaining());
      wallSeen.set(ctx.clock().now());
      return CheckResult.up("fine");
    };
    CheckPolicy policy = CheckPolicy.builder().interval(Duration.ofSeconds(10)).timeout(Duration.ofSeconds(5)).build();
    try (HealthMonitor m = HealthMonitor.builder().startSpread(Duration.ZERO).scheduler(scheduler)
        .runExecutor(Runnable::run).register("slow", slow, policy).build().start()) {
      scheduler.runDue();

      CheckResult r = m.snapshot().check("slow").lastResult();
      assertThat(r).isNotNull();
      assertThat(r.duration()).isEqualTo(Duration.ofSeconds(3));
      assertThat(r.time()).isEqualTo(start.plusSeconds(3));
      assertThat(remainingAfter.get()).isEqualTo(Duration.ofSeconds(2));
      assertThat(wallSeen.get()).isEqualTo(start.plusSeconds(3));
    }
  }
}
