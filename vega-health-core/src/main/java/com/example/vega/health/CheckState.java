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
 */
public record CheckState(
    CheckRegistration registration,
    Status status,
    Instant since,
    @Nullable CheckResult lastResult,
    long runs,
    long timeouts,
    long changes) {

  public String name() {
    return registration.name();
  }

  public boolean critical() {
    return registration.policy().critical();
  }
}
