package com.example.vega.health;

/**
 * Where the monitor's time and delayed tasks come from: a service-provider interface for
 * {@link HealthMonitor.Builder#scheduler}. By default the monitor uses one daemon thread of its own
 * and the system's clock; tests pass a manual scheduler, whose clock moves only when the test
 * advances it, so that intervals, thresholds, timeouts and timestamps are tested without sleeping.
 * Tasks given to {@link #schedule} are short: check runs execute elsewhere.
 */
public interface Scheduler extends AutoCloseable {

  /**
   * The monitor's one clock: wall time for timestamps, monotonic time for durations and for the
   * delays given to {@link #schedule}, which must run on it.
   */
  HealthClock clock();

  /** Runs the task once after the delay, in nanoseconds of {@link HealthClock#nanoTime()}. */
  Cancellable schedule(Runnable task, long delayNanos);

  /** Whether the scheduling thread is alive and took its last task in time. */
  default boolean healthy() {
    return true;
  }

  @Override
  void close();

  /** A scheduled task that can be cancelled. */
  @FunctionalInterface
  interface Cancellable {
    void cancel();
  }
}
