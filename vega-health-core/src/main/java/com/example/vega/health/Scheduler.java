package com.example.vega.health;

/**
 * Where the monitor's time and delayed tasks come from: a service-provider interface for
 * {@link HealthMonitor.Builder#scheduler}. By default the monitor uses one daemon thread of its own;
 * tests pass a manual scheduler, so that intervals, thresholds and timeouts are tested without
 * sleeping. Tasks given to {@link #schedule} are short: check runs execute elsewhere.
 */
public interface Scheduler extends AutoCloseable {

  /** Monotonic time in nanoseconds. */
  long nanoTime();

  /** Runs the task once after the delay. */
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
