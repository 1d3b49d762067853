package com.example.vega.health.bench;

import com.example.vega.health.CheckPolicy;
import com.example.vega.health.CheckResult;
import com.example.vega.health.HealthMonitor;
import com.example.vega.health.HealthSnapshot;
import com.example.vega.health.ServiceInfo;
import com.example.vega.health.http.HealthEndpoints;
import com.example.vega.health.http.HealthJson;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The health request path: reading the snapshot and answering from the body cached for it, and
 * what a snapshot change costs (one check re-rendered). The cold render beside jackson-core is
 * {@link HealthJsonRenderBenchmark}.
 *
 * <p>Run: {@code java -jar vega-health-bench/target/benchmarks.jar HealthSnapshotBenchmark -t 1}
 * and again with {@code -t 2} for the contended case.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class HealthSnapshotBenchmark {
  private HealthMonitor monitor;
  private HealthEndpoints endpoints;
  private HealthSnapshot snapshot;
  private final HealthJson.Cache cache = new HealthJson.Cache();
  private HealthSnapshot[] oneChanged;
  private int flip;

  @Setup(Level.Trial)
  public void setUp() throws InterruptedException {
    HealthMonitor.Builder b = HealthMonitor.builder()
        .service(new ServiceInfo("vega-worker", "1.4.2", "abc123", "scan worker", "dev"));
    CheckPolicy policy = CheckPolicy.builder().interval(Duration.ofHours(1)).timeout(Duration.ofSeconds(2))
        .critical(true).build();
    for (int i = 0; i < 10; i++) {
      CheckResult r = CheckResult.up("validation query answered in 3ms on db.internal:5432")
          .with("responseTime", 3, "ms").with("activeConnections", 2, "connections")
          .with("idleConnections", 8, "connections").with("maxConnections", 10, "connections")
          .with("waitingThreads", 0, "threads").with("latestMigration", "004_findings_columns.sql", null);
      b.register("check-" + i, ctx -> r, policy);
    }
    monitor = b.build().start();
    while (monitor.snapshot().checks().stream().anyMatch(c -> c.lastResult() == null)) {
      Thread.sleep(10);
    }
    snapshot = monitor.snapshot();
    endpoints = new HealthEndpoints(monitor);
    // Two snapshots that differ in one check's state, as after one check reports.
    java.util.List<com.example.vega.health.CheckState> states = new java.util.ArrayList<>(snapshot.checks());
    com.example.vega.health.CheckState c0 = states.get(0);
    states.set(0, new com.example.vega.health.CheckState(c0.registration(), c0.status(), c0.since(),
        c0.lastResult(), c0.runs() + 1, c0.timeouts(), c0.changes()));
    oneChanged = new HealthSnapshot[] {snapshot, new HealthSnapshot(snapshot.service(), states,
        snapshot.time(), snapshot.sequence() + 1)};
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    monitor.close();
  }

  @Benchmark
  public HealthSnapshot snapshotRead() {
    return monitor.snapshot();
  }

  @Benchmark
  public byte[] healthzDetailCached() {
    return endpoints.healthz(true, null).body();
  }

  @Benchmark
  public byte[] readyProbe() {
    return endpoints.ready().body();
  }

  /** What happens once per snapshot change: one check re-rendered, nine from the cache. */
  @Benchmark
  public String renderAfterOneCheckChanged() {
    return cache.full(oneChanged[flip ^= 1]);
  }
}
