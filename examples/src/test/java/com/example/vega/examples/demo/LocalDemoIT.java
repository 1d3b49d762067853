package com.example.vega.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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

  private static Result demo(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), LocalDemo.class.getName()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().remove("AWS_ENDPOINT_URL"); // embedded defaults, whatever the CI box has
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(180, TimeUnit.SECONDS)).as(out).isTrue();
    return new Result(p.exitValue(), out);
  }

  private record Result(int exit, String out) {}

  @Test
  void aScanTravelsEveryServiceInOneTraceAndEverythingIsHealthy() throws Exception {
    Result r = demo();
    assertThat(r.exit()).as(r.out()).isEqualTo(0);
    assertThat(r.out()).containsPattern("scan-[0-9a-f]{16} done")
        .contains("\"findings\":2", "services healthy")
        .contains("artifact s3://vega-artifacts/scans/", "v16-events.jsonl", "v16-report.json");
    Matcher traces = Pattern.compile("^trace ([0-9a-f]{32}), (\\d+) spans", Pattern.MULTILINE).matcher(r.out());
    assertThat(traces.find()).as(r.out()).isTrue();
    assertThat(Integer.parseInt(traces.group(2))).isGreaterThanOrEqualTo(12);
    assertThat(traces.find()).as("one trace only").isFalse();
    String waterfall = r.out().substring(r.out().indexOf("== the scan's trace"));
    assertThat(waterfall).contains("vega-api", "vega-worker", "vega-v16-runner", "vega-llm-proxy")
        .contains("POST /v1/scans", "vega-v16-runner scan", "POST /v1/complete")
        .contains("producer", "consumer", "client", "server");
    // No secret of the demo leaks into what it prints.
    assertThat(r.out()).doesNotContainPattern("eyJ[A-Za-z0-9_-]{10,}\\.").doesNotContain("provider-key-", "signing-");
  }

  static Stream<Arguments> faults() {
    return Stream.of(
        Arguments.of("postgres-down", "vega-worker", "postgres", "check VEGA_DATABASE_URL and the database security group"),
        Arguments.of("migration-missing", "vega-worker", "postgres", "run-migrations.sh"),
        Arguments.of("queue-missing", "vega-worker", "sqs", "VEGA_SQS_QUEUE_URL"),
        Arguments.of("proxy-token-expired", "vega-v16-runner", "llm-proxy", "token"),
        Arguments.of("artifacts-bucket-missing", "vega-v16-runner", "s3", "VEGA_S3_ARTIFACTS_BUCKET"));
  }

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
