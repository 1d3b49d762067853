package com.example.vega.health.agent;

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

  Hop withEvidence(List<String> more) {
    List<String> all = new java.util.ArrayList<>(evidence);
    all.addAll(more);
    return new Hop(name, status, latencyMs, detail, hint, all);
  }
}
