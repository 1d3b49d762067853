package com.example.vega.health.bench;

import com.example.vega.health.CheckPolicy;
import com.example.vega.health.CheckResult;
import com.example.vega.health.HealthMonitor;
import com.example.vega.health.ServiceInfo;
import java.time.Duration;

/**
 * The health benchmarks' monitor: ten critical checks shaped like the Postgres check (six observed
 * values each), hourly, so that the snapshot stays as their first run left it.
 */
final class TenChecks {
  private TenChecks() {}

  /** Started, once every check has its first result ({@code result} with the six values). */
  static HealthMonitor started(CheckResult result) throws InterruptedException {
    HealthMonitor.Builder b = HealthMonitor.builder()
        .service(new ServiceInfo("vega-worker", "1.4.2", "abc123", "scan worker", "dev"));
    CheckPolicy policy = CheckPolicy.builder().interval(Duration.ofHours(1)).timeout(Duration.ofSeconds(2))
        .critical(true).build();
    for (int i = 0; i < 10; i++) {
      CheckResult full = result.with("responseTime", 3, "ms").with("activeConnections", 2, "connections")
          .with("idleConnections", 8, "connections").with("maxConnections", 10, "connections")
          .with("waitingThreads", 0, "threads").with("latestMigration", "004_findings_columns.sql", null);
      b.register("check-" + i, ctx -> full, policy);
    }
    HealthMonitor monitor = b.build().start();
    while (monitor.snapshot().checks().stream().anyMatch(c -> c.lastResult() == null)) {
      Thread.sleep(10);
    }
    return monitor;
  }
}
