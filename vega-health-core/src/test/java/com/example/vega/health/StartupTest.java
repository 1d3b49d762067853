package com.example.vega.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.example.vega.health.testing.ManualScheduler;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Cold start judged on evidence: a first run that timed out is retried with more time until the
 * startup deadline, reported UNKNOWN meanwhile (never DOWN with a network hint); a failure that is
 * evidence by its kind stops {@link HealthMonitor#awaitReady} at once.
 */
class StartupTest {
  private static final Duration INTERVAL = Duration.ofSeconds(15);
  private static final Duration TIMEOUT = Duration.ofSeconds(1);
  private static final Duration DEADLINE = Duration.ofSeconds(30);
  private final ManualScheduler scheduler = new ManualScheduler();
  private final ExecutorService pool = Executors.newCachedThreadPool();

  @AfterEach
  void stop() {
    pool.shutdownNow();
  }

  private HealthMonitor.Builder monitor() {
    return HealthMonitor.builder().startSpread(Duration.ZERO).startupDeadline(DEADLINE)
        .service(ServiceInfo.of("vega-test")).scheduler(scheduler);
  }

  private static CheckPolicy critical() {
    return CheckPolicy.builder().interval(INTERVAL).timeout(TIMEOUT).failureThreshold(2).successThreshold(2)
        .critical(true).build();
  }

  /** Advances the manual time in small steps until {@code done} or 10 s of real time. */
  private void advanceUntil(java.util.function.BooleanSupplier done, Duration step) throws InterruptedException {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!done.getAsBoolean() && System.nanoTime() < until) {
      scheduler.advance(step);
      Thread.sleep(5);
    }
  }

  /**
   * Waits up to 10 s for {@code latch}, deaf to interrupts as an SDK call blocked in a socket read
   * is. An interruptible wait would return when the deadline abandons the run, and the retry could
   * then run (and answer UP) inside the same {@code advance}, before the test looks at the
   * abandoned run's UNKNOWN.
   */
  private static void awaitDeafToInterrupts(CountDownLatch latch) {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (latch.getCount() > 0 && System.nanoTime() < until) {
      try {
        latch.await(until - System.nanoTime(), TimeUnit.NANOSECONDS);
      } catch (InterruptedException ignored) {
        // not heard, like a read on a socket
      }
    }
  }

  @Test
  void aColdFirstCallThatTimesOutIsRetriedWithMoreTimeAndNeverReportedDown() throws Exception {
    CountDownLatch firstCallHeld = new CountDownLatch(1);
    CountDownLatch releaseFirst = new CountDownLatch(1);
    List<Duration> timeouts = new CopyOnWriteArrayList<>();
    AtomicInteger calls = new AtomicInteger();
    HealthCheck cold = ctx -> {
      timeouts.add(ctx.timeout());
      if (calls.incrementAndGet() == 1) { // the first SDK call of a cold JVM: far slower than the timeout
        firstCallHeld.countDown();
        awaitDeafToInterrupts(releaseFirst); // blocked in a socket read, it stays stuck when abandoned
        throw new java.net.SocketTimeoutException("Read timed out");
      }
      return CheckResult.up("bucket answered");
    };
    List<Status> heard = new CopyOnWriteArrayList<>();
    try (HealthMonitor m = monitor().runExecutor(pool).register("s3", cold, critical())
        .listener(new StatusListener() {
          @Override
          public void onChange(CheckState before, CheckState after) {
            heard.add(after.status());
          }
        }).build().start()) {
      scheduler.runDue();
      assertThat(firstCallHeld.await(5, TimeUnit.SECONDS)).isTrue();
      scheduler.advance(TIMEOUT); // abandoned at its deadline
      CheckState s = m.snapshot().check("s3");
      assertThat(s.status()).isEqualTo(Status.UNKNOWN);
      assertThat(s.lastResult().message()).startsWith("starting: no answer within 1s");
      assertThat(s.lastResult().hint()).doesNotContain("security group").contains("VEGA_HEALTH_STARTUP_DEADLINE");
      assertThat(m.snapshot().status(HealthProbe.READINESS)).isEqualTo(Status.DOWN); // a new task gets no traffic yet

      releaseFirst.countDown(); // the stuck call returns: the retry starts now, not an interval later
      advanceUntil(() -> m.snapshot().check("s3").status() == Status.UP, Duration.ofMillis(100));
      s = m.snapshot().check("s3");
      assertThat(s.status()).as("the first real answer is taken at once").isEqualTo(Status.UP);
      assertThat(timeouts).containsExactly(TIMEOUT, TIMEOUT.multipliedBy(2));
      assertThat(heard).containsExactly(Status.UP).doesNotContain(Status.DOWN);
      assertThat(m.awaitReady()).isEmpty();
    }
  }

  @Test
  void aTimeoutThatPersistsToTheDeadlineIsDownWithTheTimeoutHint() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    HealthCheck silent = ctx -> {
      calls.incrementAndGet();
      return CheckResult.down(ErrorKind.TIMEOUT, "no answer from S3 calling HeadBucket in time", "the S3 hint");
    };
    try (HealthMonitor m = monitor().runExecutor(Runnable::run).register("s3", silent, critical()).build().start()) {
      Future<Optional<HealthMonitor.StartupFailure>> waited = pool.submit(() -> m.awaitReady());
      scheduler.runDue();
      scheduler.advance(Duration.ofSeconds(29));
      assertThat(m.snapshot().check("s3").status()).isEqualTo(Status.UNKNOWN);
      assertThat(waited).isNotDone();
      int retries = calls.get();
      assertThat(retries).as("1 s, 2 s, 4 s, 8 s, then the rest of 30 s").isBetween(4, 6);

      advanceUntil(waited::isDone, Duration.ofMillis(500));
      CheckState s = m.snapshot().check("s3");
      assertThat(s.status()).isEqualTo(Status.DOWN);
      assertThat(s.lastResult().hint()).isEqualTo("the S3 hint");
      HealthMonitor.StartupFailure f = waited.get(5, TimeUnit.SECONDS).orElseThrow();
      assertThat(f.check()).isEqualTo("s3");
      assertThat(f.kind()).isEqualTo(ErrorKind.TIMEOUT);
      assertThat(f.line()).isEqualTo("check s3 DOWN: no answer from S3 calling HeadBucket in time (next: the S3 hint)");
    }
  }

  @Test
  void aRunStuckPastTheDeadlineIsReportedDownAtTheDeadline() throws Exception {
    CountDownLatch never = new CountDownLatch(1);
    CountDownLatch started = new CountDownLatch(1);
    HealthCheck hung = ctx -> {
      started.countDown();
      while (true) {
        try {
          never.await();
        } catch (InterruptedException ignored) {
          // a driver blocked in a socket read does not hear interrupts
        }
      }
    };
    try (HealthMonitor m = monitor().runExecutor(pool).register("db", hung, critical()).build().start()) {
      scheduler.runDue();
      assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
      scheduler.advance(Duration.ofSeconds(29));
      assertThat(m.snapshot().check("db").status()).isEqualTo(Status.UNKNOWN);
      scheduler.advance(Duration.ofSeconds(1));
      CheckState s = m.snapshot().check("db");
      assertThat(s.status()).isEqualTo(Status.DOWN);
      assertThat(s.lastResult().errorKind()).isEqualTo(ErrorKind.TIMEOUT);
      assertThat(s.runs()).isEqualTo(1);
    } finally {
      never.countDown();
    }
  }

  @Test
  void aFailureThatIsEvidenceByItsKindStopsTheWaitAtOnce() throws Exception {
    HealthCheck missing = ctx -> CheckResult.down(ErrorKind.NOT_FOUND, "bucket vega-dev-artifacts does not exist",
        "create it or fix VEGA_S3_ARTIFACTS_BUCKET");
    try (HealthMonitor m = monitor().runExecutor(Runnable::run).register("s3", missing, critical()).build().start()) {
      scheduler.runDue();
      // No time passes: the answer is evidence enough.
      HealthMonitor.StartupFailure f = m.awaitReady().orElseThrow();
      assertThat(f.kind()).isEqualTo(ErrorKind.NOT_FOUND);
      assertThat(f.hint()).isEqualTo("create it or fix VEGA_S3_ARTIFACTS_BUCKET");
      assertThat(m.snapshot().check("s3").status()).isEqualTo(Status.DOWN);
    }
  }

  @Test
  void theFirstFailureInRegistrationOrderIsReportedOnceTheChecksBeforeItAnswered() throws Exception {
    CountDownLatch databaseAnswers = new CountDownLatch(1);
    HealthCheck refused = ctx -> {
      databaseAnswers.await(10, TimeUnit.SECONDS); // the runbook's first hop answers last
      return CheckResult.down(ErrorKind.CONNECTION_REFUSED, "refused", "check the database");
    };
    HealthCheck missing = ctx -> CheckResult.down(ErrorKind.MISCONFIGURED, "token missing", "pass the token");
    try (HealthMonitor m = monitor().runExecutor(pool).register("postgres", refused, critical())
        .register("llm-proxy", missing, critical()).build().start()) {
      Future<Optional<HealthMonitor.StartupFailure>> waited = pool.submit(() -> m.awaitReady());
      scheduler.runDue();
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (m.snapshot().check("llm-proxy").lastResult() == null && System.nanoTime() < until) {
        Thread.sleep(5);
      }
      Thread.sleep(200); // awaitReady looks every 50 ms at most: it has seen llm-proxy's failure
      assertThat(waited).as("postgres, before it in order, has not answered yet").isNotDone();
      databaseAnswers.countDown();
      assertThat(waited.get(5, TimeUnit.SECONDS)).get().extracting(HealthMonitor.StartupFailure::check)
          .isEqualTo("postgres");
    }
  }

  @Test
  void aToleratedFailureDoesNotStopTheStart() throws Exception {
    HealthCheck migration = ctx -> CheckResult.down(ErrorKind.MIGRATION_MISSING, "004 not applied", "run it");
    try (HealthMonitor m = monitor().runExecutor(Runnable::run).register("db", migration, critical()).build().start()) {
      scheduler.runDue();
      assertThat(m.awaitReady(r -> r.errorKind() == ErrorKind.MIGRATION_MISSING)).isEmpty();
    }
  }

  @Test
  void aTimeoutAfterAnAnswerIsEvidenceEvenDuringTheStartup() {
    java.util.Deque<CheckResult> answers = new java.util.ArrayDeque<>(List.of(CheckResult.up("fine"),
        CheckResult.down(ErrorKind.TIMEOUT, "no answer", "hint")));
    HealthCheck check = ctx -> answers.size() > 1 ? answers.poll() : answers.peek();
    CheckPolicy once = CheckPolicy.builder().interval(Duration.ofSeconds(5)).timeout(TIMEOUT).failureThreshold(1)
        .successThreshold(1).critical(true).build();
    try (HealthMonitor m = monitor().runExecutor(Runnable::run).register("db", check, once).build().start()) {
      scheduler.runDue();
      scheduler.advance(Duration.ofSeconds(5));
      assertThat(m.snapshot().check("db").status()).isEqualTo(Status.DOWN);
    }
  }

  @Test
  void aZeroDeadlineReportsTheFirstTimeoutAsItHappens() {
    HealthCheck silent = ctx -> CheckResult.down(ErrorKind.TIMEOUT, "no answer", "hint");
    try (HealthMonitor m = monitor().startupDeadline(Duration.ZERO).runExecutor(Runnable::run)
        .register("db", silent, critical()).build().start()) {
      scheduler.runDue();
      assertThat(m.snapshot().check("db").status()).isEqualTo(Status.DOWN);
    }
  }

  @Test
  void waitingBeforeStartIsRefusedAndTheDeadlineIsValidated() {
    try (HealthMonitor m = monitor().build()) {
      assertThatThrownBy(m::awaitReady).isInstanceOf(IllegalStateException.class).hasMessageContaining("start");
    }
    assertThatThrownBy(() -> monitor().startupDeadline(Duration.ofSeconds(-1)))
        .hasMessageContaining("startupDeadline");
    assertThatThrownBy(() -> monitor().settings(k -> k.equals("VEGA_HEALTH_STARTUP_DEADLINE") ? "soon" : null))
        .hasMessageContaining("VEGA_HEALTH_STARTUP_DEADLINE");
  }

  @Test
  void theDeadlineIsReadFromItsSetting() {
    HealthCheck silent = ctx -> CheckResult.down(ErrorKind.TIMEOUT, "no answer", "hint");
    try (HealthMonitor m = monitor().settings(k -> k.equals("VEGA_HEALTH_STARTUP_DEADLINE") ? "0" : null)
        .runExecutor(Runnable::run).register("db", silent, critical()).build().start()) {
      scheduler.runDue();
      assertThat(m.snapshot().check("db").status()).isEqualTo(Status.DOWN);
    }
  }
}
