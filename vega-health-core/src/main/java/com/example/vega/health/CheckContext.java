package com.example.vega.health;

import java.time.Clock;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * What a check is told when it runs: how long it has. A check passes the remaining time on to the
 * driver or client it calls (socket timeouts, statement timeouts, SDK call timeouts), so that it
 * ends by itself; the monitor abandons it at the deadline anyway.
 */
public final class CheckContext {
  private final Duration timeout;
  private final long deadlineNanos;
  private final LongSupplier nanoTime;
  private final Clock clock;

  public CheckContext(Duration timeout, long startNanos, LongSupplier nanoTime, Clock clock) {
    this.timeout = timeout;
    this.deadlineNanos = startNanos + timeout.toNanos();
    this.nanoTime = nanoTime;
    this.clock = clock;
  }

  /** A context for running a check once by hand (tests, the doctor CLI). */
  public static CheckContext of(Duration timeout) {
    return new CheckContext(timeout, System.nanoTime(), System::nanoTime, Clock.systemUTC());
  }

  /** The check's whole budget. */
  public Duration timeout() {
    return timeout;
  }

  /** What is left of the budget, never negative. */
  public Duration remaining() {
    long left = deadlineNanos - nanoTime.getAsLong();
    return left <= 0 ? Duration.ZERO : Duration.ofNanos(left);
  }

  /** {@link #remaining()} in whole milliseconds, at least 1 (0 often means "no limit" to drivers). */
  public int remainingMillis() {
    long ms = remaining().toMillis();
    return (int) Math.max(1, Math.min(Integer.MAX_VALUE, ms));
  }

  /** The clock to use for wall time (token expiry, ages). */
  public Clock clock() {
    return clock;
  }
}
