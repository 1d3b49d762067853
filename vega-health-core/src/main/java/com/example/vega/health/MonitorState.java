package com.example.vega.health;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jspecify.annotations.Nullable;

/**
 * What the monitor knows: each check's reported status (flap-damped), the published snapshot, and
 * who hears about changes. Every result enters through {@link #record}, the one place where text is
 * redacted, so every snapshot, renderer, log line and listener sees redacted text only.
 */
final class MonitorState {
  private static final System.Logger LOG = System.getLogger(HealthMonitor.class.getName());

  private final ServiceInfo service;
  private final HealthClock clock;
  private final Redactor redactor;
  private final List<StatusListener> listeners;
  private final List<CheckRegistration> registrations;
  private final StateMachine[] machines; // guarded by this
  private final CheckState[] states; // guarded by this
  private final boolean failOpen;
  private long sequence; // guarded by this
  private boolean closed; // guarded by this
  private @Nullable Instant readySince; // guarded by this
  private List<String> heldOpen = List.of(); // guarded by this
  private volatile HealthSnapshot snapshot;

  MonitorState(ServiceInfo service, HealthClock clock, Redactor redactor, List<StatusListener> listeners,
      List<CheckRegistration> registrations, boolean failOpen) {
    this.service = service;
    this.failOpen = failOpen;
    this.clock = clock;
    this.redactor = redactor;
    this.listeners = new CopyOnWriteArrayList<>(listeners);
    this.registrations = List.copyOf(registrations);
    this.machines = new StateMachine[registrations.size()];
    this.states = new CheckState[registrations.size()];
    Instant now = clock.now();
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
    notifyAll();
  }

  /**
   * Waits at most {@code millis} for a snapshot newer than {@code sequence} (or the close): what
   * {@link HealthMonitor#awaitReady} sleeps on between looks.
   */
  synchronized void awaitNewer(long sequence, long millis) throws InterruptedException {
    if (!closed && snapshot.sequence() == sequence && millis > 0) {
      wait(millis);
    }
  }

  /**
   * Records one result of check {@code index}: redacts it, feeds flap damping, publishes a new
   * snapshot, logs a status change and tells the listeners.
   *
   * @param runs runs of the check started so far
   * @param timeouts runs abandoned at their deadline so far
   * @param next when the check runs next: its backoff and how far off the run is
   * @param warming a timeout while the service starts, before the check has had any other answer:
   *     not evidence of a fault (a cold JVM's first call is often slow), so it is reported UNKNOWN
   *     and kept out of flap damping, whose first result is then still taken at once
   */
  synchronized void record(int index, CheckResult raw, Duration took, long runs, long timeouts, Next next,
      boolean warming) {
    if (closed) {
      return;
    }
    Instant now = clock.now();
    CheckResult r = redactor.redact(raw).timed(took, now);
    CheckRegistration reg = registrations.get(index);
    CheckState prev = states[index];
    Status reported;
    boolean changed;
    if (warming) {
      reported = Status.UNKNOWN;
      changed = prev.status() != Status.UNKNOWN;
    } else {
      changed = machines[index].accept(r.status());
      reported = machines[index].reported();
    }
    CheckState cur = new CheckState(reg, reported, changed ? now : prev.since(), r,
        runs, timeouts, prev.changes() + (changed ? 1 : 0), next.backoff(), now.plusNanos(next.inNanos()));
    states[index] = cur;
    snapshot = publish(now);
    notifyAll();
    if (warming) {
      // Not a change of status (UNKNOWN until the first answer), but worth a line: why it waits.
      LOG.log(System.Logger.Level.INFO, "vega-health: {0} is UNKNOWN: {1}", reg.name(), r.message());
    } else if (changed) {
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

  /**
   * Guarded by this. Latches {@code readySince} the first time the task is ready, and logs when
   * readiness starts or stops holding open for a shared dependency that fails.
   */
  private HealthSnapshot publish(Instant now) {
    List<CheckState> all = new ArrayList<>(states.length);
    for (CheckState s : states) {
      all.add(s);
    }
    HealthSnapshot s = new HealthSnapshot(service, all, now, sequence++, readySince, failOpen);
    if (readySince == null && s.strictlyReady()) {
      readySince = now;
      s = new HealthSnapshot(service, all, now, s.sequence(), now, failOpen);
    }
    List<String> held = new ArrayList<>(0);
    for (CheckState c : s.heldOpen()) {
      held.add(c.name());
    }
    if (!held.equals(heldOpen)) {
      if (held.isEmpty()) {
        LOG.log(System.Logger.Level.INFO, "vega-health: readiness no longer held open: {0} answer again",
            String.join(", ", heldOpen));
      } else {
        LOG.log(System.Logger.Level.WARNING, "vega-health: {0} failing, a dependency every task shares: readiness "
            + "stays UP (fail open) so that the load balancer and ECS do not replace healthy tasks; "
            + "/v1/healthz says fail with the hint", String.join(", ", held));
      }
      heldOpen = List.copyOf(held);
    }
    return s;
  }
}
