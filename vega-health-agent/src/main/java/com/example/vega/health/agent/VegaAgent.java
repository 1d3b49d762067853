package com.example.vega.health.agent;

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
 */
public final class VegaAgent {
  private static final System.Logger LOG = System.getLogger(VegaAgent.class.getName());
  private static volatile @Nullable AgentRuntime runtime;

  private VegaAgent() {}

  public static void premain(@Nullable String args, Instrumentation inst) {
    start();
  }

  public static void premain(@Nullable String args) {
    start();
  }

  /** Attached to a running JVM: same as premain, minus the trace continuation of the main thread. */
  public static void agentmain(@Nullable String args, Instrumentation inst) {
    start();
  }

  private static void start() {
    try {
      Map<String, String> env = System.getenv();
      VegaSettings settings = VegaSettings.environment();
      tracing(env, settings);
      Thread t = new Thread(() -> startRuntime(settings), "vega-health-agent-start");
      t.setDaemon(true);
      t.start();
    } catch (Throwable e) {
      warnOnce("could not start", e);
    }
  }

  private static void tracing(Map<String, String> env, VegaSettings settings) {
    try {
      if (AgentTracing.sdkWanted(env)) {
        String name = AgentConfig.from(settings).service().serviceId();
        AgentTracing.installSdk(name);
      }
    } catch (Throwable e) {
      LOG.log(System.Logger.Level.WARNING, "vega-health-agent: OpenTelemetry not initialised: "
          + Text.oneLine(String.valueOf(e))
          + ". If the application sets up OpenTelemetry itself, set VEGA_HEALTH_OTEL=off;"
          + " the application runs on without the agent's tracing.");
    }
    try {
      String traceId = AgentTracing.continueFromEnvironment(env);
      if (traceId != null) {
        LOG.log(System.Logger.Level.INFO, "vega-health-agent: continuing trace {0} from TRACEPARENT", traceId);
      }
    } catch (Throwable e) {
      LOG.log(System.Logger.Level.WARNING, "vega-health-agent: TRACEPARENT not continued: "
          + Text.oneLine(String.valueOf(e)) + "; the trace restarts in this process.");
    }
  }

  private static void startRuntime(VegaSettings settings) {
    List<String> problems = new ArrayList<>();
    try {
      AgentConfig config = AgentConfig.from(settings);
      runtime = AgentRuntime.start(config, settings, problems);
      if (!problems.isEmpty()) {
        LOG.log(System.Logger.Level.WARNING, "vega-health-agent: " + String.join("; ", problems));
      }
    } catch (Throwable e) {
      problems.add(e instanceof java.io.IOException
          ? e.getMessage() + ": set VEGA_HEALTH_PORT to a free port (default 8081)"
          : String.valueOf(e));
      LOG.log(System.Logger.Level.WARNING, "vega-health-agent: /v1/healthz is not served: "
          + Text.oneLine(String.join("; ", problems)) + ". The application runs on without it.");
    }
  }

  private static void warnOnce(String what, Throwable e) {
    try {
      LOG.log(System.Logger.Level.WARNING, "vega-health-agent: " + what + ": "
          + Text.oneLine(String.valueOf(e)) + ". The application runs on without /v1/healthz.");
    } catch (Throwable ignored) {
      // logging itself failed; the host must still start
    }
  }

  /** The running agent, for tests in the same JVM. */
  static @Nullable AgentRuntime runtime() {
    return runtime;
  }
}
