package com.example.vega.health.trace;

/** Whether inbound trace context from a caller is honoured. */
public enum Trust {
  /** A Vega service or another caller inside our boundary: continue its trace, keep its baggage. */
  TRUSTED,
  /**
   * A caller on the internet: its trace context is ignored (the trace restarts here) and its
   * baggage dropped, so nobody outside can choose our trace ids or plant a scan id.
   */
  UNTRUSTED
}
