package com.example.vega.examples.worker;

import com.example.vega.health.trace.EcsCarrier;
import io.opentelemetry.context.Context;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jspecify.annotations.Nullable;

/**
 * Local mode: the runner as a child process with the environment a RunTask override would give
 * it: the task definition's environment (this worker's runner settings) plus the overrides and
 * the trace context, through the same carrier as ECS. No {@code ECS.RunTask} span: no ECS call is
 * made, and the runner's spans are children of the worker's process span.
 */
public final class LocalRunnerLauncher implements RunnerLauncher {
  private final Map<String, String> taskEnvironment;
  private final Path logDir;
  private final List<Process> children = new CopyOnWriteArrayList<>();

  public LocalRunnerLauncher(Map<String, String> taskEnvironment, Path logDir) {
    this.taskEnvironment = Map.copyOf(taskEnvironment);
    this.logDir = logDir;
  }

  @Override
  public String launch(Context context, Map<String, String> overrides) throws Exception {
    Map<String, String> env = new HashMap<>(taskEnvironment);
    env.putAll(overrides);
    env.putAll(EcsCarrier.environment(context));
    String javaExe = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String scanId = overrides.getOrDefault("VEGA_SCAN_ID", "scan");
    List<String> cmd = new ArrayList<>(List.of(javaExe));
    Path agent = agentJar();
    if (agent != null) {
      // As in the runner's task definition: JAVA_TOOL_OPTIONS=-javaagent:/opt/vega-health-agent.jar
      cmd.add("-javaagent:" + agent);
      env.put("VEGA_HEALTH_ROLE", "runner");
      env.put("VEGA_HEALTH_PORT", Integer.toString(com.example.vega.examples.common.LocalAws.freePort()));
      env.put("VEGA_HEALTH_OTEL", "off"); // the runner configures its own SDK from OTEL_*
    }
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"),
        "com.example.vega.examples.runner.RunnerMain"));
    ProcessBuilder pb = new ProcessBuilder(cmd)
        .redirectErrorStream(true)
        .redirectOutput(logDir.resolve("vega-v16-runner-" + scanId + ".log").toFile());
    pb.environment().clear();
    pb.environment().putAll(env);
    pb.environment().put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
    Process p = pb.start();
    children.add(p);
    return "local:" + p.pid();
  }

  /** Waits for the runners started so far (the demo flushes their spans before printing). */
  public void awaitChildren(long millis) throws InterruptedException {
    long deadline = System.currentTimeMillis() + millis;
    for (Process p : children) {
      p.waitFor(Math.max(1, deadline - System.currentTimeMillis()), java.util.concurrent.TimeUnit.MILLISECONDS);
    }
  }

  @Override
  public void close() {
    children.forEach(Process::destroy);
  }

  /**
   * The agent jar: {@code VEGA_AGENT_JAR}, or the one this repository builds. Null when there is
   * none; the runner then reports its own checks (the demo says which).
   */
  static @Nullable Path agentJar() {
    String configured = System.getenv("VEGA_AGENT_JAR");
    Path p = configured != null ? Path.of(configured) : Path.of("vega-health-agent", "target", "vega-health-agent.jar");
    if (!java.nio.file.Files.isRegularFile(p) && configured == null) {
      p = Path.of("..", "vega-health-agent", "target", "vega-health-agent.jar"); // tests run in examples/
    }
    return java.nio.file.Files.isRegularFile(p) ? p.toAbsolutePath().normalize() : null;
  }
}
