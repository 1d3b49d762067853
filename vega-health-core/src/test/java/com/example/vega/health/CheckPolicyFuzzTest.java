package com.example.vega.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.example.vega.health.testing.Fuzz;
import com.example.vega.health.testing.ManualScheduler;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Seeded fuzzing of {@link CheckPolicy.Builder} with random durations (null, negative, zero, a
 * nanosecond, ordinary, centuries, {@code Duration}'s maximum) and thresholds (any int).
 * Properties: {@code build()} either throws an IllegalArgumentException (a NullPointerException
 * for null) whose message starts with the offending field, or gives a policy the monitor can run
 * (scheduled and timed out without overflow). Defaults: seed 8, 2,000 cases; override with
 * {@code -Dvega.fuzz.seed} and {@code -Dvega.fuzz.cases}.
 */
class CheckPolicyFuzzTest {
  private static final Fuzz FUZZ = Fuzz.of("CheckPolicyFuzzTest", 8L, 2_000);

  static Duration duration(SplittableRandom r) {
    return switch (r.nextInt(9)) {
      case 0 -> null;
      case 1 -> Duration.ofMillis(-1 - r.nextInt(100_000));
      case 2 -> Duration.ZERO;
      case 3 -> Duration.ofNanos(1 + r.nextInt(1000));
      case 4 -> Duration.ofDays(100 * 365 + r.nextInt(1_000_000));
      case 5 -> Duration.ofSeconds(Long.MAX_VALUE, 999_999_999);
      case 6 -> Duration.ofSeconds(r.nextLong(Long.MAX_VALUE));
      default -> Duration.ofMillis(1 + r.nextInt(3_600_000));
    };
  }

  static int threshold(SplittableRandom r) {
    return switch (r.nextInt(5)) {
      case 0 -> Fuzz.pick(r, Integer.MIN_VALUE, -1, 0, Integer.MAX_VALUE);
      case 1 -> r.nextInt();
      default -> 1 + r.nextInt(5);
    };
  }

  @Test
  void everyPolicyEitherNamesWhatIsWrongOrRunsInTheMonitor() {
    assertTimeoutPreemptively(Duration.ofSeconds(30), () -> FUZZ.forEachCase(i -> {
      SplittableRandom r = FUZZ.random(i);
      Duration interval = duration(r);
      Duration timeout = duration(r);
      int failures = threshold(r);
      int successes = threshold(r);
      CheckPolicy policy;
      try {
        policy = CheckPolicy.builder().interval(interval).timeout(timeout)
            .failureThreshold(failures).successThreshold(successes).critical(r.nextBoolean()).build();
      } catch (IllegalArgumentException | NullPointerException e) {
        assertThat(e.getMessage()).as("interval=%s timeout=%s thresholds=%d/%d", interval, timeout, failures, successes)
            .matches("(?s)(interval|timeout|failureThreshold|successThreshold)\\b.*");
        return;
      }
      assertRuns(policy);
    }));
  }

  /** Found at seed 8: a policy of centuries was built, then overflowed in the monitor's scheduling. */
  @Test
  void durationsTheMonitorCannotScheduleAreRejectedByName() {
    assertThatThrownBy(() -> CheckPolicy.builder().interval(Duration.ofDays(200 * 365)).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("interval must be at most");
    assertThatThrownBy(() -> CheckPolicy.builder().interval(Duration.ofSeconds(Long.MAX_VALUE))
        .timeout(Duration.ofSeconds(Long.MAX_VALUE)).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("interval must be at most");
    assertRuns(CheckPolicy.builder().interval(CheckPolicy.MAX_DURATION).timeout(CheckPolicy.MAX_DURATION).build());
  }

  /**
   * Starts a monitor with the policy: the check runs with a positive budget and its result is the
   * one recorded. What the check sees is asserted here, outside it: inside, the monitor would turn
   * a failed assertion into a DOWN result and the test would pass.
   */
  private static void assertRuns(CheckPolicy policy) {
    ManualScheduler scheduler = new ManualScheduler();
    AtomicInteger runs = new AtomicInteger();
    AtomicReference<Duration> remaining = new AtomicReference<>();
    try (HealthMonitor m = HealthMonitor.builder().startSpread(Duration.ZERO).service(ServiceInfo.of("vega-fuzz")).scheduler(scheduler)
        .runExecutor(Runnable::run)
        .register("c", ctx -> {
          runs.incrementAndGet();
          remaining.set(ctx.remaining());
          return CheckResult.up("fine");
        }, policy).build().start()) {
      scheduler.runDue();
      assertThat(runs).as("%s", policy).hasValue(1);
      assertThat(remaining.get()).as("budget the check was given, %s", policy).isPositive();
      CheckState c = m.snapshot().check("c");
      assertThat(c).isNotNull();
      assertThat(c.lastResult()).as("%s", policy).isNotNull()
          .extracting(CheckResult::status).isEqualTo(Status.UP);
    }
  }
}
