package com.example.vega.health;

import com.example.vega.health.internal.DaemonThreads;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Runs every {@link ScheduledCheck} on one {@link Scheduler} and keeps the heartbeat that liveness
 * reads. The scheduler thread only starts runs; runs execute on the run executor.
 */
final class CheckScheduler {
  private static final Duration HEARTBEAT = Duration.ofSeconds(1);

  private final Scheduler scheduler;
  private final boolean ownsScheduler;
  private final @Nullable ExecutorService ownedExecutor;
  private final Duration heartbeatTimeout;
  private final List<ScheduledCheck> checks;
  private final Spread spread;
  private final Duration startupDeadline;
  private volatile long startNanos;
  private volatile long lastHeartbeatNanos;
  private volatile boolean closed;

  CheckScheduler(@Nullable Scheduler given, @Nullable Executor runExecutor, Duration heartbeatTimeout,
      Spread spread, Duration startupDeadline, MonitorState state, List<CheckRegistration> registrations) {
    this.spread = spread;
    this.startupDeadline = startupDeadline;
    this.ownsScheduler = given == null;
    this.scheduler = given != null ? given : new ExecutorScheduler("vega-health-scheduler");
    Executor executor;
    if (runExecutor != null) {
      executor = runExecutor;
      this.ownedExecutor = null;
    } else {
      // One thread per check at most (one run in flight per check); idle threads go away.
      ThreadPoolExecutor pool = new ThreadPoolExecutor(0, Math.max(1, registrations.size()), 30, TimeUnit.SECONDS,
          new SynchronousQueue<>(), DaemonThreads.named("vega-health-check"));
      executor = pool;
      this.ownedExecutor = pool;
    }
    this.heartbeatTimeout = heartbeatTimeout;
    List<ScheduledCheck> cs = new ArrayList<>();
    for (int i = 0; i < registrations.size(); i++) {
      cs.add(new ScheduledCheck(i, registrations.get(i), scheduler, executor, state, () -> closed));
    }
    this.checks = List.copyOf(cs);
    this.lastHeartbeatNanos = scheduler.nanoTime();
  }

  /** The shortest heartbeat timeout liveness accepts: two missed beats. */
  static Duration minHeartbeatTimeout() {
    return HEARTBEAT.multipliedBy(2);
  }

  /** Starts every check within the start spread, then each on its phase every interval ({@link Spread}). */
  void start() {
    heartbeat();
    long now = scheduler.nanoTime();
    startNanos = now;
    for (ScheduledCheck c : checks) {
      c.start(now, spread, startupDeadline);
    }
  }

  /** The scheduler's time now, in nanoseconds. */
  long nanoTime() {
    return scheduler.nanoTime();
  }

  /** When the startup deadline ends on the scheduler's time (valid once started). */
  long startupEndNanos() {
    return startNanos + startupDeadline.toNanos();
  }

  /** The scheduler thread is alive and took its last heartbeat within the timeout. */
  boolean healthy() {
    return !closed && scheduler.healthy()
        && scheduler.nanoTime() - lastHeartbeatNanos < heartbeatTimeout.toNanos();
  }

  /** Stops scheduling; runs in flight are interrupted. */
  void close() {
    closed = true;
    for (ScheduledCheck c : checks) {
      c.cancel();
    }
    if (ownsScheduler) {
      scheduler.close();
    }
    if (ownedExecutor != null) {
      ownedExecutor.shutdownNow();
    }
  }

  private void heartbeat() {
    if (closed) {
      return;
    }
    lastHeartbeatNanos = scheduler.nanoTime();
    scheduler.schedule(this::heartbeat, HEARTBEAT.toNanos());
  }
}
