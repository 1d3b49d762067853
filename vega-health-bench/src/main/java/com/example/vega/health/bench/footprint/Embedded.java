package com.example.vega.health.bench.footprint;

import com.example.vega.health.CheckContext;
import com.example.vega.health.CheckPolicy;
import com.example.vega.health.CheckRegistration;
import com.example.vega.health.CheckResult;
import com.example.vega.health.CheckState;
import com.example.vega.health.HealthCheck;
import com.example.vega.health.HealthMonitor;
import com.example.vega.health.ServiceInfo;
import com.example.vega.health.VegaSettings;
import com.example.vega.health.checks.VegaChecks;
import com.example.vega.health.VegaRole;
import com.example.vega.health.http.HealthServer;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * The module as a service embeds it: {@link HealthMonitor} with the role's checks from
 * {@link VegaChecks#forRole} and no clients (maintenance role without a DataSource: {@code config}
 * and {@code jvm-deadlock}), and a {@link HealthServer} on a free loopback port.
 *
 * <ul>
 *   <li>{@code idle}: those two checks with their default policies (60 s and 30 s);
 *   <li>{@code checks10}: the same two at a 1 s interval (timeout at most 1 s), plus eight
 *       {@link StubCheck}s at 1 s.
 * </ul>
 */
final class Embedded implements AutoCloseable {
  private static final VegaSettings SETTINGS = VegaSettings.of(Map.of(
      "VEGA_ENVIRONMENT", "dev",
      "VEGA_DATABASE_URL", "postgresql://vega@db.internal:5432/vega"));
  static final int STUBS = 8;

  private final HealthMonitor monitor;
  private final HealthServer server;

  private Embedded(HealthMonitor monitor, HealthServer server) {
    this.monitor = monitor;
    this.server = server;
  }

  static Embedded start(String scenario) throws IOException {
    List<CheckRegistration> local = VegaChecks.forRole(VegaRole.MAINTENANCE, SETTINGS, VegaChecks.Clients.none());
    HealthMonitor.Builder b = HealthMonitor.builder()
        .service(new ServiceInfo("vega-maintenance", "1.0.0", "footprint", "footprint host", "dev"));
    switch (scenario) {
      case "idle" -> b.registerAll(local);
      case "checks10" -> {
        Duration second = Duration.ofSeconds(1);
        for (CheckRegistration r : local) {
          CheckPolicy p = r.policy();
          b.register(r.withPolicy(p.toBuilder().interval(second)
              .timeout(p.timeout().compareTo(second) > 0 ? second : p.timeout()).build()));
        }
        CheckPolicy policy = CheckPolicy.builder().interval(second).timeout(second).critical(true).build();
        for (int i = 1; i <= STUBS; i++) {
          b.register("stub-" + i, new StubCheck(i), policy);
        }
      }
      default -> throw new IllegalArgumentException("unknown scenario " + scenario);
    }
    HealthMonitor monitor = b.build().start();
    return new Embedded(monitor, HealthServer.start(monitor, 0));
  }

  int port() {
    return server.port();
  }

  long checkRuns() {
    long runs = 0;
    for (CheckState c : monitor.snapshot().checks()) {
      runs += c.runs();
    }
    return runs;
  }

  String status() {
    return monitor.snapshot().status().toString();
  }

  @Override
  public void close() {
    server.close();
    monitor.close();
  }

  /**
   * A dependency check that does a little work: waits 20 ms (a round trip), checksums 4 KB and
   * reports UP with six observed values, the Postgres check's shape.
   */
  private record StubCheck(int seed) implements HealthCheck {
    @Override
    public CheckResult check(CheckContext context) throws InterruptedException {
      Thread.sleep(20);
      byte[] page = new byte[4096];
      java.util.Arrays.fill(page, (byte) seed);
      CRC32 crc = new CRC32();
      crc.update(page);
      return CheckResult.up("stub dependency answered in 20ms")
          .with("responseTime", 20, "ms").with("activeConnections", 2, "connections")
          .with("idleConnections", 8, "connections").with("maxConnections", 10, "connections")
          .with("waitingThreads", 0, "threads").with("checksum", Long.toHexString(crc.getValue()), null);
    }
  }
}
