package com.example.vega.health;

import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Answers one question about one dependency. Runs in the background on the monitor's threads,
 * never on a request thread.
 *
 * <p>A check may throw: the monitor turns any exception into a DOWN result. It must never
 * change production state, never print a secret, and must say UNKNOWN rather than UP when it
 * could not gather evidence.
 */
@FunctionalInterface
public interface HealthCheck {

  /** Runs the check once, within {@link CheckContext#remaining()}. */
  CheckResult check(CheckContext context) throws Exception;

  /**
   * Called on the monitor's thread when a run did not finish within its timeout, to describe what
   * it was stuck on. Must not block. Null means the monitor's generic "no answer within" result.
   */
  default @Nullable CheckResult onTimeout(Duration timeout) {
    return null;
  }

  /**
   * The calls one run makes to its dependency, at most (a healthy run makes exactly these): the
   * check's share of the fleet's budget. Empty for a check that calls nothing outside the process.
   */
  default List<DependencyCall> callsPerRun() {
    return List.of();
  }
}
