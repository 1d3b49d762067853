package com.example.vega.health.checks;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * When a diagnostic connection may be opened while the pool stays empty: on the 1st, 2nd, 4th,
 * 8th such run and then every 8th (a backoff step each), never while one is still open (an
 * abandoned run may still be blocked in connect). Reset when the pool serves again.
 */
final class DiagnosticGate {
  static final int MAX_STEP = 8;
  private final AtomicBoolean open = new AtomicBoolean();
  private int emptyRuns; // guarded by this: runs with the pool empty since it last served
  private int due; // guarded by this: the empty run that may open the next one
  private int step = 1; // guarded by this
  private long opened; // guarded by this

  /** One more run found the pool empty: whether it may open a diagnostic connection now. */
  synchronized boolean tryOpen() {
    int run = emptyRuns++;
    if (run < due || !open.compareAndSet(false, true)) {
      return false;
    }
    due = run + step;
    step = Math.min(MAX_STEP, step * 2);
    opened++;
    return true;
  }

  void closed() {
    open.set(false);
  }

  synchronized void poolServed() {
    emptyRuns = 0;
    due = 0;
    step = 1;
  }

  synchronized long opened() {
    return opened;
  }
}
