package com.example.vega.health;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * What the monitor knows about one check at the time of a snapshot.
 *
 * @param registration the check's name, type and policy
 * @param status the reported status, after flap damping
 * @param since when the reported status last changed (or the monitor started)
 * @param lastResult the latest result, or null before the first one; its status may differ from
 *     {@link #status()} while a change waits for its threshold
 * @param runs runs started so far
 * @param timeouts runs abandoned at their deadline so far
 * @param changes reported status changes so far
 * @param backoff how many intervals the check waits before its next run: 1 on its interval, more
 *     while the dependency throttles or fails with 5xx (see {@link CheckPolicy#maxBackoff()})
 * @param nextRun when the next run is due, or null before the first result
 */
public record CheckState(
    CheckRegistration registration,
    Status status,
    Instant since,
    @Nullable CheckResult lastResult,
    long runs,
    long timeouts,
    long changes,
    long backoff,
    @Nullable Instant nextRun) {

  /** A state on its interval, next run not known. */
  public CheckState(CheckRegistration registration, Status status, Instant since, @Nullable CheckResult lastResult,
      long runs, long timeouts, long changes) {
    this(registration, status, since, lastResult, runs, timeouts, changes, 1, null);
  }

  public String name() {
    return registration.name();
  }

  /** Whether the check is waiting longer than its interval because the dependency throttles or fails. */
  public boolean backingOff() {
    return backoff > 1;
  }

  public boolean critical() {
    return registration.policy().critical();
  }
}
