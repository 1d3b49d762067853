package com.example.vega.health;

import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * An immutable picture of every check, published by the monitor after each result. Reading one
 * never calls a dependency.
 *
 * @param service who is reporting
 * @param checks every check, in registration order
 * @param time when this snapshot was published
 * @param sequence increases with each published snapshot
 */
public record HealthSnapshot(ServiceInfo service, List<CheckState> checks, Instant time, long sequence) {

  public HealthSnapshot {
    checks = List.copyOf(checks);
  }

  /**
   * The service's overall status for the detail endpoint: DOWN when a critical check is DOWN,
   * DEGRADED when anything else is not UP, UP otherwise.
   */
  public Status status() {
    Status worst = Status.UP;
    for (CheckState c : checks) {
      Status s = c.status();
      if (s == Status.DOWN && !c.critical()) {
        s = Status.DEGRADED;
      }
      if (s == Status.UNKNOWN) {
        s = Status.DEGRADED;
      }
      worst = worst.worst(s);
    }
    return worst;
  }

  /**
   * The status a probe reports: DOWN when a check feeding it is DOWN, or is UNKNOWN because it has
   * not reported yet or could not gather evidence; UP otherwise (DEGRADED still serves traffic).
   */
  public Status status(HealthProbe probe) {
    for (CheckState c : checks) {
      if (!c.registration().policy().feeds(probe)) {
        continue;
      }
      if (c.status() == Status.DOWN || c.status() == Status.UNKNOWN) {
        return Status.DOWN;
      }
    }
    return Status.UP;
  }

  /** The state of the named check, or null. */
  public @Nullable CheckState check(String name) {
    for (CheckState c : checks) {
      if (c.name().equals(name)) {
        return c;
      }
    }
    return null;
  }
}
