package com.example.vega.health;

import java.time.Instant;
import java.util.ArrayList;
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
 * @param readySince when every check feeding readiness first answered UP or DEGRADED (this task
 *     has served since), or null while it has not
 * @param failOpen whether, once ready, a dependency every task shares no longer fails readiness
 *     (see {@link #status(HealthProbe)})
 */
public record HealthSnapshot(ServiceInfo service, List<CheckState> checks, Instant time, long sequence,
    @Nullable Instant readySince, boolean failOpen) {

  public HealthSnapshot {
    checks = List.copyOf(checks);
  }

  /** A snapshot of a task that has not been ready yet (fail-open readiness). */
  public HealthSnapshot(ServiceInfo service, List<CheckState> checks, Instant time, long sequence) {
    this(service, checks, time, sequence, null, true);
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
   *
   * <p>Readiness fails open once the task has been ready ({@link #readySince()} set, with
   * {@link #failOpen()}): from then on only a check of the task itself ({@link ComponentType#SYSTEM}:
   * the JVM, its settings) fails it. A dependency every task shares (the database, a queue, a
   * bucket) that goes down no longer takes this task out of the load balancer: ECS replaces every
   * task that fails its target group's health check, so a shared outage would otherwise become a
   * fleet-wide restart loop against a dependency trying to recover. {@link #status()} still says
   * DOWN, and {@link #heldOpen()} names what readiness is overlooking.
   */
  public Status status(HealthProbe probe) {
    boolean served = probe == HealthProbe.READINESS && failOpen && readySince != null;
    for (CheckState c : checks) {
      if (!c.registration().policy().feeds(probe) || !failing(c)) {
        continue;
      }
      if (!served || local(c)) {
        return Status.DOWN;
      }
    }
    return Status.UP;
  }

  /**
   * The checks feeding readiness that fail while readiness stays UP because this task has served
   * and they watch a dependency every task shares; empty when readiness is strict or nothing fails.
   */
  public List<CheckState> heldOpen() {
    if (!failOpen || readySince == null) {
      return List.of();
    }
    List<CheckState> out = new ArrayList<>(0);
    for (CheckState c : checks) {
      if (c.registration().policy().feeds(HealthProbe.READINESS) && failing(c) && !local(c)) {
        out.add(c);
      }
    }
    return out;
  }

  /** Whether every check feeding readiness, and liveness, answers UP or DEGRADED, without fail-open. */
  boolean strictlyReady() {
    for (CheckState c : checks) {
      if ((c.registration().policy().feeds(HealthProbe.READINESS)
          || c.registration().policy().feeds(HealthProbe.LIVENESS)) && failing(c)) {
        return false;
      }
    }
    return true;
  }

  private static boolean failing(CheckState c) {
    return c.status() == Status.DOWN || c.status() == Status.UNKNOWN;
  }

  /** A check of the task itself (the JVM, its settings): its failure is this task's own. */
  private static boolean local(CheckState c) {
    return c.registration().componentType() == ComponentType.SYSTEM;
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
