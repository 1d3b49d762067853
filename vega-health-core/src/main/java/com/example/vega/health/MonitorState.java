package com.example.vega.health;

import com.example.vega.health.internal.Redactor;
import com.example.vega.health.internal.StateMachine;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What the monitor knows: each check's reported status (flap-damped), the published snapshot, and
 * who hears about changes. Every result enters through {@link #record}, the one place where text is
 * redacted, so every snapshot, renderer, log line and listener sees redacted text only.
 */
final class MonitorState {
  private static final System.Logger LOG = System.getLogger(HealthMonitor.class.getName());

  private final ServiceInfo service;
  private final Clock clock;
  private final Redactor redactor;
  private final List<StatusListener> listeners;
  private final List<CheckRegistration> registrations;
  private final StateMachine[] machines; // guarded by this
  private final CheckState[] states; // guarded by this
  private long sequence; // guarded by this
  private boolean closed; // guarded by this
  private volatile HealthSnapshot snapshot;

  MonitorState(ServiceInfo service, Clock clock, Redactor redactor, List<StatusListener> listeners,
      List<CheckRegistration> registrations) {
    this.service = service;
    this.clock = clock;
    this.redactor = redactor;
    this.listeners = new CopyOnWriteArrayList<>(listeners);
    this.registrations = List.copyOf(registrations);
    this.machines = new StateMachine[registrations.size()];
    this.states = new CheckState[registrations.size()];
    Instant now = clock.instant();
    for (int i = 0; i < states.length; i++) {
      CheckRegistration r = this.registrations.get(i);
      machines[i] = new StateMachine(r.policy());
      states[i] = new CheckState(r, r.policy().initialStatus(), now, null, 0, 0, 0);
    }
    synchronized (this) {
      snapshot = publish(now);
    }
  }

  HealthSnapshot snapshot() {
    return snapshot;
  }

  ServiceInfo service() {
    return service;
  }

  Clock clock() {
    return clock;
  }

  void addListener(StatusListener listener) {
    listeners.add(listener);
  }

  /**
   * Takes no more results. Once this returns, no result is recorded and no listener is told of
   * one: a run that returned just before its monitor closed either finished recording first or is
   * dropped, so the last snapshot and what the listeners heard agree.
   */
  synchronized void close() {
    closed = true;
  }

  /**
   * Records one result of check {@code index}: redacts it, feeds flap damping, publishes a new
   * snapshot, logs a status change and tells the listeners.
   *
   * @param runs runs of the check started so far
   * @param timeouts runs abandoned at their deadline so far
   * @param next when the check runs next: its backoff and how far off the run is
   */
  synchronized void record(int index, CheckResult raw, Duration took, long runs, long timeouts, Next next) {
    if (closed) {
      return;
    }
    Instant now = clock.instant();
    CheckResult r = redactor.redact(raw).timed(took, now);
    CheckRegistration reg = registrations.get(index);
    CheckState prev = states[index];
    boolean changed = machines[index].accept(r.status());
    CheckState cur = new CheckState(reg, machines[index].reported(), changed ? now : prev.since(), r,
        runs, timeouts, prev.changes() + (changed ? 1 : 0), next.backoff(), now.plusNanos(next.inNanos()));
    states[index] = cur;
    snapshot = publish(now);
    if (changed) {
      LOG.log(cur.status() == Status.UP ? System.Logger.Level.INFO : System.Logger.Level.WARNING,
          "vega-health: {0} is {1}: {2}{3}", reg.name(), cur.status(), r.message(),
          r.hint().isEmpty() ? "" : " (hint: " + r.hint() + ")");
    }
    for (StatusListener l : listeners) {
      try {
        if (changed) {
          l.onChange(prev, cur);
        }
        l.onResult(cur);
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "vega-health: a status listener failed: " + e);
      }
    }
  }

  /** A check's next run as its schedule stands when a result is recorded. */
  record Next(long backoff, long inNanos) {}

  private HealthSnapshot publish(Instant now) {
    List<CheckState> all = new ArrayList<>(states.length);
    for (CheckState s : states) {
      all.add(s);
    }
    return new HealthSnapshot(service, all, now, sequence++);
  }
}
