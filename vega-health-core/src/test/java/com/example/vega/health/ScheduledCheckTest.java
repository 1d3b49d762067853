package com.example.vega.health;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.vega.health.testing.ManualScheduler;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The run states of one scheduled check, driven by hand: a queue stands for a busy pool. */
class ScheduledCheckTest {
  private static final Duration INTERVAL = Duration.ofSeconds(10);
  private static final Duration TIMEOUT = Duration.ofSeconds(2);
  private final ManualScheduler scheduler = new ManualScheduler();
  private final Deque<Runnable> queued = new ArrayDeque<>();
  private final Executor pool = queued::add;

  private HealthMonitor monitor(HealthCheck check) {
    return HealthMonitor.builder().service(ServiceInfo.of("vega-test")).scheduler(scheduler)
        .clock(scheduler.clock()).runExecutor(pool)
        .register("db", check, CheckPolicy.builder().interval(INTERVAL).timeout(TIMEOUT)
            .failureThreshold(1).successThreshold(1).build())
        .build();
  }

  @Test
  void aRunAbandonedBeforeAThreadTookItNeverRunsAndTheNextOneStartsOnTime() {
    AtomicInteger calls = new AtomicInteger();
    try (HealthMonitor m = monitor(ctx -> {
      calls.incrementAndGet();
      return CheckResult.up("fine");
    }).start()) {
      scheduler.runDue();
      assertThat(queued).hasSize(1); // QUEUED: no thread took it yet
      scheduler.advance(TIMEOUT); // ABANDONED before it started
      assertThat(m.snapshot().check("db").lastResult().errorKind()).isEqualTo(ErrorKind.TIMEOUT);
      queued.poll().run(); // a thread frees up late: the abandoned run must not call the check
      assertThat(calls).hasValue(0);

      scheduler.advance(INTERVAL.minus(TIMEOUT)); // the next run is not blocked by the abandoned one
      assertThat(queued).hasSize(1);
      queued.poll().run();
      assertThat(calls).hasValue(1);
      assertThat(m.snapshot().check("db").status()).isEqualTo(Status.UP);
      assertThat(m.snapshot().check("db").runs()).isEqualTo(2);
      assertThat(m.snapshot().check("db").timeouts()).isEqualTo(1);
    }
  }

  @Test
  void aResultThatComesAfterTheDeadlineIsDroppedNotRecordedOverTheTimeout() {
    AtomicInteger calls = new AtomicInteger();
    try (HealthMonitor m = monitor(ctx -> {
      calls.incrementAndGet();
      scheduler.advance(TIMEOUT); // the deadline passes while the check runs
      return CheckResult.up("late");
    }).start()) {
      scheduler.runDue();
      queued.poll().run();
      assertThat(calls).hasValue(1);
      CheckState s = m.snapshot().check("db");
      assertThat(s.status()).isEqualTo(Status.DOWN);
      assertThat(s.lastResult().message()).isEqualTo("no answer within 2s");
    }
  }
}
