package com.example.vega.health;

import com.example.vega.health.HealthMonitor.StartupFailure;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * {@link HealthMonitor#awaitReady(Predicate)}: looks at each snapshot as it is published until every
 * check feeding readiness has answered, a failure is evidence by its kind, or the startup deadline
 * (plus the longest timeout) has passed.
 */
final class StartupWait {
  private StartupWait() {}

  static Optional<StartupFailure> await(MonitorState state, CheckScheduler checks, Predicate<CheckResult> tolerated,
      BooleanSupplier closed) throws InterruptedException {
    // The last retry may end up to its timeout after the deadline; then the scheduler reports it.
    long longest = 0;
    for (CheckState c : state.snapshot().checks()) {
      if (feedsReadiness(c)) {
        longest = Math.max(longest, c.registration().policy().timeout().toNanos());
      }
    }
    long giveUp = checks.startupEndNanos() + longest + TimeUnit.MILLISECONDS.toNanos(500);
    while (true) {
      HealthSnapshot s = state.snapshot();
      boolean over = checks.nanoTime() - giveUp >= 0;
      boolean pending = false;
      // The first failure in registration order (the runbook's): a later check's evidence waits
      // until every check before it has answered once.
      boolean earlierUnanswered = false;
      for (CheckState c : s.checks()) {
        if (!feedsReadiness(c)) {
          continue;
        }
        CheckResult r = c.lastResult();
        if (r == null) {
          if (over) {
            return Optional.of(new StartupFailure(c.name(), Status.UNKNOWN, ErrorKind.NO_EVIDENCE,
                "no result by the end of the startup deadline",
                "the check never finished a run: see this service's log for what it waits on"));
          }
          pending = true;
          earlierUnanswered = true;
        } else if (r.status() != Status.UP && r.status() != Status.DEGRADED && !tolerated.test(r)) {
          if ((r.errorKind().conclusive() && !earlierUnanswered) || over) {
            return Optional.of(new StartupFailure(c.name(), r.status(), r.errorKind(), r.message(), r.hint()));
          }
          pending = true;
        }
      }
      if (!pending) {
        return Optional.empty();
      }
      if (closed.getAsBoolean()) {
        throw new IllegalStateException("the monitor was closed while waiting for it to be ready");
      }
      state.awaitNewer(s.sequence(), 50);
    }
  }

  private static boolean feedsReadiness(CheckState c) {
    return c.registration().policy().feeds(HealthProbe.READINESS)
        || c.registration().policy().feeds(HealthProbe.LIVENESS);
  }
}
