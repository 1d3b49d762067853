package com.example.vega.health.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.vega.health.CheckRegistration;
import com.example.vega.health.CheckState;
import com.example.vega.health.DependencyCall;
import com.example.vega.health.HealthMonitor;
import com.example.vega.health.HealthSnapshot;
import com.example.vega.health.ServiceInfo;
import com.example.vega.health.Status;
import com.example.vega.health.StatusListener;
import com.example.vega.health.checks.VegaChecks;
import com.example.vega.health.VegaRole;
import com.example.vega.health.testing.FleetFakes;
import com.example.vega.health.testing.ManualScheduler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A fleet this machine cannot run, simulated: 1,000 monitors of the api, worker and runner roles
 * (2:2:1), started within the same second on one manual scheduler, runs executed inline, the real
 * checks wired by {@link VegaChecks} against {@link FleetFakes} that count every call per simulated
 * second. With spread (the default 5 s start spread): an hour with a steady state, SQS throttling
 * half the calls for ten minutes, and a five-minute database outage. Without spread: the same
 * start, for comparison. Prints the figures and writes them to {@code target/fleet-simulation.md}
 * (docs/benchmarks.md section 10).
 */
class FleetSimulationTest {
  private static final int TASKS = 1_000;
  private static final String SQS = "sqs:GetQueueAttributes";
  private static final String CONNECT = "postgres:connect";
  private static final Logger JUL = Logger.getLogger("com.example.vega.health");
  private static final StringBuilder REPORT = new StringBuilder();
  private static @Nullable Level julLevel;

  @BeforeAll
  static void quiet() {
    julLevel = JUL.getLevel();
    JUL.setLevel(Level.OFF); // a thousand monitors announcing every change
  }

  @AfterAll
  static void restoreAndWrite() throws IOException {
    JUL.setLevel(julLevel);
    Files.createDirectories(Path.of("target"));
    Files.writeString(Path.of("target", "fleet-simulation.md"), REPORT.toString());
  }

  private static VegaRole role(int task) {
    return switch (task % 5) {
      case 0, 1 -> VegaRole.API;
      case 2, 3 -> VegaRole.WORKER;
      default -> VegaRole.RUNNER;
    };
  }

  /** The fleet: its monitors, the fakes' faults, and the calls counted per API per simulated second. */
  private static final class Fleet {
    final ManualScheduler scheduler = new ManualScheduler();
    final FleetFakes.Faults faults = new FleetFakes.Faults();
    final Map<String, long[]> perSecond = new TreeMap<>();
    final Map<String, Long> cumulative = new HashMap<>();
    final long[] connectsPerTask = new long[TASKS];
    final List<HealthMonitor> monitors = new ArrayList<>();
    /** Per task: the first time (s) after {@link #watchFrom} its check {@link #watched} was UP on its interval. */
    final double[] backOnInterval = new double[TASKS];
    final int seconds;
    volatile @Nullable String watched;
    volatile double watchFrom;

    Fleet(Duration startSpread, int seconds) {
      this.seconds = seconds;
      Arrays.fill(backOnInterval, -1);
      for (int i = 0; i < TASKS; i++) {
        int task = i;
        VegaRole role = role(i);
        List<CheckRegistration> regs = VegaChecks.forRole(role, FleetFakes.settings(role),
            FleetFakes.clients(api -> count(task, api), faults));
        HealthMonitor m = HealthMonitor.builder().service(ServiceInfo.of(role.serviceName()))
            .scheduler(scheduler).runExecutor(Runnable::run)
            .instanceId("task-" + i).startSpread(startSpread).registerAll(regs)
            .listener(new StatusListener() {
              @Override
              public void onChange(@Nullable CheckState previous, CheckState current) {}

              @Override
              public void onResult(CheckState s) {
                if (s.name().equals(watched) && backOnInterval[task] < 0 && now() >= watchFrom
                    && s.status() == Status.UP && !s.backingOff()) {
                  backOnInterval[task] = now();
                }
              }
            })
            .build();
        monitors.add(m.start());
        scheduler.advance(Duration.ofMillis(1)); // a thousand tasks started within the same second
      }
    }

    double now() {
      return scheduler.nanoTime() / 1e9;
    }

    private void count(int task, String api) {
      int s = (int) (scheduler.nanoTime() / 1_000_000_000L);
      if (s < seconds) {
        perSecond.computeIfAbsent(api, k -> new long[seconds])[s]++;
      }
      cumulative.merge(api, 1L, Long::sum);
      if (api.equals(CONNECT)) {
        connectsPerTask[task]++;
      }
    }

    void runTo(int second) {
      scheduler.advance(Duration.ofNanos((long) second * 1_000_000_000L - scheduler.nanoTime()));
    }

    double mean(String api, int from, int to) {
      long[] c = perSecond.getOrDefault(api, new long[seconds]);
      return Arrays.stream(c, from, to).sum() / (double) (to - from);
    }

    long peak(String api, int from, int to) {
      long[] c = perSecond.getOrDefault(api, new long[seconds]);
      return Arrays.stream(c, from, to).max().orElse(0);
    }

    /** Runs per check name and role, summed over the fleet, as the snapshots say. */
    Map<String, Long> runs() {
      Map<String, Long> out = new HashMap<>();
      for (HealthMonitor m : monitors) {
        HealthSnapshot s = m.snapshot();
        for (CheckState c : s.checks()) {
          out.merge(s.service().serviceId() + "/" + c.name(), c.runs(), Long::sum);
        }
      }
      return out;
    }

    /** The calls the checks declare for these runs, per API. */
    Map<String, Long> declared(Map<String, Long> runsBefore, Map<String, Long> runsAfter) {
      Map<String, Long> out = new TreeMap<>();
      Map<String, List<DependencyCall>> calls = new HashMap<>();
      for (HealthMonitor m : monitors) {
        for (CheckState c : m.snapshot().checks()) {
          calls.putIfAbsent(m.snapshot().service().serviceId() + "/" + c.name(), c.registration().check().callsPerRun());
        }
      }
      calls.forEach((key, list) -> {
        long runs = runsAfter.get(key) - runsBefore.getOrDefault(key, 0L);
        for (DependencyCall d : list) {
          out.merge(d.api(), runs * d.perRun(), Long::sum);
        }
      });
      return out;
    }

    /**
     * Per API, who calls it: for each (role, check), how many tasks run it, its interval in seconds
     * and the calls a run makes. The postgres check's run is also a connection attempt here.
     */
    Map<String, List<long[]>> callers() {
      Map<String, Map<String, long[]>> byApi = new TreeMap<>();
      for (HealthMonitor m : monitors) {
        HealthSnapshot s = m.snapshot();
        for (CheckState c : s.checks()) {
          List<DependencyCall> calls = new ArrayList<>(c.registration().check().callsPerRun());
          if (c.name().equals("postgres")) {
            calls.add(new DependencyCall("postgres", "connect", 1));
          }
          long interval = c.registration().policy().interval().toSeconds();
          for (DependencyCall d : calls) {
            byApi.computeIfAbsent(d.api(), k -> new HashMap<>())
                .computeIfAbsent(s.service().serviceId() + "/" + c.name(), k -> new long[] {0, interval, d.perRun()})[0]++;
          }
        }
      }
      Map<String, List<long[]>> out = new TreeMap<>();
      byApi.forEach((api, groups) -> out.put(api, List.copyOf(groups.values())));
      return out;
    }

    void close() {
      monitors.forEach(HealthMonitor::close);
    }
  }

  /**
   * What no scheme without coordination can beat: the busiest second of a period when every task
   * draws each check's phase independently and uniformly (what a hash of the task id gives),
   * with the same tasks, intervals and calls per run. Returns the median and the 95th percentile
   * of the peak over {@code trials} draws. A lower peak needs tasks that know each other's phases.
   */
  static long[] randomPhasePeak(List<long[]> groups, int trials, long seed) {
    long period = 1;
    for (long[] g : groups) {
      period = period / gcd(period, g[1]) * g[1];
    }
    java.util.Random random = new java.util.Random(seed);
    long[] peaks = new long[trials];
    int[] bins = new int[(int) period];
    for (int t = 0; t < trials; t++) {
      Arrays.fill(bins, 0);
      for (long[] g : groups) {
        for (long task = 0; task < g[0]; task++) {
          double phase = random.nextDouble() * g[1];
          for (double at = phase; at < period; at += g[1]) {
            bins[(int) at] += (int) g[2];
          }
        }
      }
      peaks[t] = Arrays.stream(bins).max().orElse(0);
    }
    Arrays.sort(peaks);
    return new long[] {peaks[trials / 2], peaks[(int) (trials * 0.95)]};
  }

  private static long gcd(long a, long b) {
    return b == 0 ? a : gcd(b, a % b);
  }

  private static void report(String line) {
    System.out.println(line);
    REPORT.append(line).append('\n');
  }

  /**
   * Peak-to-mean per API: the start wave (first minute) and the steady state after, beside what
   * independent random phases give (the floor without coordination; its 95th percentile is kept in
   * {@code floors}, per API).
   */
  private static Map<String, Double> spreadTable(Fleet f, String title, int steadyFrom, int steadyTo,
      Map<String, Long> floors) {
    report("\n" + title + " (" + TASKS + " tasks: 400 api, 400 worker, 200 runner; steady state "
        + steadyFrom + "-" + steadyTo + " s)\n");
    report("| API | steady mean calls/s | steady peak calls/s | steady peak/mean | random phases: median peak (peak/mean), 95th pct "
        + "| start wave peak (0-60 s) | start peak/steady mean |");
    report("|---|---:|---:|---:|---:|---:|---:|");
    Map<String, Double> ratios = new TreeMap<>();
    Map<String, List<long[]>> callers = f.callers();
    for (String api : f.perSecond.keySet()) {
      double mean = f.mean(api, steadyFrom, steadyTo);
      long peak = f.peak(api, steadyFrom, steadyTo);
      long wave = f.peak(api, 0, 60);
      long[] floor = randomPhasePeak(callers.get(api), 400, api.hashCode());
      floors.put(api, floor[1]);
      ratios.put(api, peak / mean);
      report(String.format(Locale.ROOT, "| %s | %.1f | %d | %.2f | %d (%.2f), %d | %d | %.1f |", api, mean, peak,
          peak / mean, floor[0], floor[0] / mean, floor[1], wave, wave / mean));
    }
    return ratios;
  }

  @Test
  void aThousandTasksStartedInOneSecondSpreadTheirCallsBackOffFromThrottlingAndBoundTheirConnectionsInAnOutage() {
    long wall = System.nanoTime();
    Fleet f = new Fleet(Duration.ofSeconds(5), 3600);
    try {
      f.runTo(300);
      // The fakes answer like healthy dependencies: every check of every task is UP.
      assertThat(f.monitors).allSatisfy(m -> assertThat(m.snapshot().checks()).allSatisfy(c -> assertThat(c.status())
          .as(c.name() + ": " + c.lastResult()).isEqualTo(Status.UP)));
      Map<String, Long> runsBefore = f.runs();
      Map<String, Long> callsBefore = new HashMap<>(f.cumulative);
      f.runTo(1200);
      Map<String, Long> runsAfter = f.runs();
      Map<String, Long> observed = new TreeMap<>();
      f.cumulative.forEach((api, n) -> observed.put(api, n - callsBefore.getOrDefault(api, 0L)));
      // The fakes hold the checks to their declarations: exactly the declared calls per run. (The
      // connection is not a call of the check's: a pool's, here one per run as the fake has none.)
      assertThat(observed.remove(CONNECT)).isEqualTo(runsAfter.entrySet().stream()
          .filter(e -> e.getKey().endsWith("/postgres")).mapToLong(e -> e.getValue() - runsBefore.get(e.getKey())).sum());
      assertThat(observed).isEqualTo(f.declared(runsBefore, runsAfter));

      Map<String, Long> floors = new TreeMap<>();
      Map<String, Double> ratios = spreadTable(f, "With spread (5 s start spread, then each task on its phase)", 300, 1200,
          floors);

      // SQS throttles half of its calls for ten minutes.
      f.faults.throttle(SQS, 0.5);
      f.runTo(1800);
      f.faults.throttle(null, 0);
      f.watched = "sqs";
      f.watchFrom = 1800;
      f.runTo(2400);
      double normal = f.mean(SQS, 300, 1200);
      double during = f.mean(SQS, 1200, 1800);
      double after = f.mean(SQS, 1800, 2400);
      double[] back = Arrays.stream(f.backOnInterval).filter(t -> t >= 0).map(t -> t - 1800).sorted().toArray();
      long sqsTasks = java.util.stream.IntStream.range(0, TASKS).filter(i -> role(i) != VegaRole.RUNNER).count();
      report(String.format(Locale.ROOT, "%nSQS throttles half of GetQueueAttributes for 10 min (800 tasks call it):%n%n"
          + "| | calls/s |%n|---|---:|%n| normal (300-1200 s) | %.1f |%n| during (1200-1800 s) | %.1f (%.2f of normal) |%n"
          + "| after (1800-2400 s) | %.1f |%n%nBack to UP on its interval after the throttling stops: median %.0f s, "
          + "95th percentile %.0f s, last %.0f s (%d of %d tasks).",
          normal, during, during / normal, after, back[back.length / 2], back[(int) (back.length * 0.95)],
          back[back.length - 1], back.length, sqsTasks));

      // The database is down for five minutes.
      f.runTo(2400);
      long[] before = f.connectsPerTask.clone();
      f.faults.databaseDown(true);
      f.runTo(2700);
      long[] duringOutage = new long[TASKS];
      for (int i = 0; i < TASKS; i++) {
        duringOutage[i] = f.connectsPerTask[i] - before[i];
      }
      f.faults.databaseDown(false);
      f.runTo(2760);
      double connectNormal = f.mean(CONNECT, 300, 1200);
      long maxPerTask = Arrays.stream(duringOutage).max().orElse(0);
      report(String.format(Locale.ROOT, "%nDatabase down 2400-2700 s (a DataSource without a pool: each postgres "
          + "run is a connection attempt):%n%n| | attempts/s mean | attempts/s peak |%n|---|---:|---:|%n"
          + "| normal | %.1f | %d |%n| during the outage | %.1f | %d |%n| first minute after | %.1f | %d |%n%n"
          + "Per task during the 5-minute outage: at most %d attempts (%.1f per minute).",
          connectNormal, f.peak(CONNECT, 300, 1200), f.mean(CONNECT, 2400, 2700), f.peak(CONNECT, 2400, 2700),
          f.mean(CONNECT, 2700, 2760), f.peak(CONNECT, 2700, 2760), maxPerTask, maxPerTask / 5.0));
      f.runTo(3600);
      report(String.format(Locale.ROOT, "%nSimulated hour: %.1f s of wall time.", (System.nanoTime() - wall) / 1e9));

      // Phases are drawn per task without coordination, so an API's busiest second is that of
      // balls thrown into bins: within 2x of the mean for the busy APIs, and for every API no worse
      // than the 95th percentile of independent random phases (a quiet API's floor is above 2x:
      // 200 tasks' calls in 60 one-second slots put 8 in the fullest where the mean is 3.3).
      assertThat(ratios).allSatisfy((api, r) -> {
        assertThat(f.peak(api, 300, 1200)).as(api + " against random phases").isLessThanOrEqualTo(floors.get(api));
        if (f.mean(api, 300, 1200) >= 25) {
          assertThat(r).as(api).isLessThanOrEqualTo(2.0);
        }
      });
      assertThat(during).isLessThanOrEqualTo(normal / 2);
      assertThat(after).isGreaterThan(normal * 0.9);
      assertThat(back).hasSize((int) sqsTasks);
      // Bound: the longest backoff (8 intervals) plus two results to turn UP, plus the interval itself.
      assertThat(back[back.length - 1]).isLessThanOrEqualTo(240 + 2 * 30 + 30);
      // One attempt per run, no storm: 300 s / 15 s, plus the run on the boundary.
      assertThat(maxPerTask).isLessThanOrEqualTo(21);
      assertThat(f.peak(CONNECT, 2700, 2760)).isLessThanOrEqualTo(2 * f.peak(CONNECT, 300, 1200));
    } finally {
      f.close();
    }
  }

  @Test
  void withoutSpreadTheFleetCallsInLockstep() {
    Fleet f = new Fleet(Duration.ZERO, 900);
    try {
      f.runTo(900);
      Map<String, Double> ratios = spreadTable(f, "Without spread (startSpread 0: every check at start, then every interval)",
          300, 900, new TreeMap<>());
      // Every task's runs land in the same second of each interval.
      assertThat(ratios.get("postgres:query")).isGreaterThan(10);
      assertThat(ratios.get(SQS)).isGreaterThan(20);
    } finally {
      f.close();
    }
  }
}
