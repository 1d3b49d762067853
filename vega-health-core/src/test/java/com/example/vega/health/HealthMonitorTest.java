package com.example.vega.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.example.vega.health.testing.ManualScheduler;
import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HealthMonitorTest {
  private final ManualScheduler scheduler = new ManualScheduler();
  private final ExecutorService pool = Executors.newCachedThreadPool();
  private static final Duration INTERVAL = Duration.ofSeconds(10);
  private static final Duration TIMEOUT = Duration.ofSeconds(2);

  @AfterEach
  void stop() {
    pool.shutdownNow();
  }

  private HealthMonitor.Builder monitor() {
    return HealthMonitor.builder().startSpread(Duration.ZERO)
        .service(ServiceInfo.of("vega-test"))
        .scheduler(scheduler)
        .runExecutor(Runnable::run);
  }

  private static CheckPolicy policy(int failures, int successes) {
    return CheckPolicy.builder().interval(INTERVAL).timeout(TIMEOUT)
        .failureThreshold(failures).successThreshold(successes).critical(true).build();
  }

  /** A check that answers the given statuses in turn, then repeats the last. */
  private static HealthCheck sequence(Status... statuses) {
    Deque<Status> q = new ArrayDeque<>(List.of(statuses));
    return ctx -> {
      Status s = q.size() > 1 ? q.poll() : q.peek();
      return switch (s) {
        case UP -> CheckResult.up("fine");
        case DOWN -> CheckResult.down(ErrorKind.OTHER, "broken", "fix it");
        case DEGRADED -> CheckResult.degraded(ErrorKind.THROTTLED, "slow", "wait");
        case UNKNOWN -> CheckResult.unknown("no idea", "look");
      };
    };
  }

  @Test
  void firstResultArrivesPromptlyAfterStart() {
    try (HealthMonitor m = monitor().register("db", sequence(Status.UP), policy(3, 3)).build()) {
      assertThat(m.snapshot().check("db").status()).isEqualTo(Status.UNKNOWN);
      m.start();
      scheduler.runDue();
      CheckState s = m.snapshot().check("db");
      assertThat(s.status()).isEqualTo(Status.UP);
      assertThat(s.lastResult().message()).isEqualTo("fine");
      assertThat(s.runs()).isEqualTo(1);
    }
  }

  @Test
  void statusChangesOnlyAfterFailureThresholdConsecutiveResults() {
    HealthCheck check = sequence(Status.UP, Status.DOWN, Status.UP, Status.DOWN, Status.DOWN,
        Status.DOWN, Status.UP, Status.UP);
    try (HealthMonitor m = monitor().register("db", check, policy(3, 2)).build().start()) {
      scheduler.runDue();
      List<Status> seen = new ArrayList<>();
      seen.add(m.snapshot().check("db").status());
      for (int i = 0; i < 7; i++) {
        scheduler.advance(INTERVAL);
        seen.add(m.snapshot().check("db").status());
      }
      // UP, DOWN(1), UP(reset), DOWN(1), DOWN(2), DOWN(3 -> flips), UP(1), UP(2 -> flips)
      assertThat(seen).containsExactly(Status.UP, Status.UP, Status.UP, Status.UP, Status.UP,
          Status.DOWN, Status.DOWN, Status.UP);
      assertThat(m.snapshot().check("db").changes()).isEqualTo(3); // UNKNOWN->UP, UP->DOWN, DOWN->UP
    }
  }

  @Test
  void sinceMovesOnlyWhenTheReportedStatusChanges() {
    try (HealthMonitor m = monitor().register("db", sequence(Status.UP, Status.UP, Status.DOWN),
        policy(1, 1)).build().start()) {
      scheduler.runDue();
      var first = m.snapshot().check("db").since();
      scheduler.advance(INTERVAL);
      assertThat(m.snapshot().check("db").since()).isEqualTo(first);
      scheduler.advance(INTERVAL);
      assertThat(m.snapshot().check("db").since()).isEqualTo(first.plus(INTERVAL.multipliedBy(2)));
    }
  }

  @Test
  void hungCheckReportsDownAtTimeoutAndNeverStartsASecondRun() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch started = new CountDownLatch(1);
    AtomicInteger calls = new AtomicInteger();
    HealthCheck stubborn = ctx -> {
      calls.incrementAndGet();
      started.countDown();
      while (true) { // ignores interrupts, like a driver blocked in a socket read
        try {
          if (release.await(10, TimeUnit.SECONDS)) {
            return CheckResult.up("finally");
          }
        } catch (InterruptedException ignored) {
          // keep waiting
        }
      }
    };
    try (HealthMonitor m = monitor().startupDeadline(Duration.ZERO).runExecutor(pool)
        .register("db", stubborn, policy(1, 1)).build().start()) {
      scheduler.runDue();
      assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();

      scheduler.advance(TIMEOUT);
      CheckState s = m.snapshot().check("db");
      assertThat(s.status()).isEqualTo(Status.DOWN);
      assertThat(s.lastResult().errorKind()).isEqualTo(ErrorKind.TIMEOUT);
      assertThat(s.lastResult().message()).isEqualTo("no answer within 2s");
      assertThat(s.lastResult().hint()).contains("not told apart").doesNotContain("security group");
      assertThat(s.timeouts()).isEqualTo(1);

      scheduler.advance(INTERVAL);
      scheduler.advance(INTERVAL);
      s = m.snapshot().check("db");
      assertThat(calls).hasValue(1); // no pile-up
      assertThat(s.runs()).isEqualTo(1);
      assertThat(s.status()).isEqualTo(Status.DOWN);
      assertThat(s.lastResult().message()).startsWith("no answer within 2s (still no answer after");

      release.countDown();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (m.snapshot().check("db").status() != Status.UP && System.nanoTime() < deadline) {
        scheduler.advance(Duration.ofMillis(100));
        Thread.sleep(10);
      }
      // The late answer of the abandoned run was discarded; a fresh run reports recovery.
      assertThat(calls.get()).isGreaterThanOrEqualTo(2);
      assertThat(m.snapshot().check("db").status()).isEqualTo(Status.UP);
    }
  }

  @Test
  void interruptibleCheckIsFreedAtTheDeadlineAndRecovers() throws Exception {
    CountDownLatch interrupted = new CountDownLatch(1);
    CountDownLatch started = new CountDownLatch(1);
    AtomicInteger calls = new AtomicInteger();
    HealthCheck check = ctx -> {
      if (calls.incrementAndGet() == 1) {
        started.countDown();
        try {
          Thread.sleep(60_000);
        } catch (InterruptedException e) {
          interrupted.countDown();
          throw e;
        }
      }
      return CheckResult.up("back");
    };
    try (HealthMonitor m = monitor().startupDeadline(Duration.ZERO).runExecutor(pool).register("db", check, policy(1, 1))
        .build().start()) {
      scheduler.runDue();
      assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
      scheduler.advance(TIMEOUT);
      assertThat(interrupted.await(5, TimeUnit.SECONDS)).isTrue();
      assertThat(m.snapshot().check("db").status()).isEqualTo(Status.DOWN);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (m.snapshot().check("db").status() != Status.UP && System.nanoTime() < deadline) {
        scheduler.advance(Duration.ofMillis(100));
        Thread.sleep(10);
      }
      assertThat(m.snapshot().check("db").status()).isEqualTo(Status.UP);
      assertThat(m.snapshot().check("db").lastResult().message()).isEqualTo("back");
    }
  }

  @Test
  void checkOwnTimeoutDescriptionIsUsed() {
    HealthCheck check = new HealthCheck() {
      @Override
      public CheckResult check(CheckContext ctx) throws InterruptedException {
        Thread.sleep(60_000);
        return CheckResult.up("never");
      }

      @Override
      public CheckResult onTimeout(Duration timeout) {
        return CheckResult.down(ErrorKind.SATURATED, "pool exhausted", "check for leaks");
      }
    };
    try (HealthMonitor m = monitor().runExecutor(pool).register("db", check, policy(1, 1))
        .build().start()) {
      scheduler.runDue();
      scheduler.advance(TIMEOUT);
      // Whether or not a thread had picked the run up, the check's own description is used.
      assertThat(m.snapshot().check("db").lastResult().errorKind()).isEqualTo(ErrorKind.SATURATED);
      assertThat(m.snapshot().check("db").lastResult().hint()).isEqualTo("check for leaks");
    }
  }

  @Test
  void exceptionBecomesDownWithItsKind() {
    HealthCheck check = ctx -> {
      throw new java.sql.SQLException("boom", new ConnectException("Connection refused"));
    };
    try (HealthMonitor m = monitor().register("db", check, policy(1, 1)).build().start()) {
      scheduler.runDue();
      CheckResult r = m.snapshot().check("db").lastResult();
      assertThat(r.status()).isEqualTo(Status.DOWN);
      assertThat(r.errorKind()).isEqualTo(ErrorKind.CONNECTION_REFUSED);
      assertThat(r.message()).contains("Connection refused");
    }
  }

  @Test
  void checkReturningNullIsUnknownNotUp() {
    try (HealthMonitor m = monitor().register("db", ctx -> null, policy(1, 1)).build().start()) {
      scheduler.runDue();
      assertThat(m.snapshot().check("db").status()).isEqualTo(Status.UNKNOWN);
    }
  }

  @Test
  void listenersHearEveryChangeAndAFailingListenerHurtsNothing() {
    List<String> heard = new ArrayList<>();
    try (HealthMonitor m = monitor()
        .listener((prev, cur) -> { throw new IllegalStateException("listener bug"); })
        .listener((prev, cur) -> heard.add(prev.status() + "->" + cur.status()))
        .register("db", sequence(Status.UP, Status.DOWN, Status.UP), policy(1, 1))
        .build().start()) {
      scheduler.runDue();
      scheduler.advance(INTERVAL);
      scheduler.advance(INTERVAL);
      scheduler.advance(INTERVAL);
      assertThat(heard).containsExactly("UNKNOWN->UP", "UP->DOWN", "DOWN->UP");
    }
  }

  @Test
  void secretValuesNeverReachTheSnapshot() {
    String password = "hunter2-very-secret";
    HealthCheck leaky = ctx -> CheckResult.down(ErrorKind.AUTHENTICATION,
        "FATAL: password " + password + " rejected for postgresql://vega:" + password + "@db:5432/vega",
        "token=abc123xyz").with("url", "jdbc:postgresql://db/vega?password=" + password, null);
    try (HealthMonitor m = monitor().secretValues(password)
        .register("db", leaky, policy(1, 1)).build().start()) {
      scheduler.runDue();
      CheckResult r = m.snapshot().check("db").lastResult();
      assertThat(r.message() + r.hint() + r.observations()).doesNotContain(password, "abc123xyz");
      assertThat(r.message()).contains("****");
    }
  }

  @Test
  void readinessFollowsCriticalChecksOnlyAndWaitsForTheFirstResult() {
    CheckPolicy critical = policy(1, 1);
    CheckPolicy optional = CheckPolicy.builder().interval(INTERVAL).timeout(TIMEOUT)
        .failureThreshold(1).successThreshold(1).build();
    try (HealthMonitor m = monitor().failOpen(false)
        .register("db", sequence(Status.UP, Status.DOWN), critical)
        .register("cache", sequence(Status.DOWN), optional)
        .build()) {
      assertThat(m.snapshot().status(HealthProbe.READINESS)).isEqualTo(Status.DOWN); // not yet checked
      m.start();
      scheduler.runDue();
      assertThat(m.snapshot().status(HealthProbe.READINESS)).isEqualTo(Status.UP);
      assertThat(m.snapshot().status()).isEqualTo(Status.DEGRADED); // optional check is down
      scheduler.advance(INTERVAL);
      assertThat(m.snapshot().status(HealthProbe.READINESS)).isEqualTo(Status.DOWN);
      assertThat(m.snapshot().status()).isEqualTo(Status.DOWN);
      assertThat(m.snapshot().status(HealthProbe.LIVENESS)).isEqualTo(Status.UP);
    }
  }

  @Test
  void livenessFailsWhenTheSchedulerStopsBeating() {
    try (HealthMonitor m = monitor().heartbeatTimeout(Duration.ofSeconds(5)).build()) {
      assertThat(m.alive()).isFalse(); // not started
      m.start();
      scheduler.advance(Duration.ofSeconds(30));
      assertThat(m.alive()).isTrue();
      scheduler.stall(Duration.ofSeconds(6)); // the scheduler thread runs nothing: no heartbeat
      assertThat(m.alive()).as("heartbeat 6 s old, timeout 5 s").isFalse();
      scheduler.runDue(); // it catches up and beats again
      assertThat(m.alive()).isTrue();
      m.close();
      assertThat(m.alive()).isFalse();
    }
  }

  @Test
  void closeStopsScheduling() {
    AtomicInteger calls = new AtomicInteger();
    HealthMonitor m = monitor().register("db", ctx -> {
      calls.incrementAndGet();
      return CheckResult.up("ok");
    }, policy(1, 1)).build().start();
    scheduler.runDue();
    m.close();
    scheduler.advance(INTERVAL.multipliedBy(5));
    assertThat(calls).hasValue(1);
  }

  @Test
  void duplicateNamesAndBadPoliciesAreRejectedByName() {
    assertThatThrownBy(() -> monitor().register("db", sequence(Status.UP), CheckPolicy.DEFAULT)
        .register("db", sequence(Status.UP), CheckPolicy.DEFAULT))
        .hasMessageContaining("'db' is already registered");
    assertThatThrownBy(() -> CheckPolicy.builder().interval(Duration.ofSeconds(1))
        .timeout(Duration.ofSeconds(5)).build())
        .hasMessageContaining("timeout").hasMessageContaining("interval");
    assertThatThrownBy(() -> CheckPolicy.builder().failureThreshold(0).build())
        .hasMessageContaining("failureThreshold");
    assertThatThrownBy(() -> CheckRegistration.of("Bad Name", sequence(Status.UP), CheckPolicy.DEFAULT))
        .hasMessageContaining("Bad Name");
  }
}
