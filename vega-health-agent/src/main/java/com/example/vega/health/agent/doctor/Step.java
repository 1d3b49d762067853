package com.example.vega.health.agent.doctor;

import java.util.List;

/**
 * One hop of the runbook: what it is called, what finds it out over the shared {@link Context},
 * and whether the runbook stops there when it is DOWN (a scan that is still queued has no runner
 * task to look at; a service that does not exist has no deployment).
 */
record Step(String name, boolean stopsWhenDown, Body body) {

  /** Finds out one or more hops (one per target, per role...). */
  @FunctionalInterface
  interface Body {
    List<Hop> run(Context ctx) throws CannotRun;
  }

  /** Finds out one hop. */
  @FunctionalInterface
  interface One {
    Hop run(Context ctx) throws CannotRun;
  }

  static Step of(String name, One body) {
    return new Step(name, false, ctx -> List.of(body.run(ctx)));
  }

  static Step many(String name, Body body) {
    return new Step(name, false, body);
  }

  /** The same step, after which the walk stops when it is DOWN. */
  Step stopping() {
    return new Step(name, true, body);
  }
}
