package com.example.vega.health;


/**
 * Flap damping for one check: the reported status changes only after N consecutive results of a
 * new status (the policy's failure threshold for a change for the worse, its success threshold
 * for a change for the better). The very first result is taken at once. Not thread-safe: the
 * monitor serialises calls. Not API: may change without notice.
 */
final class StateMachine {
  private final CheckPolicy policy;
  private Status reported;
  private boolean hasResult;
  private Status candidate;
  private int streak;

  public StateMachine(CheckPolicy policy) {
    this.policy = policy;
    this.reported = policy.initialStatus();
    this.candidate = reported;
  }

  /** Feeds one result; returns true when the reported status changed. */
  public boolean accept(Status observed) {
    if (!hasResult) {
      hasResult = true;
      boolean changed = observed != reported;
      reported = observed;
      candidate = observed;
      streak = 0;
      return changed;
    }
    if (observed == reported) {
      candidate = reported;
      streak = 0;
      return false;
    }
    if (observed == candidate) {
      streak++;
    } else {
      candidate = observed;
      streak = 1;
    }
    int needed = observed.isWorseThan(reported) ? policy.failureThreshold() : policy.successThreshold();
    if (streak >= needed) {
      reported = observed;
      streak = 0;
      return true;
    }
    return false;
  }

  public Status reported() {
    return reported;
  }
}
