package com.example.vega.health.bench;

import com.example.vega.health.CheckResult;
import com.example.vega.health.HealthMonitor;
import com.example.vega.health.HealthSnapshot;
import com.example.vega.health.http.HealthEndpoints;
import com.example.vega.health.http.HealthJson;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Setup;
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
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class HealthSnapshotBenchmark extends AverageTimeBenchmark {
  private HealthMonitor monitor;
  private HealthEndpoints endpoints;
  private HealthSnapshot snapshot;
  private final HealthJson.Cache cache = new HealthJson.Cache();
  private HealthSnapshot[] oneChanged;
  private int flip;

  @Setup(Level.Trial)
  public void setUp() throws InterruptedException {
    monitor = TenChecks.started(CheckResult.up("validation query answered in 3ms on db.internal:5432"));
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
