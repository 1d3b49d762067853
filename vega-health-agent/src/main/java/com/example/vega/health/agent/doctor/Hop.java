package com.example.vega.health.agent.doctor;

import com.example.vega.health.Status;
import java.util.List;
import java.util.Objects;

/**
 * One hop of the runbook as the doctor found it.
 *
 * @param name what was checked, e.g. {@code frontend}, {@code vega-worker → sqs}
 * @param status what it found
 * @param latencyMs how long finding out took
 * @param detail one line: what is right or wrong
 * @param hint the runbook's next step when it is not UP; empty otherwise
 * @param evidence further lines worth reading (ECS events, stopped reasons, log lines)
 */
record Hop(String name, Status status, long latencyMs, String detail, String hint, List<String> evidence) {

  Hop {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(detail, "detail");
    Objects.requireNonNull(hint, "hint");
    evidence = List.copyOf(evidence);
  }

  static Hop of(String name, Status status, long latencyMs, String detail, String hint) {
    return new Hop(name, status, latencyMs, detail, hint, List.of());
  }

  static Hop up(String name, long latencyMs, String detail) {
    return new Hop(name, Status.UP, latencyMs, detail, "", List.of());
  }

  /** Milliseconds since {@code startNanos} (from {@link System#nanoTime()}). */
  static long since(long startNanos) {
    return java.time.Duration.ofNanos(System.nanoTime() - startNanos).toMillis();
  }

  Hop withEvidence(List<String> more) {
    List<String> all = new java.util.ArrayList<>(evidence);
    all.addAll(more);
    return new Hop(name, status, latencyMs, detail, hint, all);
  }
}
