package com.example.vega.health.agent;

import com.example.vega.health.Setting;
import com.example.vega.health.VegaSettings;
import java.lang.instrument.Instrumentation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * {@code -javaagent:vega-health-agent.jar}: health for a JVM without Spring.
 *
 * <p>premain does only what must happen before {@code main} (tracing, when configured) and hands
 * the rest to a daemon thread: reading settings, building the role's checks, binding the health
 * port. Nothing it does can stop the application: every problem, including a missing class, is
 * logged once with what to fix, and {@code main} runs anyway.
 *
 * <p>premain is kept to plain JDK calls on purpose (no lambda, no logger, no core class unless
 * tracing is configured): each of those costs the host milliseconds before its {@code main}. The
 * methods declared here take and return JDK types only: the JVM finds premain by reflection, which
 * loads every class named in a declared method's signature.
 *
 * <p>In a JVM whose main is the agent's own ({@link Probe}, the ECS container health check, or
 * {@link Main}, the doctor), which {@code JAVA_TOOL_OPTIONS=-javaagent:...} reaches too, it does
 * nothing at all: there is no application to watch, and a second health server would contend for
 * the application's port.
 */
public final class VegaAgent {
  /** The running agent, reachable for the JVM's life (and findable in a heap dump). */
  @SuppressWarnings("UnusedVariable")
  private static volatile @Nullable AgentRuntime runtime;
  private static volatile @Nullable LateOpenTelemetry lateOtel;
  private static volatile @Nullable String continuedTrace;
  private static volatile @Nullable Thread sdkBuilder;
  /** The exit code when VEGA_HEALTH_AWAIT_READY=exit stops the JVM: a dependency failed its check at start. */
  static final int NOT_READY = 3;

  private VegaAgent() {}

  public static void premain(@Nullable String args, Instrumentation inst) {
    start(true);
  }

  public static void premain(@Nullable String args) {
    start(true);
  }

  /** Attached to a running JVM: the same, minus the trace continuation of the main thread. */
  public static void agentmain(@Nullable String args, Instrumentation inst) {
    start(false);
  }

  private static void start(boolean beforeMain) {
    try {
      if (ownMain(System.getProperty("sun.java.command"), System.getProperty("java.class.path"))) {
        return; // silent: the probe's one line on stderr is what the ECS health check shows
      }
      Map<String, String> env = System.getenv();
      if (beforeMain && (env.containsKey("TRACEPARENT") || env.containsKey("OTEL_EXPORTER_OTLP_ENDPOINT")
          || env.containsKey("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") || env.containsKey("OTEL_TRACES_EXPORTER")
          || env.containsKey(Setting.HEALTH_OTEL.key()))) {
        tracing(env);
      }
      LateOpenTelemetry late = lateOtel;
      if (late != null && late.delegate() == io.opentelemetry.api.OpenTelemetry.noop()) {
        Thread o = new Thread(new SdkBuilder(late), "vega-health-agent-otel");
        o.setDaemon(true);
        sdkBuilder = o;
        o.start();
      }
      Thread t = new Thread(new Starter(), "vega-health-agent-start");
      t.setDaemon(true);
      t.start();
      if (beforeMain) {
        Readiness.await(t, env);
      }
    } catch (Throwable e) {
      warn("could not start: " + e + ". The application runs on without /v1/healthz.");
    }
  }

  /**
   * Whether the JVM's main is {@link Probe} or {@link Main}, by name (the agent's package is not
   * relocated in the shaded jar, and the names are built from this class's package, so they would
   * follow if it were): {@code sun.java.command} starts with the main class for
   * {@code java -cp ... Probe}, and with the jar, which then heads the class path, for
   * {@code java -jar}: that jar's Main-Class decides. Unknown (another JVM, no such property, an
   * unreadable jar) is "no", and the agent starts as it always did.
   */
  static boolean ownMain(@Nullable String command, @Nullable String classPath) {
    if (command == null || command.isEmpty()) {
      return false;
    }
    // With -jar the class path starts with that jar (an agent's jar may be appended after it).
    String jar = classPath == null ? "" : classPath;
    int separator = jar.indexOf(java.io.File.pathSeparatorChar);
    if (separator >= 0) {
      jar = jar.substring(0, separator);
    }
    String main;
    if (!jar.isEmpty() && (command.equals(jar) || command.startsWith(jar + " "))) {
      main = manifestMain(jar);
    } else {
      int space = command.indexOf(' ');
      main = space < 0 ? command : command.substring(0, space);
    }
    String own = VegaAgent.class.getPackageName() + ".";
    return main != null && (main.equals(own + "Probe") || main.equals(own + "Main"));
  }

  private static @Nullable String manifestMain(String jarPath) {
    try (java.util.jar.JarFile jar = new java.util.jar.JarFile(jarPath, false)) {
      java.util.jar.Manifest manifest = jar.getManifest();
      return manifest == null ? null : manifest.getMainAttributes().getValue(java.util.jar.Attributes.Name.MAIN_CLASS);
    } catch (java.io.IOException | RuntimeException e) {
      return null;
    }
  }

  /**
   * VEGA_HEALTH_AWAIT_READY (default {@code wait} for the runner role, {@code off} otherwise): main
   * starts once the checks feeding readiness answered, or one failed with evidence of a fault, or
   * the startup deadline passed ({@link com.example.vega.health.HealthMonitor#awaitReady}). With
   * {@code exit}, a failing check stops the JVM with exit 3 and its hint before main: what a RunTask
   * runner, which ECS never replaces, should do rather than start a scan it cannot finish. A class
   * of its own, so that verifying {@code VegaAgent} in a Probe JVM loads none of the classes it uses.
   */
  private static final class Readiness {
    private Readiness() {}

    static void await(Thread starter, Map<String, String> env) throws InterruptedException {
      String mode = env.get(Setting.HEALTH_AWAIT_READY.key());
      String role = env.get(Setting.HEALTH_ROLE.key());
      if (mode == null || mode.isBlank()) {
        mode = role != null && role.trim().equalsIgnoreCase("runner") ? "wait" : "off";
      }
      mode = mode.trim();
      if (!Setting.HEALTH_AWAIT_READY.accepts(mode)) {
        warn(Setting.HEALTH_AWAIT_READY.key() + " is malformed: expected " + Setting.HEALTH_AWAIT_READY.shape()
            + "; main starts without waiting");
        return;
      }
      if (mode.equals("off")) {
        return;
      }
      long started = System.nanoTime();
      starter.join(60_000);
      AgentRuntime r = runtime;
      if (r == null) {
        warn("main starts without waiting for readiness: the health monitor did not start (see above)");
        return;
      }
      java.util.Optional<com.example.vega.health.HealthMonitor.StartupFailure> failure = r.monitor().awaitReady();
      long ms = (System.nanoTime() - started) / 1_000_000;
      if (failure.isEmpty()) {
        log(System.Logger.Level.INFO, "ready after " + ms + " ms; main starts");
        return;
      }
      if (mode.equals("exit")) {
        log(System.Logger.Level.ERROR, "not ready after " + ms + " ms, exit " + NOT_READY + " before main: "
            + failure.get().line());
        System.exit(NOT_READY);
      }
      warn("not ready after " + ms + " ms, main starts anyway (" + Setting.HEALTH_AWAIT_READY.key()
          + "=exit stops it instead): " + failure.get().line());
    }
  }

  private static void tracing(Map<String, String> env) {
    try {
      if (AgentTracing.sdkWanted(env)) {
        lateOtel = AgentTracing.installLate();
      }
    } catch (Throwable e) {
      warn("OpenTelemetry not initialised: " + Text.oneLine(String.valueOf(e))
          + ". If the application sets up OpenTelemetry itself, set VEGA_HEALTH_OTEL=off;"
          + " the application runs on without the agent's tracing.");
    }
    try {
      // Logged later by the agent's thread: the first log call initialises java.util.logging,
      // tens of milliseconds the host's main should not wait for.
      LateOpenTelemetry late = lateOtel;
      // With export configured, a task started with the worker's context gets its entry span.
      if (late != null && env.get("TRACEPARENT") != null) {
        try {
          continuedTrace = AgentTracing.enterTask(late, env);
          return;
        } catch (Throwable e) {
          warn("no entry span for TRACEPARENT: " + Text.oneLine(String.valueOf(e)) + "; main continues its context.");
        }
      }
      continuedTrace = AgentTracing.continueFromEnvironment(env);
    } catch (Throwable e) {
      warn("TRACEPARENT not continued: " + Text.oneLine(String.valueOf(e)) + "; the trace restarts in this process.");
    }
  }

  /** Builds the OpenTelemetry SDK beside the health start, on its own daemon thread. */
  private static final class SdkBuilder implements Runnable {
    private final LateOpenTelemetry late;

    SdkBuilder(LateOpenTelemetry late) {
      this.late = late;
    }

    @Override
    public void run() {
      try {
        AgentTracing.buildSdk(late, AgentConfig.from(VegaSettings.environment()).service());
      } catch (Throwable e) {
        warn("OpenTelemetry SDK not built from OTEL_*: " + Text.oneLine(String.valueOf(e))
            + "; spans are not exported. Check the OTEL_* settings.");
      }
    }
  }

  /** Everything else, on a daemon thread. */
  private static final class Starter implements Runnable {
    @Override
    public void run() {
      List<String> problems = new ArrayList<>();
      String traceId = continuedTrace;
      if (traceId != null) {
        log(System.Logger.Level.INFO, "main continues trace " + traceId + " from TRACEPARENT");
      }
      try {
        VegaSettings settings = VegaSettings.environment();
        AgentConfig config = AgentConfig.from(settings);
        runtime = AgentRuntime.start(config, settings, problems, builtSdk());
        if (!problems.isEmpty()) {
          warn(String.join("; ", problems));
        }
      } catch (Throwable e) {
        problems.add(e instanceof java.io.IOException
            ? e.getMessage() + ": set VEGA_HEALTH_PORT to a free port (default 8081)"
            : String.valueOf(e));
        warn("/v1/healthz is not served: " + Text.oneLine(String.join("; ", problems), 2000)
            + ". The application runs on without it.");
      }
    }

    /**
     * The SDK built from OTEL_*, once its builder (started beside this thread) is done, so the health
     * meters bind to it rather than to the no-op it replaces; null without one (or after 10 s).
     */
    private static io.opentelemetry.api.@Nullable OpenTelemetry builtSdk() throws InterruptedException {
      Thread b = sdkBuilder;
      LateOpenTelemetry late = lateOtel;
      if (late == null) {
        return null;
      }
      if (b != null) { // null: built before main (AgentTracing.enterTask)
        b.join(10_000);
      }
      io.opentelemetry.api.OpenTelemetry sdk = late.delegate();
      return sdk == io.opentelemetry.api.OpenTelemetry.noop() ? null : sdk;
    }
  }

  private static void warn(String message) {
    log(System.Logger.Level.WARNING, message);
  }

  private static void log(System.Logger.Level level, String message) {
    try {
      System.getLogger(VegaAgent.class.getName()).log(level, "vega-health-agent: " + message);
    } catch (Throwable ignored) {
      // logging itself failed; the host must still start
    }
  }
}
