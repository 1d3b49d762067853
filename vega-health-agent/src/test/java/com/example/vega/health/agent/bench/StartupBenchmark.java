package com.example.vega.health.agent.bench;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Startup cost of the agent: runs {@link BenchHost} N times without and with
 * {@code -javaagent}, and prints medians of the added time to main (premain's cost), the time to
 * the first /v1/healthz/live answer, and the added heap after GC.
 *
 * <pre>
 * java -cp vega-health-agent/target/test-classes com.example.vega.health.agent.bench.StartupBenchmark \
 *     vega-health-agent/target/vega-health-agent.jar 15 [VEGA_DATABASE_URL | tracing]
 * </pre>
 */
public final class StartupBenchmark {
  private StartupBenchmark() {}

  public static void main(String[] args) throws Exception {
    String jar = args[0];
    int runs = args.length > 1 ? Integer.parseInt(args[1]) : 15;
    String db = args.length > 2 ? args[2] : null;
    String cp = StartupBenchmark.class.getProtectionDomain().getCodeSource().getLocation().getPath();
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> jvm = List.of("-Xms64m", "-Xmx256m", "-XX:+UseSerialGC");
    Map<String, List<Long>> base = new HashMap<>();
    Map<String, List<Long>> agent = new HashMap<>();
    for (int i = 0; i < runs; i++) {
      List<String> plain = new ArrayList<>(List.of(java));
      plain.addAll(jvm);
      plain.addAll(List.of("-cp", cp, BenchHost.class.getName(), "none"));
      collect(run(plain, Map.of()), base);

      int port = 20000 + (int) (Math.random() * 20000);
      List<String> with = new ArrayList<>(List.of(java));
      with.addAll(jvm);
      with.addAll(List.of("-javaagent:" + jar, "-cp", cp, BenchHost.class.getName(),
          "http://127.0.0.1:" + port + "/v1/healthz/live"));
      Map<String, String> env = new HashMap<>();
      env.put("VEGA_HEALTH_PORT", String.valueOf(port));
      if ("tracing".equals(db)) {
        // The runner's case: SDK built before main, TRACEPARENT made current (nothing exported).
        env.put("TRACEPARENT", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
        env.put("OTEL_TRACES_EXPORTER", "none");
        env.put("OTEL_METRICS_EXPORTER", "none");
        env.put("OTEL_LOGS_EXPORTER", "none");
      } else if (db != null) {
        env.put("VEGA_HEALTH_ROLE", "maintenance");
        env.put("VEGA_ENVIRONMENT", "bench");
        env.put("VEGA_DATABASE_URL", db);
      }
      collect(run(with, env), agent);
    }
    long mainBase = median(base.get("mainAt"));
    long mainAgent = median(agent.get("mainAt"));
    System.out.printf("runs=%d role=%s%n", runs, db == null ? "none (deadlock check only)" : "tracing".equals(db)
        ? "none, with OTEL_* and TRACEPARENT (SDK built beside main)" : "maintenance (postgres, config, deadlock)");
    System.out.printf("time to main:            %4d ms without, %4d ms with agent: +%d ms (premain)%n",
        mainBase, mainAgent, mainAgent - mainBase);
    System.out.printf("first /live answer:      %4d ms after JVM start, %d ms after main started%n",
        median(agent.get("healthAt")), median(agent.get("healthAt")) - mainAgent);
    System.out.printf("  i.e. +%d ms after the baseline's main%n", median(agent.get("healthAt")) - mainBase);
    long heapBase = median(base.get("heapUsed"));
    long heapAgent = median(agent.get("heapUsed"));
    System.out.printf("heap used after GC:      %.1f MB without, %.1f MB with: +%.1f MB%n",
        heapBase / 1048576.0, heapAgent / 1048576.0, (heapAgent - heapBase) / 1048576.0);
    System.out.printf("classes loaded:          %d without, %d with%n", median(base.get("classes")), median(agent.get("classes")));
    System.out.printf("threads:                 %d without, %d with%n", median(base.get("threads")), median(agent.get("threads")));
  }

  private static Map<String, Long> run(List<String> cmd, Map<String, String> env) throws Exception {
    Path out = Files.createTempFile("bench", ".out");
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD);
    pb.environment().keySet().removeIf(k -> k.startsWith("VEGA_") || k.startsWith("OTEL_"));
    pb.environment().putAll(env);
    int code = pb.start().waitFor();
    Map<String, Long> m = new HashMap<>();
    for (String line : Files.readAllLines(out)) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        m.put(line.substring(0, eq), Long.parseLong(line.substring(eq + 1).trim()));
      }
    }
    Files.delete(out);
    if (code != 0) {
      throw new IllegalStateException("host exited " + code + ": " + cmd);
    }
    return m;
  }

  private static void collect(Map<String, Long> one, Map<String, List<Long>> all) {
    one.forEach((k, v) -> all.computeIfAbsent(k, x -> new ArrayList<>()).add(v));
  }

  private static long median(List<Long> values) {
    if (values == null || values.isEmpty()) {
      return -1;
    }
    Long[] a = values.toArray(Long[]::new);
    Arrays.sort(a);
    return a[a.length / 2];
  }

  @SuppressWarnings("unused")
  private static String sep() {
    return File.pathSeparator;
  }
}
