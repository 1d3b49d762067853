package com.example.vega.health;

import com.example.vega.health.failure.Failures;
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
  private final Executor executor;
  private final MonitorState state;
  private final BooleanSupplier closed;
  private @Nullable Run inFlight; // guarded by this: started, and its thread has not returned
  private @Nullable CheckResult lastTimeout; // guarded by this
  private long runs; // guarded by this
  private long timeouts; // guarded by this
  private volatile Scheduler.@Nullable Cancellable next;

  ScheduledCheck(int index, CheckRegistration reg, Scheduler scheduler, Executor executor, MonitorState state,
      BooleanSupplier closed) {
    this.index = index;
    this.reg = reg;
    this.scheduler = scheduler;
    this.executor = executor;
    this.state = state;
    this.closed = closed;
  }

  /** Schedules the first run {@code delayNanos} from now; each run schedules the next. */
  void start(long delayNanos) {
    next = scheduler.schedule(this::tick, delayNanos);
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

  private void tick() {
    if (closed.getAsBoolean()) {
      return;
    }
    next = scheduler.schedule(this::tick, reg.policy().interval().toNanos());
    Run run;
    Run stuck;
    synchronized (this) {
      stuck = inFlight;
      if (stuck == null) {
        run = new Run(scheduler.nanoTime());
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
    Scheduler.Cancellable deadline = scheduler.schedule(() -> onDeadline(run), reg.policy().timeout().toNanos());
    run.deadline = deadline;
    try {
      executor.execute(run.task);
    } catch (RejectedExecutionException e) {
      deadline.cancel();
      if (run.state.compareAndSet(RunState.QUEUED, RunState.DONE)) {
        if (!closed.getAsBoolean()) {
          record(CheckResult.unknown("the check could not be started: " + e.getMessage(),
              "the health monitor's thread pool refused the run; see this service's log"), Duration.ZERO);
        }
        returned(run);
      }
    }
  }

  /** Still stuck after being abandoned: the last timeout again, with how long; nothing new starts. */
  private void reportStillStuck(Run stuck) {
    Duration stuckFor = Duration.ofNanos(scheduler.nanoTime() - stuck.startNanos).truncatedTo(ChronoUnit.SECONDS);
    CheckResult last;
    synchronized (this) {
      last = lastTimeout != null ? lastTimeout : genericTimeout();
    }
    record(last.withText(last.message() + " (still no answer after " + seconds(stuckFor) + ")",
        last.hint(), last.observations()), reg.policy().timeout());
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
          new CheckContext(reg.policy().timeout(), run.startNanos, scheduler::nanoTime, state.clock()));
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
      record(result, Duration.ofNanos(scheduler.nanoTime() - run.startNanos));
    }
    returned(run);
  }

  private void onDeadline(Run run) {
    RunState was = run.state.get();
    if (was != RunState.QUEUED && was != RunState.RUNNING || closed.getAsBoolean()
        || !run.state.compareAndSet(was, RunState.ABANDONED)) {
      return; // finished in time, or the monitor is closing
    }
    CheckResult described = describeTimeout();
    synchronized (this) {
      timeouts++;
      lastTimeout = described;
    }
    record(described, reg.policy().timeout());
    run.task.cancel(true);
    if (was == RunState.QUEUED) {
      returned(run); // no thread ran it, and none will
    }
  }

  private CheckResult describeTimeout() {
    try {
      CheckResult r = reg.check().onTimeout(reg.policy().timeout());
      return r != null ? r : genericTimeout();
    } catch (RuntimeException e) {
      return genericTimeout();
    }
  }

  private CheckResult genericTimeout() {
    return CheckResult.down(ErrorKind.TIMEOUT,
        "no answer within " + seconds(reg.policy().timeout()),
        "the dependency did not answer in time: check that it is up and that this task's "
            + "security group and routes reach it");
  }

  private void returned(Run run) {
    synchronized (this) {
      if (inFlight == run) {
        inFlight = null;
      }
    }
  }

  /** Never called holding this check's lock: listeners run inside, and may close the monitor. */
  private void record(CheckResult r, Duration took) {
    long rs;
    long ts;
    synchronized (this) {
      rs = runs;
      ts = timeouts;
    }
    state.record(index, r, took, rs, ts);
  }

  private static String seconds(Duration d) {
    long ms = d.toMillis();
    return ms % 1000 == 0 ? (ms / 1000) + "s" : ms + "ms";
  }

  /** One run of the check. */
  private final class Run {
    final long startNanos;
    final FutureTask<Void> task;
    final AtomicReference<RunState> state = new AtomicReference<>(RunState.QUEUED);
    volatile Scheduler.@Nullable Cancellable deadline;

    Run(long startNanos) {
      this.startNanos = startNanos;
      this.task = new FutureTask<>(() -> execute(this), null);
    }
  }
}
