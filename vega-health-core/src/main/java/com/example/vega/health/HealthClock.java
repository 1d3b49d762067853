package com.example.vega.health;

import java.time.Instant;

/**
 * The monitor's one source of time: wall time for the timestamps a result carries and for ages
 * and expiries, monotonic time for durations, deadlines and intervals. One object holds both, as
 * OpenTelemetry's and Micrometer's clocks do, so a manual clock in a test moves them together and
 * a result's duration and its timestamp can never come from two clocks that disagree.
 *
 * <p>The monitor takes it from its {@link Scheduler} ({@link Scheduler#clock()}), whose delays run
 * on the same monotonic time.
 */
public interface HealthClock {

  /** Wall time now. */
  Instant now();

  /** Monotonic time in nanoseconds, for differences only (as {@link System#nanoTime()}). */
  long nanoTime();

  /** The system's clocks: {@link Instant#now()} (UTC) and {@link System#nanoTime()}. */
  static HealthClock system() {
    return SystemClock.INSTANCE;
  }
}
