package com.example.vega.examples.demo;

import com.example.vega.examples.boot.VegaBootService;
import com.example.vega.examples.common.Aws;
import com.example.vega.examples.worker.LocalRunnerLauncher;
import com.example.vega.examples.worker.WorkerService;
import com.example.vega.health.CheckResult;
import com.example.vega.health.CheckState;
import com.example.vega.health.Status;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The local demo: every Vega service on embedded defaults (PostgreSQL, SQS via ElasticMQ, S3 via
 * s3proxy, a fake LLM provider, local execution mode), one scan submitted and followed to the end,
 * then each service's health and the scan's trace as a waterfall.
 *
 * <p>{@code --break <fault>} breaks one thing on purpose and shows which service reports it, with
 * which hint. {@code --zipkin <url>} also sends every span to a Zipkin server (as well as to the
 * demo's own collector) and prints the trace's page there; with {@code OTEL_EXPORTER_OTLP_ENDPOINT}
 * set, spans, meters and log records go to that OTLP endpoint (Jaeger, Tempo, a collector)
 * instead, and the demo prints what to search for. Exits 0 when the scan finished and everything is healthy (or, with --break, when the
 * fault was reported by the service that should report it); 1 otherwise.
 */
public final class LocalDemo {
  /** The faults --break knows, and the service and check that must report each. */
  static final Map<String, String[]> FAULTS = new LinkedHashMap<>();

  static {
    FAULTS.put("postgres-down", new String[] {"vega-worker", "postgres"});
    FAULTS.put("migration-missing", new String[] {"vega-worker", "postgres"});
    FAULTS.put("queue-missing", new String[] {"vega-worker", "sqs"});
    FAULTS.put("proxy-token-expired", new String[] {"vega-v16-runner", "llm-proxy"});
    FAULTS.put("artifacts-bucket-missing", new String[] {"vega-v16-runner", "s3"});
  }

  private static final PrintStream OUT = System.out;
  /** A Zipkin server to send the spans to as well (--zipkin), or null. */
  private static @Nullable String zipkin;
  /** Whether to run {@code doctor smoke} against the demo's API at the end (--smoke). */
  private static boolean smoke;
  private static final Pattern ID = Pattern.compile("\"id\":\"([a-z0-9-]+)\"");
  private static final Pattern STATUS = Pattern.compile("\"status\":\"([a-z]+)\"");

  private LocalDemo() {}

  public static void main(String[] args) throws Exception {
    String fault = null;
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--break") && i + 1 < args.length) {
        fault = args[++i];
      } else if (args[i].startsWith("--break=")) {
        fault = args[i].substring(8);
      } else if (args[i].equals("--smoke")) {
        smoke = true;
      } else if (args[i].equals("--zipkin") && i + 1 < args.length) {
        zipkin = args[++i].replaceAll("/+$", "");
      } else {
        System.err.println("usage: vega-demo [--break " + String.join("|", FAULTS.keySet()) + "] [--zipkin http://127.0.0.1:9411] [--smoke]");
        System.exit(2);
      }
    }
    if (fault != null && !FAULTS.containsKey(fault)) {
      System.err.println("unknown fault '" + fault + "'; known: " + String.join(", ", FAULTS.keySet()));
      System.exit(2);
    }
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    boolean ok;
    try {
      ok = run(fault);
    } catch (Throwable e) {
      // The embedded SQS keeps non-daemon threads: without exit, a failed start would hang the demo.
      e.printStackTrace();
      ok = false;
    }
    System.exit(ok ? 0 : 1);
  }

  static boolean run(@Nullable String fault) throws Exception {
    // {service, check} that must report the fault; main accepts only the faults named in FAULTS
    String[] expected = fault == null ? null : Objects.requireNonNull(FAULTS.get(fault), fault);
    Path logs = Files.createTempDirectory("vega-demo-");
    OUT.println("Vega local demo" + (fault == null ? "" : " (breaking: " + fault + ")") + "; logs in " + logs);
    Map<String, String> aws = new HashMap<>();
    if (System.getenv("AWS_ENDPOINT_URL") != null) {
      System.getenv().forEach((k, v) -> {
        if (k.startsWith("AWS_")) {
          aws.put(k, v);
        }
      });
    }
    Map<String, String> otel = new HashMap<>();
    if (System.getenv("OTEL_EXPORTER_OTLP_ENDPOINT") != null) {
      System.getenv().forEach((k, v) -> {
        if (k.startsWith("OTEL_")) {
          otel.put(k, v);
        }
      });
    }
    Map<String, String> workerExtra = "proxy-token-expired".equals(fault)
        ? Map.of("VEGA_SCAN_TOKEN_TTL", "PT-1M") : Map.of();
    try (DemoStack stack = DemoStack.start(new DemoStack.Options(aws, otel, zipkin, workerExtra), logs,
        LocalDemo::step)) {
      EmbeddedPostgres pg = stack.postgres();
      Map<String, String> base = stack.settings();
      String dbUrl = Objects.requireNonNull(base.get("VEGA_DATABASE_URL"), "VEGA_DATABASE_URL");
      TraceCollector traces = stack.traces();
      VegaBootService api = stack.api();
      WorkerService worker = stack.worker();
      Map<String, DemoStack.Svc> services = stack.services();

      java.time.Instant brokenAt = null;
      if (fault != null) {
        step("breaking " + fault);
        Faults.apply(fault, pg, base, dbUrl);
        brokenAt = java.time.Instant.now();
      }

      HttpClient http = HttpClient.newHttpClient();
      String scanId = null;
      String finalStatus = "not submitted";
      if (!"postgres-down".equals(fault) && !"queue-missing".equals(fault) && !"migration-missing".equals(fault)) {
        step("submitting a scan to POST /v1/scans");
        HttpResponse<String> created = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + api.port() + "/v1/scans"))
            .POST(HttpRequest.BodyPublishers.ofString("password = 'hunter2'\ncursor.execute(request.args['q'])\n"))
            .build(), HttpResponse.BodyHandlers.ofString());
        Matcher m = ID.matcher(created.body());
        if (created.statusCode() != 202 || !m.find()) {
          OUT.println("    POST /v1/scans -> " + created.statusCode() + " " + created.body());
        } else {
          scanId = m.group(1);
          finalStatus = follow(http, api.port(), scanId);
          String prefix = "scans/" + scanId + "/";
          try (var s3 = new Aws(base).s3()) {
            s3.listObjectsV2(b -> b.bucket("vega-artifacts").prefix(prefix)).contents()
                .forEach(o -> OUT.println("    artifact s3://vega-artifacts/" + o.key() + " (" + o.size() + " bytes)"));
          } catch (RuntimeException e) {
            OUT.println("    no artifacts: " + e.getClass().getSimpleName());
          }
        }
      }
      if (worker.launcher() instanceof LocalRunnerLauncher local) {
        local.awaitChildren(30_000);
      }
      Thread.sleep(500); // let the last spans arrive
      DemoStack.Svc broken = expected == null ? null : services.get(expected[0]);
      if (brokenAt != null && expected != null && broken != null) {
        awaitDiagnosis(broken, expected[1], brokenAt.plusSeconds(2));
      }

      OUT.println();
      OUT.println("== health, as each service reports it");
      Map<String, List<String[]>> notUp = new LinkedHashMap<>();
      for (Map.Entry<String, DemoStack.Svc> e : services.entrySet()) {
        notUp.put(e.getKey(), printHealth(e.getKey(), e.getValue()));
      }
      List<String[]> runnerReports = runnerChecks(logs);
      notUp.put("vega-v16-runner", runnerReports);
      boolean runnerRan;
      try (var files = Files.list(logs)) {
        runnerRan = files.findAny().isPresent();
      }
      OUT.printf("  %-16s %s%n", "vega-v16-runner", !runnerRan ? "not launched (no scan reached the worker)"
          : runnerReports.isEmpty() ? "all checks UP (from its log)" : runnerReports.size() + " checks not UP (from its log)");
      for (String[] r : runnerReports) {
        OUT.printf("      %-12s %-8s %s%n      %12s next: %s%n", r[0], r[1], r[2], "", r[3]);
      }

      if (scanId != null) {
        OUT.println();
        OUT.println("== the scan's trace (" + scanId + ")");
        String id = scanId;
        String traceId = traces.spans().stream()
            .filter(s -> id.equals(s.attributes().get("vega.scan.id")))
            .map(TraceCollector.Received::traceId).findFirst().orElse(null);
        OUT.print(traceId == null ? "(no spans received)\n" : Waterfall.render(traces.trace(traceId)));
        if (traceId != null) {
          OUT.println();
          OUT.println("== the scan's service map (from the same spans)");
          OUT.print(ServiceMap.render(traces.trace(traceId)));
        }
        if (traceId != null && zipkin != null) {
          OUT.println("    in Zipkin: " + zipkin + "/zipkin/traces/" + traceId);
        }
        if (System.getenv("OTEL_EXPORTER_OTLP_ENDPOINT") != null) {
          OUT.println("    in your backend: search the tag vega.scan.id=" + id
              + " (or the trace id in the services' log lines, trace_id)");
        }
      }

      int smokeExit = 0;
      if (smoke) {
        smokeExit = smokeTest(api.port(), base);
        if (worker.launcher() instanceof LocalRunnerLauncher local) {
          local.awaitChildren(30_000);
        }
      }
      if (expected == null) {
        boolean healthy = notUp.values().stream().allMatch(List::isEmpty);
        OUT.println();
        OUT.println("scan " + scanId + " " + finalStatus + "; services " + (healthy ? "healthy" : "NOT healthy")
            + (smoke ? "; smoke test " + (smokeExit == 0 ? "passed" : "FAILED (doctor smoke exit " + smokeExit + ")") : ""));
        return "done".equals(finalStatus) && healthy && smokeExit == 0;
      }
      boolean reported = notUp.getOrDefault(expected[0], List.of()).stream().anyMatch(r -> r[0].equals(expected[1]));
      OUT.println();
      OUT.println(reported
          ? "fault '" + fault + "' reported by " + expected[0] + " (check " + expected[1] + "), as it should be"
          : "fault '" + fault + "' was NOT reported by " + expected[0] + " (check " + expected[1] + ")");
      return reported;
    }
  }

  /**
   * {@code java -jar vega-health-agent.jar doctor smoke --url <the demo's API>} as an operator runs
   * it (the jar the build made, {@code -Dvega.agent.jar} to choose another), with the demo's
   * settings; prints its report and returns its exit code.
   */
  private static int smokeTest(int apiPort, Map<String, String> settings) throws Exception {
    OUT.println();
    OUT.println("== the smoke test (doctor smoke)");
    Path jar = Path.of(System.getProperty("vega.agent.jar", "vega-health-agent/target/vega-health-agent.jar"));
    if (!Files.isRegularFile(jar)) {
      OUT.println("    " + jar + " is missing: build vega-health-agent first (./mvnw -pl examples -am package)");
      return 2;
    }
    String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb = new ProcessBuilder(javaBin, "-Dsun.stdout.encoding=UTF-8", "-Dstdout.encoding=UTF-8", "-jar",
        jar.toString(), "doctor", "smoke", "--url", "http://127.0.0.1:" + apiPort, "--wait", "60s", "--plain")
        .redirectErrorStream(true);
    settings.forEach((k, v) -> {
      if (!k.startsWith("OTEL_")) {
        pb.environment().put(k, v);
      }
    });
    Process p = pb.start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    int exit = p.waitFor();
    out.lines().forEach(l -> OUT.println("    " + l));
    return exit;
  }

  private static void step(String what) {
    OUT.println("--> " + what);
  }

  /**
   * Waits (at most 15 s) until the check has reported a result from a run that started after the
   * fault had settled: the first run may only have seen a timeout, the next one names the cause.
   */
  private static void awaitDiagnosis(DemoStack.Svc rt, String check, java.time.Instant after)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (System.nanoTime() < deadline) {
      CheckState c = rt.monitor().snapshot().check(check);
      if (c != null && c.status() != Status.UP && c.lastResult() != null && c.lastResult().time() != null
          && c.lastResult().time().minus(c.lastResult().duration()).isAfter(after)) {
        return;
      }
      Thread.sleep(100);
    }
  }

  private static String follow(HttpClient http, int port, String scanId) throws Exception {
    String last = "";
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + port + "/v1/scans/" + scanId)).build(), HttpResponse.BodyHandlers.ofString());
      Matcher m = STATUS.matcher(r.body());
      String status = m.find() ? m.group(1) : "?";
      if (!status.equals(last)) {
        OUT.println("    " + scanId + " " + status + (status.equals("failed") || status.equals("done") ? "  " + r.body() : ""));
        last = status;
      }
      if (status.equals("done") || status.equals("failed")) {
        return status;
      }
      Thread.sleep(100);
    }
    return last + " (gave up after 60s)";
  }

  /** Prints a service's checks; returns those not UP as {check, status, message, hint}. */
  private static List<String[]> printHealth(String service, DemoStack.Svc rt) {
    List<String[]> bad = new ArrayList<>();
    List<CheckState> checks = rt.monitor().snapshot().checks();
    StringBuilder ok = new StringBuilder();
    for (CheckState c : checks) {
      CheckResult r = c.lastResult();
      if (c.status() == Status.UP) {
        ok.append(c.name()).append(' ');
      } else {
        bad.add(new String[] {c.name(), c.status().name(), r == null ? "not checked yet" : r.message(),
            r == null ? "" : r.hint()});
      }
    }
    OUT.printf("  %-16s %s (/v1/healthz on 127.0.0.1:%d)%n", service,
        rt.monitor().snapshot().status().healthJson(), rt.healthPort());
    OUT.printf("      UP: %s%n", ok.toString().trim());
    for (String[] b : bad) {
      OUT.printf("      %-12s %-8s %s%n      %12s next: %s%n", b[0], b[1], b[2], "", b[3]);
    }
    return bad;
  }

  // The runner's text log lines end with the trace fields (TraceLogFormatter) when inside the scan.
  private static final Pattern RUNNER_CHECK =
      Pattern.compile("check (\\S+) (\\w+): (.*) \\(next: (.*?)\\)(?: trace_id=\\S+ span_id=\\S+)?(?: vega\\.scan\\.id=\\S+)?$");

  /** The runner is a process of its own: it logs what its checks found before it starts work. */
  private static List<String[]> runnerChecks(Path logs) throws java.io.IOException {
    List<String[]> out = new ArrayList<>();
    try (var files = Files.list(logs)) {
      for (Path p : files.toList()) {
        for (String line : Files.readAllLines(p)) {
          Matcher m = RUNNER_CHECK.matcher(line);
          if (m.find()) {
            out.add(new String[] {m.group(1), m.group(2), m.group(3), m.group(4)});
          }
        }
      }
    }
    return out;
  }
}
