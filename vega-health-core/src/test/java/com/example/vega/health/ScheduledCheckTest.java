package com.example.vega.health;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.vega.health.testing.ManualScheduler;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
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
    return HealthMonitor.builder().startSpread(Duration.ZERO).startupDeadline(Duration.ZERO).service(ServiceInfo.of("vega-test")).scheduler(scheduler)
        .runExecutor(pool)
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

  /**
   * A run that returned just as its monitor closed: once {@code close()} returns, the snapshot and
   * what the listeners heard agree, and stay so (the soak once heard 621 changes of a check whose
   * state counted 620).
   */
  @Test
  void onceCloseReturnsNothingMoreIsRecordedOrHeard() throws Exception {
    CountDownLatch inListener = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Map<String, AtomicInteger> heard = new ConcurrentHashMap<>();
    HealthMonitor m = HealthMonitor.builder().startSpread(Duration.ZERO).service(ServiceInfo.of("vega-test")).scheduler(scheduler)
        .runExecutor(pool)
        .register("a", ctx -> CheckResult.up("a"), CheckPolicy.builder().interval(INTERVAL).timeout(TIMEOUT).build())
        .register("b", ctx -> CheckResult.up("b"), CheckPolicy.builder().interval(INTERVAL).timeout(TIMEOUT).build())
        .build();
    m.addListener(new StatusListener() {
      @Override
      public void onChange(CheckState previous, CheckState current) {}

      @Override
      public void onResult(CheckState s) {
        heard.computeIfAbsent(s.name(), k -> new AtomicInteger()).incrementAndGet();
        if (s.name().equals("a")) {
          inListener.countDown();
          try {
            release.await(10, TimeUnit.SECONDS); // a's record holds the monitor's state
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
      }
    });
    m.start();
    scheduler.runDue();
    assertThat(queued).hasSize(2);
    Thread a = new Thread(queued.poll());
    Thread b = new Thread(queued.poll());
    a.start();
    assertThat(inListener.await(10, TimeUnit.SECONDS)).isTrue();
    b.start(); // b's run returned before close and now waits to record
    awaitState(b, Thread.State.BLOCKED);
    AtomicReference<HealthSnapshot> atClose = new AtomicReference<>();
    AtomicReference<Integer> heardAtClose = new AtomicReference<>();
    Thread closer = new Thread(() -> {
      m.close();
      atClose.set(m.snapshot());
      heardAtClose.set(heard.getOrDefault("b", new AtomicInteger()).get());
    });
    closer.start();
    awaitState(closer, Thread.State.BLOCKED, Thread.State.TERMINATED);
    release.countDown();
    for (Thread t : new Thread[] {a, b, closer}) {
      t.join(10_000);
      assertThat(t.isAlive()).isFalse();
    }
    int recordedAtClose = atClose.get().check("b").lastResult() == null ? 0 : 1;
    assertThat(heardAtClose.get()).as("b's results heard when close() returned").isEqualTo(recordedAtClose);
    assertThat(heard.getOrDefault("b", new AtomicInteger()).get()).as("b's results heard in the end")
        .isEqualTo(recordedAtClose);
    assertThat(m.snapshot().sequence()).isEqualTo(atClose.get().sequence());
  }

  private static void awaitState(Thread t, Thread.State... states) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!java.util.Arrays.asList(states).contains(t.getState())) {
      assertThat(System.nanoTime()).as(t + " never reached " + java.util.Arrays.toString(states)).isLessThan(end);
      Thread.sleep(1);
    }
  }
}
