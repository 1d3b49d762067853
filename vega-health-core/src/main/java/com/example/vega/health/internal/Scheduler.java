package com.example.vega.health.internal;

/**
 * Time and delayed execution for the monitor. Production uses {@link ExecutorScheduler}; tests use
 * a manual one, so intervals, thresholds and timeouts are tested without sleeping.
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
