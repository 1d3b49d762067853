package com.example.vega.health;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.function.Predicate;
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
 * <p>Inside, as in Dropwizard's health: a scheduler ({@code CheckScheduler}) runs each scheduled
 * check ({@code ScheduledCheck}, with an explicit run state), whose results enter the state
 * ({@code MonitorState}: flap damping, the snapshot, redaction in one place, listeners).
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
  /** The default startup deadline: how long first timeouts are retried before they count. */
  public static final Duration DEFAULT_STARTUP_DEADLINE = Duration.ofSeconds(30);

  private final MonitorState state;
  private final CheckScheduler checks;
  private final int size;
  private final Object lifecycle = new Object();
  private volatile boolean started;
  private volatile boolean closed;

  private HealthMonitor(Builder b) {
    Scheduler scheduler = b.scheduler != null ? b.scheduler : new ExecutorScheduler("vega-health-scheduler");
    this.state = new MonitorState(b.service, scheduler.clock(), Redactor.of(b.secrets), b.listeners,
        b.registrations, b.failOpen);
    String id = b.instanceId != null ? b.instanceId : Spread.detectInstanceId(System::getenv);
    this.checks = new CheckScheduler(scheduler, b.scheduler == null, b.runExecutor, b.heartbeatTimeout,
        new Spread(id, b.startSpread), b.startupDeadline, state, b.registrations);
    this.size = b.registrations.size();
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Starts the checks: each runs first within the start spread (5 s by default, so the first
   * results arrive promptly) and then every interval on a phase of its own, drawn from this task's
   * instance id, so that the tasks of a fleet do not call a dependency at the same instant. A check
   * whose dependency throttles or fails with 5xx backs off ({@link CheckPolicy#maxBackoff()}).
   */
  public HealthMonitor start() {
    synchronized (lifecycle) {
      if (started) {
        return this;
      }
      if (closed) {
        throw new IllegalStateException("monitor is closed");
      }
      started = true;
    }
    checks.start();
    LOG.log(System.Logger.Level.INFO, "vega-health: monitoring {0} checks for {1}", size,
        state.service().serviceId());
    return this;
  }

  /**
   * Why a service may not start: the first check feeding readiness (in registration order) whose
   * failure is evidence of a fault by its kind, or that still failed at the end of the startup
   * deadline.
   *
   * @param check the check's name
   * @param status DOWN or UNKNOWN
   * @param kind why; {@link ErrorKind#conclusive()} when it stopped the start before the deadline
   * @param message what the check found
   * @param hint the runbook's next step
   */
  public record StartupFailure(String check, Status status, ErrorKind kind, String message, String hint) {
    /** One log line: {@code check s3 DOWN: <message> (next: <hint>)}. */
    public String line() {
      return "check " + check + " " + status + ": " + message + " (next: " + hint + ")";
    }
  }

  /** {@link #awaitReady(Predicate)} with no failure tolerated. */
  public Optional<StartupFailure> awaitReady() throws InterruptedException {
    return awaitReady(r -> false);
  }

  /**
   * Waits, from start, until this service is ready or evidently cannot be, judged on evidence: for
   * a process nobody restarts (an ECS RunTask task) that must decide once whether to do its work.
   *
   * <p>Every check feeding readiness must answer UP or DEGRADED. A failure that is evidence of a
   * fault by its kind ({@link ErrorKind#conclusive()}: refused, denied, not found, bad credentials,
   * a migration missing…) stops the wait at once. Anything else (a timeout above all: a cold JVM's
   * first call is often slower than a check's timeout) is retried by the monitor with more time
   * until the startup deadline ({@link Builder#startupDeadline}, 30 s by default), and stops the
   * start only if it still fails then. Returns within the deadline plus the longest timeout.
   *
   * @param tolerated failing results that do not stop the start (maintenance: a missing migration
   *     is what it is about to apply)
   * @return empty when ready; otherwise the first failing check
   * @throws IllegalStateException when the monitor has not been started
   */
  public Optional<StartupFailure> awaitReady(Predicate<CheckResult> tolerated) throws InterruptedException {
    Objects.requireNonNull(tolerated, "tolerated");
    if (!started) {
      throw new IllegalStateException("start the monitor before waiting for it to be ready");
    }
    return StartupWait.await(state, checks, tolerated, () -> closed);
  }

  /** The latest published snapshot. Never blocks, never calls a dependency. */
  public HealthSnapshot snapshot() {
    return state.snapshot();
  }

  /**
   * Whether the monitor itself is alive: started, not closed, and its scheduler thread took its
   * last heartbeat recently. This is what liveness means for the module: process-local only.
   */
  public boolean alive() {
    return started && !closed && checks.healthy();
  }

  public ServiceInfo service() {
    return state.service();
  }

  public void addListener(StatusListener listener) {
    state.addListener(Objects.requireNonNull(listener, "listener"));
  }

  /** Stops scheduling; runs in flight are interrupted. Idempotent. */
  @Override
  public void close() {
    synchronized (lifecycle) {
      if (closed) {
        return;
      }
      closed = true;
    }
    checks.close();
    state.close();
  }

  /** Builds a {@link HealthMonitor}. Check names must be unique. */
  public static final class Builder {
    private ServiceInfo service = ServiceInfo.of("unknown-service");
    private @Nullable Scheduler scheduler;
    private @Nullable Executor runExecutor;
    private final List<CheckRegistration> registrations = new ArrayList<>();
    private final List<StatusListener> listeners = new ArrayList<>();
    private final Set<String> secrets = new LinkedHashSet<>();
    private Duration heartbeatTimeout = Duration.ofSeconds(10);
    private @Nullable String instanceId;
    private Duration startSpread = Spread.DEFAULT_START_SPREAD;
    private @Nullable Duration maxBackoff; // VEGA_HEALTH_MAX_BACKOFF, applied at build
    private Duration startupDeadline = DEFAULT_STARTUP_DEADLINE;
    private boolean failOpen = true;

    private Builder() {}

    /**
     * This task's id, from which each check's phase is drawn (stable for a task, different across
     * tasks). By default the container id in {@code ECS_CONTAINER_METADATA_URI_V4}, else
     * {@code HOSTNAME}, else a random id drawn once per process.
     */
    public Builder instanceId(String instanceId) {
      Objects.requireNonNull(instanceId, "instanceId");
      if (instanceId.isBlank()) {
        throw new IllegalArgumentException("instanceId must not be blank");
      }
      this.instanceId = instanceId;
      return this;
    }

    /**
     * The window after start within which the checks' first runs are spread (each at most its
     * interval); default 5 s (VEGA_HEALTH_START_SPREAD). Zero turns spreading off: every check runs
     * at start and then on its interval from there, as every task of a fleet then does at once.
     */
    public Builder startSpread(Duration startSpread) {
      this.startSpread = upToMaxDuration(startSpread, "startSpread");
      return this;
    }

    /**
     * How long after start a check whose runs have only timed out is retried, with more time each
     * run, instead of reported DOWN (VEGA_HEALTH_STARTUP_DEADLINE; default 30 s). A cold JVM's first
     * SDK call (class loading, credentials, connections) often takes longer than a check's timeout
     * on a small Fargate task; that is not evidence that the network is broken. Until then such a
     * check reports UNKNOWN ("starting"), which keeps a new task out of readiness; a failure that is
     * evidence by its kind (refused, denied, not found…) is reported at once. Zero: every timeout
     * is reported as it happens.
     */
    public Builder startupDeadline(Duration deadline) {
      this.startupDeadline = upToMaxDuration(deadline, "startupDeadline");
      return this;
    }

    /**
     * Whether readiness fails open once the task has been ready (default true): a dependency every
     * task shares then no longer fails {@code /ready}, only a check of the task itself does
     * ({@link ComponentType#SYSTEM}); see {@link HealthSnapshot#status(HealthProbe)}. ECS replaces
     * every service task that fails its target group's health check, so strict readiness turns a
     * shared database outage into the replacement of every task. False: readiness follows every
     * critical check all the time (an orchestrator that only stops routing, never replaces).
     */
    public Builder failOpen(boolean failOpen) {
      this.failOpen = failOpen;
      return this;
    }

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
     * are masked in every message, hint and observed value, whatever a driver puts there; a null
     * (a setting that is not set) is ignored.
     */
    public Builder secretValues(@Nullable String... values) {
      for (String v : values) {
        if (v != null) {
          secrets.add(v);
        }
      }
      return this;
    }

    /** How long the scheduler thread may go without a heartbeat before liveness fails. */
    public Builder heartbeatTimeout(Duration timeout) {
      if (timeout.compareTo(CheckScheduler.minHeartbeatTimeout()) < 0) {
        throw new IllegalArgumentException("heartbeatTimeout must be at least 2s, was " + timeout);
      }
      this.heartbeatTimeout = timeout;
      return this;
    }

    /**
     * Where time and delayed tasks come from; by default a daemon thread of the monitor's own and
     * the system's clock, closed with the monitor. A given scheduler is not closed by the monitor.
     * Its {@link Scheduler#clock()} is the monitor's only clock: wall time (result timestamps) and
     * monotonic time (durations, deadlines) both come from it. Tests pass a manual one, so that
     * time is advanced by hand.
     */
    public Builder scheduler(Scheduler scheduler) {
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
      return this;
    }

    /** Where runs execute. Defaults to a pool bounded by the number of checks. */
    public Builder runExecutor(Executor executor) {
      this.runExecutor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /**
     * Applies the fleet settings: {@code VEGA_HEALTH_START_SPREAD} (seconds) to
     * {@link #startSpread}, {@code VEGA_HEALTH_MAX_BACKOFF} (seconds) to the policy of every check
     * registered when {@link #build()} runs (never below a check's interval). Unset ones keep the
     * defaults.
     *
     * @throws IllegalArgumentException naming the setting whose value is malformed
     */
    public Builder settings(VegaSettings settings) {
      MonitorSettings.apply(Objects.requireNonNull(settings, "settings"), this);
      return this;
    }

    /**
     * The longest wait between runs of any check whose dependency throttles or fails with 5xx
     * (VEGA_HEALTH_MAX_BACKOFF), applied when {@link #build()} runs to the policy of every check
     * registered, never below that check's interval (a cap at the interval turns backoff off).
     * Unset, each check keeps its own policy's cap (by default the smaller of 8 intervals and 300 s).
     */
    public Builder maxBackoff(Duration cap) {
      this.maxBackoff = upToMaxDuration(cap, "maxBackoff");
      return this;
    }

    private static Duration upToMaxDuration(Duration d, String name) {
      Objects.requireNonNull(d, name);
      if (d.isNegative() || d.compareTo(CheckPolicy.MAX_DURATION) > 0) {
        throw new IllegalArgumentException(name + " must be from 0 to " + CheckPolicy.MAX_DURATION + ", was " + d);
      }
      return d;
    }

    public HealthMonitor build() {
      Duration max = maxBackoff;
      if (max != null) {
        for (int i = 0; i < registrations.size(); i++) {
          CheckRegistration r = registrations.get(i);
          Duration cap = max.compareTo(r.policy().interval()) < 0 ? r.policy().interval() : max;
          registrations.set(i, r.withPolicy(r.policy().toBuilder().maxBackoff(cap).build()));
        }
      }
      return new HealthMonitor(this);
    }
  }
}
