package com.example.vega.health;

import java.time.Duration;
import java.time.temporal.ChronoUnit;

/**
 * What {@link ScheduledCheck} reports for a run without an answer: abandoned at its deadline,
 * still stuck at a later tick, or timed out while the service starts.
 */
final class TimeoutResults {
  private TimeoutResults() {}

  /** The check's own account of a timeout ({@link HealthCheck#onTimeout}), else {@link #generic}. */
  static CheckResult described(HealthCheck check, Duration timeout) {
    try {
      CheckResult r = check.onTimeout(timeout);
      return r != null ? r : generic(timeout);
    } catch (RuntimeException e) {
      return generic(timeout);
    }
  }

  // Abandoned at the deadline, the run says nothing of where it was stuck (connecting or waiting
  // for an answer), so the hint does not guess at a security group.
  static CheckResult generic(Duration timeout) {
    return CheckResult.down(ErrorKind.TIMEOUT, "no answer within " + seconds(timeout),
        Failures.noAnswerHint("The dependency", "this task", "the dependency"));
  }

  /** The last timeout again, with how long the abandoned run has been stuck. */
  static CheckResult stillStuck(CheckResult last, Duration stuckFor) {
    return last.withText(last.message() + " (still no answer after " + seconds(stuckFor) + ")",
        last.hint(), last.observations());
  }

  /** A timeout while the service starts, said as what it is: no evidence yet, retried. */
  static CheckResult starting(CheckResult timedOut, Duration left) {
    return CheckResult.unknown("starting: " + timedOut.message() + "; retried with more time for up to "
            + seconds(left.truncatedTo(ChronoUnit.SECONDS)) + " more",
        "nothing to do yet: a first call from a cold JVM is often slow; if it still times out at the end of "
            + "the startup deadline (VEGA_HEALTH_STARTUP_DEADLINE) it is reported DOWN with what to check")
        .with(timedOut.observations());
  }

  static String seconds(Duration d) {
    long ms = d.toMillis();
    return ms % 1000 == 0 ? (ms / 1000) + "s" : ms + "ms";
  }
}
