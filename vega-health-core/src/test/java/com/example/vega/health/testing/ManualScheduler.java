package com.example.vega.health.testing;

import com.example.vega.health.CheckContext;
import com.example.vega.health.HealthClock;
import com.example.vega.health.Scheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.PriorityQueue;

/**
 * A scheduler whose time moves only when a test calls {@link #advance} (or {@link #stall}). Due
 * tasks run on the calling thread, in time order. Its {@link #clock()} reads one counter for both
 * wall and monotonic time, so the two always move together.
 */
public final class ManualScheduler implements Scheduler {
  private static final Instant EPOCH = Instant.parse("2026-11-28T12:00:00Z");
  private final Instant wallStart;
  private final PriorityQueue<Task> queue = new PriorityQueue<>();
  private long now;
  private long seq;
  private boolean closed;
  private final HealthClock clock = new HealthClock() {
    @Override
    public Instant now() {
      return wallStart.plusNanos(nanoTime());
    }

    @Override
    public long nanoTime() {
      synchronized (ManualScheduler.this) {
        return now;
      }
    }
  };

  /** Starts at wall time 2026-11-28T12:00:00Z. */
  public ManualScheduler() {
    this(EPOCH);
  }

  /** Starts at the given wall time (monotonic time at 0). */
  public ManualScheduler(Instant wallStart) {
    this.wallStart = wallStart;
  }

  /**
   * A context for running a check by hand at this scheduler's time: its wall time is this clock's,
   * and its budget does not shrink unless the test advances time.
   */
  public CheckContext context(Duration timeout) {
    return new CheckContext(timeout, nanoTime(), clock);
  }

  /** Monotonic time: nanoseconds advanced since this scheduler was made. */
  public long nanoTime() {
    return clock.nanoTime();
  }

  @Override
  public synchronized Cancellable schedule(Runnable task, long delayNanos) {
    Task t = new Task(now + Math.max(0, delayNanos), seq++, task);
    if (!closed) {
      queue.add(t);
    }
    // Marked, not removed: removing from the heap is linear, and a fleet simulation cancels a
    // deadline per run with thousands of tasks queued.
    return () -> t.cancelled = true;
  }

  /** Moves time forward, running every task that falls due on the way. */
  public void advance(Duration d) {
    long target;
    synchronized (this) {
      target = now + d.toNanos();
    }
    while (true) {
      Task t;
      synchronized (this) {
        t = queue.peek();
        if (t == null || t.at > target) {
          now = target;
          return;
        }
        queue.poll();
        now = t.at;
      }
      if (!t.cancelled) {
        t.task.run();
      }
    }
  }

  /**
   * Moves time forward without running anything: a scheduler thread that is stuck while the
   * wall clock goes on. The tasks that fell due run at the next {@link #advance} or {@link #runDue}.
   */
  public synchronized void stall(Duration d) {
    now += d.toNanos();
  }

  /** Runs what is due now without moving time. */
  public void runDue() {
    advance(Duration.ZERO);
  }

  @Override
  public HealthClock clock() {
    return clock;
  }

  @Override
  public synchronized void close() {
    closed = true;
    queue.clear();
  }

  private static final class Task implements Comparable<Task> {
    final long at;
    final long seq;
    final Runnable task;
    volatile boolean cancelled;

    Task(long at, long seq, Runnable task) {
      this.at = at;
      this.seq = seq;
      this.task = task;
    }

    @Override
    public int compareTo(Task o) {
      int c = Long.compare(at, o.at);
      return c != 0 ? c : Long.compare(seq, o.seq);
    }
  }
}
