package com.example.vega.health;

import java.time.Duration;

/**
 * What a check is told when it runs: how long it has. A check passes the remaining time on to the
 * driver or client it calls (socket timeouts, statement timeouts, SDK call timeouts), so that it
 * ends by itself; the monitor abandons it at the deadline anyway.
 */
public final class CheckContext {
  private final Duration timeout;
  private final long deadlineNanos;
  private final HealthClock clock;

  /**
   * @param timeout the run's whole budget
   * @param startNanos when the run started, on {@code clock}'s monotonic time
   * @param clock the monitor's clock: the remaining time and wall time both come from it
   */
  public CheckContext(Duration timeout, long startNanos, HealthClock clock) {
    this.timeout = timeout;
    this.deadlineNanos = startNanos + timeout.toNanos();
    this.clock = clock;
  }

  /** A context for running a check once by hand (tests, the doctor CLI). */
  public static CheckContext of(Duration timeout) {
    HealthClock clock = HealthClock.system();
    return new CheckContext(timeout, clock.nanoTime(), clock);
  }

  /** The check's whole budget. */
  public Duration timeout() {
    return timeout;
  }

  /** What is left of the budget, never negative. */
  public Duration remaining() {
    long left = deadlineNanos - clock.nanoTime();
    return left <= 0 ? Duration.ZERO : Duration.ofNanos(left);
  }

  /** {@link #remaining()} in whole milliseconds, at least 1 (0 often means "no limit" to drivers). */
  public int remainingMillis() {
    long ms = remaining().toMillis();
    return (int) Math.max(1, Math.min(Integer.MAX_VALUE, ms));
  }

  /** The monitor's clock: wall time for token expiry and ages ({@link HealthClock#now()}). */
  public HealthClock clock() {
    return clock;
  }
}
