package com.example.vega.health;

import com.example.vega.health.failure.Failures;
import com.example.vega.health.internal.DaemonThreads;
import com.example.vega.health.internal.ExecutorScheduler;
import com.example.vega.health.internal.Redactor;
import com.example.vega.health.internal.Scheduler;
import com.example.vega.health.internal.StateMachine;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Runs checks in the background and publishes an immutable {@link HealthSnapshot}.
 *
 * <p>Each check runs on its own schedule, at most one run at a time. A run not finished by its
 * timeout is abandoned (interrupted, counted, reported DOWN) and no new run of that check starts
 * until it has returned, so a hung dependency never piles up threads. Status changes are damped
 * by the policy's thresholds and announced to {@link StatusListener}s. {@link #snapshot()} is a
 * volatile read: it never waits on a dependency.
 *
 * <pre>{@code
 * HealthMonitor monitor = HealthMonitor.builder()
 *     .service(ServiceInfo.of("vega-worker"))
 *     .register(PostgresCheck.builder(dataSource).build().registration(CheckPolicy.DEFAULT))
 *     .build()
 *     .start();
 * }</pre>
 */
public final class HealthMonitor implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(HealthMonitor.class.getName());
  private static final Duration HEARTBEAT = Duration.ofSeconds(1);

  private final ServiceInfo service;
  private final Clock clock;
  private final Scheduler scheduler;
  private final Executor runExecutor;
  private final @Nullable ExecutorService ownedExecutor;
  private final boolean ownsScheduler;
  private final Redactor redactor;
  private final Duration heartbeatTimeout;
  private final List<Runner> runners;
  private final List<StatusListener> listeners;
  private final Object lock = new Object();

  private volatile HealthSnapshot snapshot;
  private volatile long lastHeartbeatNanos;
  private volatile boolean started;
  private volatile boolean closed;
  private long sequence; // guarded by lock

  private HealthMonitor(Builder b) {
    this.service = b.service;
    this.clock = b.clock;
    this.ownsScheduler = b.scheduler == null;
    this.scheduler = b.scheduler != null ? b.scheduler : new ExecutorScheduler("vega-health-scheduler");
    if (b.runExecutor != null) {
      this.runExecutor = b.runExecutor;
      this.ownedExecutor = null;
    } else {
      // One thread per check at most (one run in flight per check); idle threads go away.
      ThreadPoolExecutor pool =
          new ThreadPoolExecutor(
              0, Math.max(1, b.registrations.size()), 30, TimeUnit.SECONDS,
              new SynchronousQueue<>(), DaemonThreads.named("vega-health-check"));
      this.runExecutor = pool;
      this.ownedExecutor = pool;
    }
    this.redactor = Redactor.of(b.secrets);
    this.heartbeatTimeout = b.heartbeatTimeout;
    this.listeners = new CopyOnWriteArrayList<>(b.listeners);
    Instant now = clock.instant();
    List<Runner> rs = new ArrayList<>();
    for (CheckRegistration r : b.registrations) {
      rs.add(new Runner(r, now));
    }
    this.runners = List.copyOf(rs);
    this.lastHeartbeatNanos = scheduler.nanoTime();
    this.snapshot = buildSnapshot(now);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Starts every check at once (the first results arrive promptly) and then on its interval. */
  public HealthMonitor start() {
    synchronized (lock) {
      if (started) {
        return this;
      }
      if (closed) {
        throw new IllegalStateException("monitor is closed");
      }
      started = true;
    }
    heartbeat();
    for (Runner r : runners) {
      scheduler.schedule(r::tick, 0);
    }
    LOG.log(System.Logger.Level.INFO, "vega-health: monitoring {0} checks for {1}",
        runners.size(), service.serviceId());
    return this;
  }

  /** The latest published snapshot. Never blocks, never calls a dependency. */
  public HealthSnapshot snapshot() {
    return snapshot;
  }

  /**
   * Whether the monitor itself is alive: started, not closed, and its scheduler thread took its
   * last heartbeat recently. This is what liveness means for the module: process-local only.
   */
  public boolean alive() {
    return started
        && !closed
        && scheduler.healthy()
        && scheduler.nanoTime() - lastHeartbeatNanos < heartbeatTimeout.toNanos();
  }

  public ServiceInfo service() {
    return service;
  }

  public void addListener(StatusListener listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  /** Stops scheduling; runs in flight are interrupted. Idempotent. */
  @Override
  public void close() {
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
    }
    for (Runner r : runners) {
      r.cancel();
    }
    if (ownsScheduler) {
      scheduler.close();
    }
    if (ownedExecutor != null) {
      ownedExecutor.shutdownNow();
    }
  }

  private void heartbeat() {
    if (closed) {
      return;
    }
    lastHeartbeatNanos = scheduler.nanoTime();
    scheduler.schedule(this::heartbeat, HEARTBEAT.toNanos());
  }

  private HealthSnapshot buildSnapshot(Instant now) {
    List<CheckState> states = new ArrayList<>(runners.size());
    for (Runner r : runners) {
      states.add(r.state);
    }
    return new HealthSnapshot(service, states, now, sequence++);
  }

  private CheckResult sanitize(CheckResult r) {
    List<com.example.vega.health.Observation> obs = r.observations();
    boolean anyString = false;
    for (com.example.vega.health.Observation o : obs) {
      anyString |= o.value() instanceof String;
    }
    if (anyString) {
      List<com.example.vega.health.Observation> clean = new ArrayList<>(obs.size());
      for (com.example.vega.health.Observation o : obs) {
        clean.add(o.value() instanceof String s
            ? com.example.vega.health.Observation.of(o.name(), redactor.redact(s), o.unit())
            : o);
      }
      obs = clean;
    }
    return r.withText(redactor.redact(r.message()), redactor.redact(r.hint()), obs);
  }

  private static String seconds(Duration d) {
    long ms = d.toMillis();
    return ms % 1000 == 0 ? (ms / 1000) + "s" : ms + "ms";
  }

  /** One check's schedule and state. */
  private final class Runner {
    private final CheckRegistration reg;
    private final StateMachine machine;
    private volatile CheckState state;
    private @Nullable Run inFlight; // guarded by lock
    private @Nullable CheckResult lastTimeout; // guarded by lock
    private volatile Scheduler.@Nullable Cancellable next;
    private long runs; // guarded by lock
    private long timeouts; // guarded by lock

    Runner(CheckRegistration reg, Instant now) {
      this.reg = reg;
      this.machine = new StateMachine(reg.policy());
      this.state = new CheckState(reg, reg.policy().initialStatus(), now, null, 0, 0, 0);
    }

    void cancel() {
      Scheduler.Cancellable n = next;
      if (n != null) {
        n.cancel();
      }
      Run r;
      synchronized (lock) {
        r = inFlight;
      }
      if (r != null) {
        r.task.cancel(true);
      }
    }

    void tick() {
      if (closed) {
        return;
      }
      next = scheduler.schedule(this::tick, reg.policy().interval().toNanos());
      Run run;
      synchronized (lock) {
        Run stuck = inFlight;
        if (stuck != null) {
          if (stuck.abandoned) {
            // Still stuck after being abandoned: report it again, start nothing new.
            Duration stuckFor = Duration.ofNanos(scheduler.nanoTime() - stuck.startNanos);
            CheckResult last = lastTimeout != null ? lastTimeout : genericTimeout();
            recordLocked(last.withText(
                last.message() + " (still no answer after " + seconds(stuckFor.truncatedTo(java.time.temporal.ChronoUnit.SECONDS)) + ")",
                last.hint(), last.observations()), reg.policy().timeout());
          }
          return;
        }
        run = new Run(scheduler.nanoTime());
        inFlight = run;
        runs++;
      }
      run.deadline = scheduler.schedule(() -> onDeadline(run), reg.policy().timeout().toNanos());
      try {
        runExecutor.execute(run.task);
      } catch (RejectedExecutionException e) {
        synchronized (lock) {
          inFlight = null;
          run.done = true;
        }
        run.deadline.cancel();
        if (!closed) {
          record(CheckResult.unknown("the check could not be started: " + e.getMessage(),
              "the health monitor's thread pool refused the run; see this service's log"), Duration.ZERO);
        }
      }
    }

    private CheckResult genericTimeout() {
      return CheckResult.down(ErrorKind.TIMEOUT,
          "no answer within " + seconds(reg.policy().timeout()),
          "the dependency did not answer in time: check that it is up and that this task's "
              + "security group and routes reach it");
    }

    void execute(Run run) {
      synchronized (lock) {
        run.started = true;
      }
      Thread t = Thread.currentThread();
      String oldName = t.getName();
      t.setName("vega-health-check-" + reg.name());
      CheckResult result;
      try {
        CheckResult r = reg.check().check(
            new CheckContext(reg.policy().timeout(), run.startNanos, scheduler::nanoTime, clock));
        result = r != null ? r
            : CheckResult.unknown("the check returned no result", "this is a bug in the check");
      } catch (InterruptedException e) {
        result = run.abandoned ? null : CheckResult.unknown("the check was interrupted", "");
      } catch (VirtualMachineError e) {
        if (!(e instanceof StackOverflowError)) {
          complete(run, Failures.of(e));
          throw e;
        }
        result = Failures.of(e);
      } catch (Throwable e) {
        result = Failures.of(e);
      } finally {
        t.setName(oldName);
        Thread.interrupted(); // never hand an interrupted thread back to the pool
      }
      complete(run, result);
    }

    private void complete(Run run, @Nullable CheckResult result) {
      synchronized (lock) {
        if (inFlight == run) {
          inFlight = null;
        }
        if (run.abandoned || run.done) {
          return; // the deadline already reported it
        }
        run.done = true;
        if (run.deadline != null) {
          run.deadline.cancel();
        }
        if (result != null && !closed) {
          recordLocked(result, Duration.ofNanos(scheduler.nanoTime() - run.startNanos));
        }
      }
    }

    private void onDeadline(Run run) {
      CheckResult described;
      try {
        described = reg.check().onTimeout(reg.policy().timeout());
      } catch (RuntimeException e) {
        described = null;
      }
      synchronized (lock) {
        if (run.done || run.abandoned || closed) {
          return;
        }
        run.abandoned = true;
        timeouts++;
        CheckResult r = described != null ? described : genericTimeout();
        lastTimeout = r;
        recordLocked(r, reg.policy().timeout());
      }
      run.task.cancel(true);
      synchronized (lock) {
        // Cancelled before a thread picked it up: it will never run, so nothing is in flight.
        if (!run.started && inFlight == run) {
          inFlight = null;
        }
      }
    }

    private void record(CheckResult raw, Duration d) {
      synchronized (lock) {
        recordLocked(raw, d);
      }
    }

    private void recordLocked(CheckResult raw, Duration d) {
      Instant now = clock.instant();
      CheckResult r = sanitize(raw).timed(d, now);
      CheckState prev = state;
      boolean changed = machine.accept(r.status());
      CheckState cur = new CheckState(reg, machine.reported(), changed ? now : prev.since(), r,
          runs, timeouts, prev.changes() + (changed ? 1 : 0));
      state = cur;
      snapshot = buildSnapshot(now);
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

    /** One run of the check. */
    private final class Run {
      final long startNanos;
      final FutureTask<Void> task;
      Scheduler.@Nullable Cancellable deadline;
      boolean abandoned; // guarded by lock
      boolean done; // guarded by lock
      boolean started; // guarded by lock

      Run(long startNanos) {
        this.startNanos = startNanos;
        this.task = new FutureTask<>(() -> execute(this), null);
      }
    }
  }

  /** Builds a {@link HealthMonitor}. Check names must be unique. */
  public static final class Builder {
    private ServiceInfo service = ServiceInfo.of("unknown-service");
    private Clock clock = Clock.systemUTC();
    private @Nullable Scheduler scheduler;
    private @Nullable Executor runExecutor;
    private final List<CheckRegistration> registrations = new ArrayList<>();
    private final List<StatusListener> listeners = new ArrayList<>();
    private final Set<String> secrets = new LinkedHashSet<>();
    private Duration heartbeatTimeout = Duration.ofSeconds(10);

    private Builder() {}

    public Builder service(ServiceInfo service) {
      this.service = Objects.requireNonNull(service, "service");
      return this;
    }

    public Builder register(CheckRegistration registration) {
      Objects.requireNonNull(registration, "registration");
      for (CheckRegistration r : registrations) {
        if (r.name().equals(registration.name())) {
          throw new IllegalArgumentException("a check named '" + r.name() + "' is already registered");
        }
      }
      registrations.add(registration);
      return this;
    }

    public Builder register(String name, HealthCheck check, CheckPolicy policy) {
      return register(CheckRegistration.of(name, check, policy));
    }

    public Builder registerAll(List<CheckRegistration> all) {
      all.forEach(this::register);
      return this;
    }

    public Builder listener(StatusListener listener) {
      listeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /**
     * Exact values that must never leave the module (a database password, a proxy token). They
     * are masked in every message, hint and observed value, whatever a driver puts there.
     */
    public Builder secretValues(String... values) {
      for (String v : values) {
        if (v != null) {
          secrets.add(v);
        }
      }
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** How long the scheduler thread may go without a heartbeat before liveness fails. */
    public Builder heartbeatTimeout(Duration timeout) {
      if (timeout.compareTo(HEARTBEAT.multipliedBy(2)) < 0) {
        throw new IllegalArgumentException("heartbeatTimeout must be at least 2s, was " + timeout);
      }
      this.heartbeatTimeout = timeout;
      return this;
    }

    /** For tests: a manual scheduler, so time is advanced by hand. */
    public Builder scheduler(Scheduler scheduler) {
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
      return this;
    }

    /** Where runs execute. Defaults to a pool bounded by the number of checks. */
    public Builder runExecutor(Executor executor) {
      this.runExecutor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    public HealthMonitor build() {
      return new HealthMonitor(this);
    }
  }
}
