package com.example.vega.examples.common;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.vega.health.CheckPolicy;
import com.example.vega.health.CheckResult;
import com.example.vega.health.ErrorKind;
import com.example.vega.health.HealthMonitor;
import com.example.vega.health.ServiceInfo;
import com.example.vega.health.Status;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class StartupGateTest {
  static final CheckPolicy CRITICAL = CheckPolicy.builder().interval(Duration.ofMinutes(1))
      .timeout(Duration.ofSeconds(30)).critical(true).build();
  static final CheckPolicy DETAIL_ONLY = CheckPolicy.builder().interval(Duration.ofMinutes(1)).build();

  static HealthMonitor.Builder monitor() {
    return HealthMonitor.builder().service(ServiceInfo.of("vega-v16-runner"));
  }

  @Test
  void firstFailingReadinessCheckInRegistrationOrderIsReportedWithItsHint() throws Exception {
    try (HealthMonitor m = monitor()
        .register("config", ctx -> CheckResult.up("settings complete"), CRITICAL)
        .register("noisy", ctx -> CheckResult.down(ErrorKind.NOT_FOUND, "not critical", "ignore me"), DETAIL_ONLY)
        .register("postgres", ctx -> CheckResult.down(ErrorKind.CONNECTION_REFUSED, "connection refused",
            "check VEGA_DATABASE_URL and the database security group"), CRITICAL)
        .register("s3", ctx -> CheckResult.down(ErrorKind.NOT_FOUND, "no bucket", "check VEGA_S3_ARTIFACTS_BUCKET"),
            CRITICAL)
        .build().start()) {
      StartupGate.Failure f = StartupGate.await(m, Duration.ofSeconds(10), r -> false);
      assertThat(f).isNotNull();
      assertThat(f.line()).isEqualTo("check postgres DOWN: connection refused"
          + " (next: check VEGA_DATABASE_URL and the database security group)");
    }
  }

  @Test
  void toleratedResultAndPassingChecksLetTheServiceStart() throws Exception {
    try (HealthMonitor m = monitor()
        .register("postgres", ctx -> CheckResult.down(ErrorKind.MIGRATION_MISSING, "004 not applied", "run them"),
            CRITICAL)
        .register("config", ctx -> CheckResult.up("ok"), CRITICAL)
        .build().start()) {
      assertThat(StartupGate.await(m, Duration.ofSeconds(10), r -> r.errorKind() == ErrorKind.MIGRATION_MISSING))
          .isNull();
      assertThat(StartupGate.await(m, Duration.ofSeconds(10), r -> false)).extracting(StartupGate.Failure::name)
          .isEqualTo("postgres");
    }
  }

  @Test
  void checkWithoutAResultWithinTheWaitStopsTheStartAsUnknown() throws Exception {
    CountDownLatch never = new CountDownLatch(1);
    try (HealthMonitor m = monitor()
        .register("llm-proxy", ctx -> {
          never.await();
          return CheckResult.up("late");
        }, CRITICAL)
        .build().start()) {
      StartupGate.Failure f = StartupGate.await(m, Duration.ofMillis(300), r -> false);
      assertThat(f).isNotNull();
      assertThat(f.name()).isEqualTo("llm-proxy");
      assertThat(f.status()).isEqualTo(Status.UNKNOWN);
    } finally {
      never.countDown();
    }
  }
}
