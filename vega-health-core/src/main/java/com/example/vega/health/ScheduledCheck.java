package com.example.vega.health;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.Executor;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;

/**
 * One check on its schedule: at most one run in flight; a run not finished by its timeout is
 * abandoned (interrupted, counted, reported) and no new run starts until its thread has returned,
 * so a hung dependency never piles up threads. Results go to the {@link MonitorState}.
 */
final class ScheduledCheck {
  /** Where one run is. Every transition is a compare-and-set, so exactly one outcome is recorded. */
  enum RunState {
    /** Handed to the executor, not started yet. */
    QUEUED,
    /** Running on a check thread. */
    RUNNING,
    /** Finished before its deadline; its result was recorded. */
    DONE,
    /** Its deadline passed first; the timeout was recorded, and whatever it returns is dropped. */
    ABANDONED
  }

  private final int index;
  private final CheckRegistration reg;
  private final Scheduler scheduler;
  private final HealthClock clock; // the scheduler's: durations, deadlines and timestamps from one clock
  private final Executor executor;
  private final MonitorState state;
  private final BooleanSupplier closed;
  private @Nullable Run inFlight; // guarded by this: started, and its thread has not returned
  private @Nullable CheckResult lastTimeout; // guarded by this
  private long runs; // guarded by this
  private long timeouts; // guarded by this
  private volatile Scheduler.@Nullable Cancellable next;
  private long anchorNanos; // guarded by this: the phase point all runs after the first fall on
  private long nextDue; // guarded by this
  private int backedOffResults; // guarded by this: throttled or 5xx results in a row
  private long startupEndNanos; // guarded by this: until then a first timeout is retried, not a fault
  private boolean answered; // guarded by this: a result other than a timeout was recorded
  private int warmingTimeouts; // guarded by this: timeouts of runs before the first answer, at start
  private boolean retryWhenReturned; // guarded by this: a warming run timed out; retry once it returns

  ScheduledCheck(int index, CheckRegistration reg, Scheduler scheduler, Executor executor, MonitorState state,
      BooleanSupplier closed) {
    this.index = index;
    this.reg = reg;
    this.scheduler = scheduler;
    this.clock = scheduler.clock();
    this.executor = executor;
    this.state = state;
    this.closed = closed;
  }

  /**
   * Schedules the first run on the check's phase within the start spread, and every later run on
   * its phase point one interval (or, backing off, several) after the one before.
   */
  void start(long startNanos, Spread spread, Duration startupDeadline) {
    Duration interval = reg.policy().interval();
    double phase = spread.phase(reg.name());
    synchronized (this) {
      startupEndNanos = startNanos + startupDeadline.toNanos();
      anchorNanos = startNanos + Spread.anchorOffsetNanos(phase, interval);
      scheduleAt(startNanos + spread.firstDelayNanos(phase, interval));
    }
    if (!startupDeadline.isZero()) {
      scheduler.schedule(this::startupEnded, startupDeadline.toNanos());
    }
  }

  /**
   * The startup deadline passed: a check whose only runs timed out and whose last run is still
   * stuck is reported DOWN now, with its timeout's hint, rather than at its next tick.
   */
  private void startupEnded() {
    Run stuck;
    synchronized (this) {
      stuck = !answered && warmingTimeouts > 0 ? inFlight : null;
    }
    if (stuck != null && stuck.state.get() == RunState.ABANDONED && !closed.getAsBoolean()) {
      reportStillStuck(stuck);
    }
  }

  /** Guarded by this: the next tick, at {@code due}; a tick not due any more does nothing. */
  private void scheduleAt(long due) {
    nextDue = due;
    next = scheduler.schedule(() -> tick(due), due - clock.nanoTime());
  }

  /** Guarded by this: the first of the check's phase points at or after {@code t}. */
  private long phasePoint(long t) {
    long i = reg.policy().interval().toNanos();
    return anchorNanos + Math.floorDiv(t - anchorNanos + i - 1, i) * i;
  }

  /** Stops scheduling and interrupts a run in flight. */
  void cancel() {
    Scheduler.Cancellable n = next;
    if (n != null) {
      n.cancel();
    }
    Run r;
    synchronized (this) {
      r = inFlight;
    }
    if (r != null) {
      r.task.cancel(true);
    }
  }

  private void tick(long due) {
    if (closed.getAsBoolean()) {
      return;
    }
    Run run;
    Run stuck;
    synchronized (this) {
      if (due != nextDue) {
        return; // rescheduled by a backoff after this tick was planned
      }
      long now = clock.nanoTime();
      // A late tick (a paused process) skips the phase points it missed rather than catching up.
      scheduleAt(phasePoint(Math.max(due + reg.policy().interval().toNanos(), now)));
      stuck = inFlight;
      if (stuck == null) {
        run = new Run(now, due, nextDue, runTimeoutNanos(now));
        inFlight = run;
        runs++;
      } else {
        run = null;
      }
    }
    if (run == null) {
      if (stuck != null && stuck.state.get() == RunState.ABANDONED) { // stuck is set whenever run is not
        reportStillStuck(stuck);
      }
      return; // never a second run beside one that has not returned
    }
    Scheduler.Cancellable deadline = scheduler.schedule(() -> onDeadline(run), run.timeoutNanos);
    run.deadline = deadline;
    try {
      executor.execute(run.task);
    } catch (RejectedExecutionException e) {
      deadline.cancel();
      if (run.state.compareAndSet(RunState.QUEUED, RunState.DONE)) {
        if (!closed.getAsBoolean()) {
          record(run, CheckResult.unknown("the check could not be started: " + e.getMessage(),
              "the health monitor's thread pool refused the run; see this service's log"), Duration.ZERO);
        }
        returned(run);
      }
    }
  }

  /**
   * Guarded by this. The run's timeout: the policy's, except while the service starts and every
   * run so far timed out, when each retry gets twice the time of the one before (a cold JVM's first
   * SDK call loads classes, resolves credentials and opens connections), never past the end of the
   * startup deadline (but never below the policy's timeout). It may exceed the interval: the ticks
   * that fall within a run in flight start nothing.
   */
  private long runTimeoutNanos(long now) {
    long t = reg.policy().timeout().toNanos();
    if (answered || warmingTimeouts == 0 || now >= startupEndNanos) {
      return t;
    }
    long grown = t << Math.min(warmingTimeouts, 16);
    return Math.max(t, Math.min(grown, startupEndNanos - now));
  }

  /** Still stuck after being abandoned: the last timeout again, with how long; nothing new starts. */
  private void reportStillStuck(Run stuck) {
    Duration stuckFor = Duration.ofNanos(clock.nanoTime() - stuck.startNanos).truncatedTo(ChronoUnit.SECONDS);
    CheckResult last;
    synchronized (this) {
      last = lastTimeout != null ? lastTimeout : TimeoutResults.generic(reg.policy().timeout());
    }
    record(null, TimeoutResults.stillStuck(last, stuckFor), Duration.ofNanos(stuck.timeoutNanos));
  }

  private void execute(Run run) {
    if (!run.state.compareAndSet(RunState.QUEUED, RunState.RUNNING)) {
      return; // abandoned before a thread picked it up
    }
    Thread t = Thread.currentThread();
    String oldName = t.getName();
    t.setName("vega-health-check-" + reg.name());
    CheckResult result;
    try {
      CheckResult r = reg.check().check(
          new CheckContext(Duration.ofNanos(run.timeoutNanos), run.startNanos, clock));
      result = r != null ? r : CheckResult.unknown("the check returned no result", "this is a bug in the check");
    } catch (InterruptedException e) {
      result = CheckResult.unknown("the check was interrupted", "");
    } catch (VirtualMachineError e) {
      if (!(e instanceof StackOverflowError)) {
        complete(run, Failures.of(e));
        throw e;
      }
      result = Failures.of(e);
    } catch (Throwable e) {
      result = Failures.of(e);
    } finally {
      t.setName(oldName);
      Thread.interrupted(); // never hand an interrupted thread back to the pool
    }
    complete(run, result);
  }

  /** The run's thread returned: record its result unless the deadline already reported it. */
  private void complete(Run run, CheckResult result) {
    boolean inTime = run.state.compareAndSet(RunState.RUNNING, RunState.DONE);
    if (inTime) {
      Scheduler.Cancellable d = run.deadline;
      if (d != null) {
        d.cancel();
      }
    }
    // Recorded before the run counts as returned, so that the next run's result cannot overtake it.
    if (inTime && !closed.getAsBoolean()) {
      record(run, result, Duration.ofNanos(clock.nanoTime() - run.startNanos));
    }
    returned(run);
  }

  private void onDeadline(Run run) {
    RunState was = run.state.get();
    if (was != RunState.QUEUED && was != RunState.RUNNING || closed.getAsBoolean()
        || !run.state.compareAndSet(was, RunState.ABANDONED)) {
      return; // finished in time, or the monitor is closing
    }
    Duration timeout = Duration.ofNanos(run.timeoutNanos);
    CheckResult described = TimeoutResults.described(reg.check(), timeout);
    synchronized (this) {
      timeouts++;
      lastTimeout = described;
    }
    record(run, described, timeout);
    run.task.cancel(true);
    if (was == RunState.QUEUED) {
      returned(run); // no thread ran it, and none will
    }
  }

  /**
   * The run's thread returned. A run that timed out while the service starts is retried now (or
   * at the end of its own timeout, for one that gave up early), not an interval later.
   */
  private void returned(Run run) {
    synchronized (this) {
      if (inFlight == run) {
        inFlight = null;
      }
      if (retryWhenReturned && inFlight == null && !closed.getAsBoolean()) {
        retryWhenReturned = false;
        Scheduler.Cancellable n = next;
        if (n != null) {
          n.cancel();
        }
        scheduleAt(Math.max(clock.nanoTime(), run.startNanos + run.timeoutNanos));
      }
    }
  }

  /**
   * Records the result of {@code run} (null: a repeat of a stuck run's timeout). A throttled or 5xx
   * result pushes the next run back to {@code interval * 2^k} after this one (k such results in a
   * row, capped by the policy's maxBackoff), unless that run has started already; any other result
   * ends the backoff. Never called holding this check's lock: listeners run inside, and may close
   * the monitor.
   */
  private void record(@Nullable Run run, CheckResult r, Duration took) {
    long rs;
    long ts;
    long backoff;
    long untilNext;
    boolean warming;
    synchronized (this) {
      rs = runs;
      ts = timeouts;
      warming = !answered && r.errorKind().timeout() && clock.nanoTime() < startupEndNanos;
      if (!r.errorKind().timeout()) {
        answered = true;
      } else if (warming && run != null) {
        warmingTimeouts++;
        retryWhenReturned = true;
      }
      boolean backOff = r.errorKind() == ErrorKind.THROTTLED || r.errorKind() == ErrorKind.SERVER_ERROR;
      backedOffResults = backOff ? backedOffResults + 1 : 0;
      backoff = reg.policy().backoffFactor(backedOffResults);
      if (run != null && backoff > 1 && nextDue == run.plannedNext && !closed.getAsBoolean()) {
        Scheduler.Cancellable n = next;
        if (n != null) {
          n.cancel();
        }
        long i = reg.policy().interval().toNanos();
        scheduleAt(phasePoint(Math.max(run.due + backoff * i, clock.nanoTime())));
      }
      untilNext = Math.max(0, nextDue - clock.nanoTime());
    }
    CheckResult reported = warming ? TimeoutResults.starting(r, startupLeft()) : r;
    state.record(index, reported, took, rs, ts, new MonitorState.Next(backoff, untilNext), warming);
  }

  /** What is left of the startup deadline. */
  private synchronized Duration startupLeft() {
    return Duration.ofNanos(Math.max(0, startupEndNanos - clock.nanoTime()));
  }

  /** One run of the check. */
  private final class Run {
    final long startNanos;
    final long due;
    final long plannedNext;
    final long timeoutNanos;
    final FutureTask<Void> task;
    final AtomicReference<RunState> state = new AtomicReference<>(RunState.QUEUED);
    volatile Scheduler.@Nullable Cancellable deadline;

    /** Started at {@code startNanos} for the tick due at {@code due}, which planned the next at {@code plannedNext}. */
    Run(long startNanos, long due, long plannedNext, long timeoutNanos) {
      this.startNanos = startNanos;
      this.due = due;
      this.plannedNext = plannedNext;
      this.timeoutNanos = timeoutNanos;
      this.task = new FutureTask<>(() -> execute(this), null);
    }
  }
}
