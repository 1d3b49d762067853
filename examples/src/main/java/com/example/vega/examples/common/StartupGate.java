package com.example.vega.examples.common;

import com.example.vega.health.CheckResult;
import com.example.vega.health.CheckState;
import com.example.vega.health.HealthMonitor;
import com.example.vega.health.HealthProbe;
import com.example.vega.health.Status;
import java.time.Duration;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * Readiness checked once, at start, by a process nobody restarts (an ECS RunTask task: the runner,
 * maintenance). ECS never replaces such a task for a failing health check, so the process itself
 * must stop, before it does any work, with the failing check's hint in its log and a non-zero exit
 * (the worker and {@code doctor scan} see the stopped task and its exit code).
 */
public final class StartupGate {
  /** The exit code of a service that stopped because a dependency failed its check at start. */
  public static final int NOT_READY = 3;

  private StartupGate() {}

  /**
   * The first check feeding readiness (in the runbook's order) that is not UP once every such
   * check has reported, or has not reported within {@code wait}.
   *
   * @param name the check
   * @param status DOWN or UNKNOWN (UNKNOWN also when it had not answered within the wait)
   */
  public record Failure(String name, Status status, String message, String hint) {
    /** One log line: {@code check postgres DOWN: <message> (next: <hint>)}. */
    public String line() {
      return "check " + name + " " + status + ": " + message + " (next: " + hint + ")";
    }
  }

  /**
   * Waits (at most {@code wait}) for the first result of every check feeding readiness, and
   * returns the first that failed, or null when the service is ready.
   *
   * @param tolerated results a failing check may have without stopping the start (maintenance:
   *     a missing migration is what it is about to apply)
   */
  public static @Nullable Failure await(HealthMonitor monitor, Duration wait, Predicate<CheckResult> tolerated)
      throws InterruptedException {
    long deadline = System.nanoTime() + wait.toNanos();
    while (System.nanoTime() < deadline && monitor.snapshot().checks().stream()
        .anyMatch(c -> feedsReadiness(c) && c.lastResult() == null)) {
      Thread.sleep(20);
    }
    for (CheckState c : monitor.snapshot().checks()) {
      if (!feedsReadiness(c)) {
        continue;
      }
      CheckResult r = c.lastResult();
      if (r == null) {
        return new Failure(c.name(), Status.UNKNOWN, "no result within " + wait.toSeconds() + " s",
            "the check did not answer at start: see the lines above for what it waits on");
      }
      if ((c.status() == Status.DOWN || c.status() == Status.UNKNOWN) && !tolerated.test(r)) {
        return new Failure(c.name(), c.status(), r.message(), r.hint());
      }
    }
    return null;
  }

  private static boolean feedsReadiness(CheckState c) {
    return c.registration().policy().feeds(HealthProbe.READINESS);
  }
}
