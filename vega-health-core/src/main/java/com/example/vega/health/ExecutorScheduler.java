package com.example.vega.health;

import com.example.vega.health.internal.DaemonThreads;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The monitor's default {@link Scheduler}: one daemon thread. Tasks must be short: runs happen
 * elsewhere. Not API: may change without notice.
 */
final class ExecutorScheduler implements Scheduler {
  private final ScheduledThreadPoolExecutor executor;

  public ExecutorScheduler(String threadName) {
    executor = new ScheduledThreadPoolExecutor(1, DaemonThreads.named(threadName));
    executor.setRemoveOnCancelPolicy(true);
    executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
  }

  @Override
  public HealthClock clock() {
    return HealthClock.system();
  }

  @Override
  public Cancellable schedule(Runnable task, long delayNanos) {
    if (executor.isShutdown()) {
      return () -> {};
    }
    ScheduledFuture<?> f = executor.schedule(task, Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
    return () -> f.cancel(false);
  }

  @Override
  public boolean healthy() {
    return !executor.isShutdown();
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
