package com.example.vega.examples.common;

import com.example.vega.health.HealthMonitor;
import com.example.vega.health.ServiceInfo;
import com.example.vega.health.VegaSettings;
import com.example.vega.health.checks.ConfigCheck;
import com.example.vega.health.checks.VegaChecks;
import com.example.vega.health.VegaRole;
import com.example.vega.health.http.DetailAccess;
import com.example.vega.health.http.HealthServer;
import com.example.vega.health.telemetry.HealthTelemetry;
import com.example.vega.health.trace.TraceLogFormatter;
import com.example.vega.health.trace.ScanTracing;
import com.example.vega.health.trace.VegaOpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import com.example.vega.health.CheckResult;
import com.example.vega.health.CheckState;
import com.example.vega.health.Status;
import java.util.function.ToIntFunction;
import com.example.vega.health.CheckPolicy;
import com.example.vega.health.CheckRegistration;
import org.jspecify.annotations.Nullable;

/**
 * What every example service embeds, as a Vega service would: its settings validated at start
 * (fail fast, naming the setting), its role's checks in the background, the health endpoints on a
 * probe port of their own, and OpenTelemetry configured by the standard {@code OTEL_*} variables.
 */
public final class ServiceRuntime implements AutoCloseable {
  /**
   * The exit code of a service that stopped at start because a dependency failed its check with
   * evidence of a fault, or still failed at the end of the startup deadline.
   */
  public static final int NOT_READY = 3;
  private static final System.Logger LOG = System.getLogger(ServiceRuntime.class.getName());
  private final VegaRole role;
  private final Env env;
  private final OpenTelemetrySdk otel;
  private final ScanTracing tracing;
  private final ServiceInfo service;
  private final HealthTelemetry telemetry;
  private static final String VERSION = "0.1.0";
  private @Nullable HealthMonitor monitor; // from startHealth on
  private @Nullable HealthServer health;

  /**
   * How every example service describes itself, on its health+json and its telemetry resource
   * ({@code service.version}, {@code deployment.environment.name}): {@code VEGA_VERSION} else the
   * examples' version, {@code VEGA_ENVIRONMENT} else {@code local}.
   */
  public static ServiceInfo serviceInfo(String serviceName, Map<String, String> environment) {
    Env env = new Env(environment);
    return new ServiceInfo(serviceName, env.get("VEGA_VERSION", VERSION), env.get("VEGA_RELEASE_ID", "local"),
        serviceName, env.get("VEGA_ENVIRONMENT", "local"));
  }

  public ServiceRuntime(VegaRole role, Map<String, String> environment) {
    this.role = role;
    this.env = new Env(environment);
    ConfigCheck.validate(role, settings());
    this.service = serviceInfo(role.serviceName(), environment);
    this.otel = VegaOpenTelemetry.builder(service).environment(environment).shutdownHook(false).build();
    this.tracing = ScanTracing.create(otel);
    this.telemetry = HealthTelemetry.create(otel, role.hintName());
  }

  /**
   * The {@code main} of a plain-JVM service (the runner, maintenance): log lines joined to traces,
   * then the process exits with the code {@code service} returns for the process environment.
   */
  public static void exitWith(ToIntFunction<Map<String, String>> service) {
    Map<String, String> env = System.getenv();
    joinLogLinesToTraces(env);
    System.exit(service.applyAsInt(env));
  }

  /**
   * For a plain JVM logging through java.util.logging (the runner, maintenance): each line joined
   * to the current trace, as text or, with {@code VEGA_LOG_FORMAT=json}, one JSON object per line.
   */
  public static void joinLogLinesToTraces(Map<String, String> environment) {
    TraceLogFormatter lines = new TraceLogFormatter("json".equalsIgnoreCase(
        environment.getOrDefault("VEGA_LOG_FORMAT", "text")));
    for (java.util.logging.Handler h : java.util.logging.Logger.getLogger("").getHandlers()) {
      h.setFormatter(lines);
    }
  }

  public VegaSettings settings() {
    return env.map()::get;
  }

  public Env env() {
    return env;
  }

  public ScanTracing tracing() {
    return tracing;
  }

  /** Registers the role's checks with the clients the service already has, and serves health. */
  public HealthMonitor startHealth(VegaChecks.Clients clients) throws IOException {
    HealthMonitor m = HealthMonitor.builder()
        .service(service)
        .settings(settings()) // VEGA_HEALTH_START_SPREAD, _MAX_BACKOFF, _STARTUP_DEADLINE
        // meters, status-change log records and check-run spans, exported as OTEL_* says
        .registerAll(telemetry.instrument(tuned(VegaChecks.forRole(role, settings(), clients))))
        .listener(telemetry)
        .secretValues(VegaChecks.secretValues(settings()).toArray(String[]::new))
        .build()
        .start();
    monitor = m;
    int port = env.port("VEGA_HEALTH_PORT", 0);
    List<String> problems = new ArrayList<>();
    HealthServer.Options limits = HealthServer.Options.fromSettings(settings(), problems::add);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
    health = HealthServer.start(m, new InetSocketAddress(InetAddress.getLoopbackAddress(), port),
        DetailAccess.loopback(), limits);
    return m;
  }

  /**
   * {@code VEGA_HEALTH_INTERVAL} (an ISO-8601 duration) caps every check's interval: the demo wants
   * answers in seconds, production keeps the profile's intervals.
   */
  private List<CheckRegistration> tuned(List<CheckRegistration> regs) {
    String cap = env.get("VEGA_HEALTH_INTERVAL");
    if (cap == null) {
      return regs;
    }
    Duration max;
    try {
      max = Duration.parse(cap);
    } catch (java.time.format.DateTimeParseException e) {
      throw new IllegalArgumentException("VEGA_HEALTH_INTERVAL must be an ISO-8601 duration like PT5S, was '" + cap + "'");
    }
    List<CheckRegistration> out = new ArrayList<>();
    for (CheckRegistration r : regs) {
      CheckPolicy p = r.policy();
      if (p.interval().compareTo(max) > 0) {
        Duration timeout = p.timeout().compareTo(max) > 0 ? max : p.timeout();
        p = p.toBuilder().interval(max).timeout(timeout).failureThreshold(1).successThreshold(1).build();
      }
      out.add(r.withPolicy(p));
    }
    return out;
  }

  /**
   * Waits until the service's critical checks answer, judged on evidence (see
   * {@link HealthMonitor#awaitReady}); logs every failing check with its hint when one stops the
   * start. Empty when ready.
   */
  public Optional<HealthMonitor.StartupFailure> awaitReady(Predicate<CheckResult> tolerated)
      throws InterruptedException {
    Optional<HealthMonitor.StartupFailure> failure = monitor().awaitReady(tolerated);
    if (failure.isPresent()) {
      for (CheckState c : monitor().snapshot().checks()) {
        CheckResult r = c.lastResult();
        if (r != null && r.status() != Status.UP) {
          LOG.log(System.Logger.Level.WARNING, "check " + c.name() + " " + r.status() + ": " + r.message()
              + " (next: " + r.hint() + ")");
        }
      }
    }
    return failure;
  }

  public HealthMonitor monitor() {
    if (monitor == null) {
      throw new IllegalStateException("startHealth has not run");
    }
    return monitor;
  }

  public int healthPort() {
    if (health == null) {
      throw new IllegalStateException("startHealth has not run");
    }
    return health.port();
  }

  @Override
  public void close() {
    if (health != null) {
      health.close();
    }
    if (monitor != null) {
      monitor.close();
    }
    otel.shutdown().join(5, java.util.concurrent.TimeUnit.SECONDS);
  }
}
