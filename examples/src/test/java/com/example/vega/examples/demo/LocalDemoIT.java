package com.example.vega.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.vega.health.testing.ChildProcess;
import com.example.vega.health.testing.TestJvm;
import com.example.vega.health.testing.ZipkinServer;
import com.example.vega.health.testing.ZipkinServer.StoredSpan;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The README's main command, run as a user runs it: its own JVM, everything embedded, end to end. */
class LocalDemoIT {
  /**
   * A demo takes 13-20 s on 2 vCPUs of its own (2026-12-01); about twelve times that is for a loaded
   * CI machine. Only a hang fails here, with the demo's output.
   */
  private static final Duration DEMO_TIMEOUT = Duration.ofMinutes(4);
  /** The llm-proxy check's runbook hint for an expired scan token (LlmProxyCheck). */
  private static final String EXPIRED_TOKEN_HINT = "the runner needs a valid scan-scoped proxy token; a token lives"
      + " as long as its scan; check the worker issues tokens that outlast the runner's run time";

  private static Result demo(String... args) throws Exception {
    List<String> cmd = TestJvm.command();
    // --smoke runs the agent jar this build made (failsafe names it), whatever the working directory.
    cmd.add("-Dvega.agent.jar=" + com.example.vega.examples.testing.DoctorProcess.jar().toAbsolutePath());
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), LocalDemo.class.getName()));
    cmd.addAll(List.of(args));
    ChildProcess.Result r = ChildProcess.builder("LocalDemo " + String.join(" ", args), cmd)
        .removeEnv("AWS_ENDPOINT_URL") // embedded defaults, whatever the CI box has
        .timeout(DEMO_TIMEOUT).run();
    return new Result(r.exit(), r.out());
  }

  private record Result(int exit, String out) {}

  /**
   * The README's main command, with its --zipkin and --smoke options (one demo run for all three: the broken-demo
   * runs below take the path without it): one trace, printed and read back from a real Zipkin's
   * query API.
   */
  @Test
  void aScanTravelsEveryServiceInOneTraceEverythingIsHealthyAndTheSmokeTestPasses() throws Exception {
    try (ZipkinServer zipkin = ZipkinServer.start(Files.createTempFile("demo-zipkin-", ".log"))) {
      Result r = demo("--zipkin", zipkin.base(), "--smoke");
      String traceId = assertHealthyScan(r);
      assertSmokeTestPassed(r);
      assertThat(r.out()).contains("in Zipkin: " + zipkin.base() + "/zipkin/traces/" + traceId);
      List<StoredSpan> spans = List.of();
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      // Each service's exporter flushes as it exits; Zipkin indexes what it receives at once.
      while (System.nanoTime() < end && services(spans).size() < 4) {
        Thread.sleep(200);
        try {
          spans = zipkin.trace(traceId);
        } catch (java.io.IOException notYet) {
          // 404 until the trace's first span has arrived
        }
      }
      assertThat(services(spans)).as(spans.toString())
          .contains("vega-api", "vega-worker", "vega-v16-runner", "vega-llm-proxy");
      assertThat(spans).extracting(StoredSpan::kind).contains("PRODUCER", "CONSUMER", "CLIENT", "SERVER");
      assertThat(spans).allSatisfy(s -> assertThat(s.traceId()).isEqualTo(traceId));
      assertThat(spans.toString()).doesNotContainPattern("eyJ[A-Za-z0-9_-]{10,}\\.").doesNotContain("provider-key-", "signing-");

      // Zipkin's service map of that run: every hop between our services that Zipkin can draw,
      // and every dependency as a remote service (docs/tracing.md, "The service map").
      assertThat(zipkin.dependencies()).extracting(l -> l.parent() + " -> " + l.child()).contains(
          "vega-api -> sqs", "sqs -> vega-worker", "vega-api -> s3", "vega-api -> postgresql",
          "vega-worker -> sqs", "vega-worker -> postgresql", "vega-worker -> vega-v16-runner",
          "vega-v16-runner -> vega-llm-proxy", "vega-v16-runner -> s3", "vega-v16-runner -> postgresql",
          "vega-llm-proxy -> llm-provider");
      assertThat(zipkin.remoteServices("vega-api")).contains("postgresql", "s3", "sqs");
      assertThat(zipkin.remoteServices("vega-worker")).contains("postgresql", "sqs");
      assertThat(zipkin.remoteServices("vega-v16-runner")).contains("postgresql", "s3", "vega-llm-proxy");
      assertThat(zipkin.remoteServices("vega-llm-proxy")).contains("llm-provider");
      // The worker's SQS calls: the receive (a span of the poll, in a trace of its own), the
      // processing and the delete (in the scan's trace).
      assertThat(zipkin.spanNames("vega-worker")).contains("receive vega-scans", "process vega-scans", "delete vega-scans");
      // Every service's statements are recorded with their literals replaced by ?.
      assertThat(spans).filteredOn(s -> s.tags().containsKey("db.query.text")).extracting(s -> s.tags().get("db.query.text"))
          .contains("UPDATE scans SET status = ?, updated_at = now() WHERE id = ? AND status = ?",
              "INSERT INTO scans(id, status, source_key) VALUES (?, ?, ?)")
          .allSatisfy(q -> assertThat(q).doesNotContain("'"));
      assertThat(spans).filteredOn(s -> "postgresql".equals(s.tags().get("db.system.name")))
          .isNotEmpty().allSatisfy(s -> assertThat(s.tags()).as(s.service() + " " + s.name()).containsKey("db.query.text"));
    }
  }

  /**
   * {@code ./vega-demo --smoke}: after its own scan, {@code doctor smoke} walks the demo's API to a
   * second scan's report (in the Zipkin run above: one demo start for both, a demo costs 15-30 s).
   */
  private static void assertSmokeTestPassed(Result r) {
    String smoke = r.out().substring(r.out().indexOf("== the smoke test (doctor smoke)"));
    assertThat(smoke).contains("vega doctor: smoke test of http://127.0.0.1:", "submit scan", "worker claims the scan",
        "runner runs the scan", "scan done", "scan report", "→ 200")
        .containsPattern("All \\d+ hops are UP\\.");
    assertThat(r.out()).contains("; services healthy; smoke test passed");
  }

  private static Set<String> services(List<StoredSpan> spans) {
    Set<String> names = new TreeSet<>();
    spans.forEach(s -> names.add(s.service()));
    return names;
  }

  /** Asserts the happy path's output; returns the scan's trace id. */
  private static String assertHealthyScan(Result r) {
    assertThat(r.exit()).as(r.out()).isEqualTo(0);
    assertThat(r.out()).containsPattern("scan-[0-9a-f]{16} done")
        .contains("\"findings\":2", "services healthy")
        .contains("artifact s3://vega-artifacts/scans/", "v16-events.jsonl", "v16-report.json");
    Matcher traces = Pattern.compile("^trace ([0-9a-f]{32}), (\\d+) spans", Pattern.MULTILINE).matcher(r.out());
    assertThat(traces.find()).as(r.out()).isTrue();
    assertThat(Integer.parseInt(traces.group(2))).isGreaterThanOrEqualTo(12);
    String traceId = traces.group(1);
    assertThat(traces.find()).as("one trace only").isFalse();
    String waterfall = r.out().substring(r.out().indexOf("== the scan's trace"));
    assertThat(waterfall).contains("vega-api", "vega-worker", "vega-v16-runner", "vega-llm-proxy")
        .contains("POST /v1/scans", "vega-v16-runner scan", "POST /v1/complete")
        .contains("producer", "consumer", "client", "server");
    // The service map printed under the waterfall, from the same spans.
    String map = r.out().substring(r.out().indexOf("== the scan's service map"));
    assertThat(map).containsPattern("vega-api +-> vega-worker \\(via sqs\\) +1 +0")
        .containsPattern("vega-worker +-> vega-v16-runner +\\d+ +0")
        .containsPattern("vega-v16-runner +-> vega-llm-proxy +\\d+ +0")
        .containsPattern("vega-llm-proxy +-> llm-provider +\\d+ +0")
        .containsPattern("vega-api +-> postgresql +\\d+ +0");
    // No secret of the demo leaks into what it prints.
    assertThat(r.out()).doesNotContainPattern("eyJ[A-Za-z0-9_-]{10,}\\.").doesNotContain("provider-key-", "signing-");
    return traceId;
  }

  static Stream<Arguments> faults() {
    return Stream.of(
        Arguments.of("postgres-down", "vega-worker", "postgres", "check VEGA_DATABASE_URL and the database security group"),
        Arguments.of("migration-missing", "vega-worker", "postgres", "run-migrations.sh"),
        Arguments.of("queue-missing", "vega-worker", "sqs", "VEGA_SQS_QUEUE_URL"),
        Arguments.of("proxy-token-expired", "vega-v16-runner", "llm-proxy", EXPIRED_TOKEN_HINT),
        Arguments.of("artifacts-bucket-missing", "vega-v16-runner", "s3", "VEGA_S3_ARTIFACTS_BUCKET"));
  }

  /**
   * Each a demo of its own, one at a time. Two side by side took 19 s against 13 s alone on 2
   * vCPUs, but in a full build run here (2026-12-01) the Zipkin demo, run beside them, saw its
   * runner's first S3 call overrun the 1 s timeout: the demo's timeouts are sized for a machine it
   * has to itself.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("faults")
  void eachBrokenDependencyIsReportedByTheServiceThatNeedsIt(String fault, String service, String check,
      String hint) throws Exception {
    Result r = demo("--break", fault);
    assertThat(r.exit()).as(r.out()).isEqualTo(0);
    assertThat(r.out()).contains("fault '" + fault + "' reported by " + service + " (check " + check + ")");
    assertThat(r.out()).contains(hint);
  }

  @Test
  void unknownFaultIsNamedAndExitsTwo() throws Exception {
    Result r = demo("--break", "nonsense");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.out()).contains("unknown fault 'nonsense'");
  }
}
