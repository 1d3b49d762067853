package com.example.vega.examples.runner;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.vega.examples.common.LocalAws;
import com.example.vega.examples.common.ServiceRuntime;
import com.example.vega.examples.testing.ChildJvm;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The runner is an ECS RunTask task, which ECS never replaces for a failing health check: it checks
 * readiness once at start and stops, before any work, with the failing check's hint and a
 * non-zero exit. Run as ECS runs it: a JVM of its own.
 */
class RunnerStartIT {

  @Test
  void runnerWhoseDatabaseRefusesStopsBeforeTheScanWithExitThreeAndTheHint() throws Exception {
    int closed = LocalAws.freePort(); // nothing listens: every dependency refuses
    Map<String, String> env = new HashMap<>();
    env.put("VEGA_ENVIRONMENT", "local");
    env.put("VEGA_SCAN_ID", "scan-0123456789abcdef");
    env.put("VEGA_DATABASE_URL", "jdbc:postgresql://127.0.0.1:" + closed + "/vega?user=vega");
    env.put("VEGA_LLM_PROXY_BASE_URL", "http://127.0.0.1:" + closed);
    env.put("VEGA_S3_SOURCE_BUCKET", "vega-source");
    env.put("VEGA_S3_ARTIFACTS_BUCKET", "vega-artifacts");
    env.put("VEGA_FILE_STORAGE_BACKEND", "s3");
    env.put("AWS_REGION", "us-west-1");
    env.put("AWS_ACCESS_KEY_ID", "test");
    env.put("AWS_SECRET_ACCESS_KEY", "test");
    env.put("AWS_ENDPOINT_URL", "http://127.0.0.1:" + closed);
    env.put("OTEL_TRACES_EXPORTER", "none");
    env.put("OTEL_METRICS_EXPORTER", "none");
    env.put("OTEL_LOGS_EXPORTER", "none");

    ChildJvm.Result r = ChildJvm.run(RunnerMain.class, env, Duration.ofSeconds(60));

    assertThat(r.exit()).as(r.out()).isEqualTo(ServiceRuntime.NOT_READY);
    // The first failing check in the runbook's order, with its next step; and no scan work began.
    assertThat(r.out()).contains("vega-v16-runner stops before the scan, exit 3: not ready: postgres DOWN")
        .contains("next: check VEGA_DATABASE_URL and the database security group")
        .doesNotContain("scan-0123456789abcdef running");
  }

  @Test
  void runnerWithAMalformedSettingNamesItAndExitsTwo() throws Exception {
    Map<String, String> env = Map.of("VEGA_ENVIRONMENT", "local", "VEGA_SCAN_ID", "scan-1",
        "VEGA_DATABASE_URL", "mysql://nope", "OTEL_TRACES_EXPORTER", "none");
    ChildJvm.Result r = ChildJvm.run(RunnerMain.class, env, Duration.ofSeconds(60));
    assertThat(r.exit()).as(r.out()).isEqualTo(2);
    assertThat(r.out()).contains("vega-v16-runner cannot start", "VEGA_DATABASE_URL");
  }
}
