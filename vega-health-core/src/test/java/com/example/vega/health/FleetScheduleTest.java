package com.example.vega.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.example.vega.health.http.HealthJson;
import com.example.vega.health.testing.ManualScheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

/** Spread and backoff: when a check runs on one task, driven by a manual scheduler. */
class FleetScheduleTest {
  private static final Duration INTERVAL = Duration.ofSeconds(15);
  private final ManualScheduler scheduler = new ManualScheduler();

  /** Starts a monitor whose one check answers {@code answer(run)} and returns its run times in ms. */
  private List<Long> runTimes(String instanceId, Duration startSpread, CheckPolicy policy, IntFunction<CheckResult> answer,
      Duration horizon, List<CheckState> states) {
    List<Long> times = new ArrayList<>();
    AtomicInteger n = new AtomicInteger();
    try (HealthMonitor m = HealthMonitor.builder().scheduler(scheduler).runExecutor(Runnable::run)
        .instanceId(instanceId).startSpread(startSpread)
        .register("db", ctx -> {
          times.add(Duration.ofNanos(scheduler.nanoTime()).toMillis());
          return answer.apply(n.getAndIncrement());
        }, policy)
        .listener(new StatusListener() {
          @Override
          public void onChange(CheckState from, CheckState to) {}

          @Override
          public void onResult(CheckState s) {
            states.add(s);
          }
        })
        .build().start()) {
      long begin = scheduler.nanoTime();
      scheduler.advance(horizon);
      return times.stream().map(t -> t - Duration.ofNanos(begin).toMillis()).toList();
    }
  }

  private List<Long> runTimes(String instanceId, Duration startSpread, Duration horizon) {
    return runTimes(instanceId, startSpread, CheckPolicy.builder().interval(INTERVAL).build(),
        i -> CheckResult.up("fine"), horizon, new ArrayList<>());
  }

  private static List<Long> gaps(List<Long> times) {
    List<Long> g = new ArrayList<>();
    for (int i = 1; i < times.size(); i++) {
      g.add(times.get(i) - times.get(i - 1));
    }
    return g;
  }

  @Test
  void theFirstRunFallsWithinTheStartSpreadAndEveryLaterOneOnTheTasksPhaseOneIntervalApart() {
    List<Long> t = runTimes("task-a", Duration.ofSeconds(5), Duration.ofMinutes(2));
    assertThat(t.get(0)).isBetween(0L, 5_000L);
    List<Long> g = gaps(t);
    // The first gap moves from the start spread onto the phase: from one interval up to two.
    assertThat(g.get(0)).isBetween(INTERVAL.toMillis(), 2 * INTERVAL.toMillis() - 1);
    assertThat(g.subList(1, g.size())).containsOnly(INTERVAL.toMillis());
    // The phase: the first run scaled from the start spread to the whole interval.
    long phaseMs = t.get(1) - INTERVAL.toMillis();
    assertThat(Math.abs(phaseMs * 5_000 / INTERVAL.toMillis() - t.get(0))).isLessThanOrEqualTo(1);
  }

  @Test
  void aTasksPhaseIsStableAndTasksOfAFleetSpreadOverTheWholeInterval() {
    assertThat(runTimes("task-a", Duration.ofSeconds(5), Duration.ofSeconds(40)))
        .isEqualTo(runTimes("task-a", Duration.ofSeconds(5), Duration.ofSeconds(40)));
    int[] quarters = new int[4];
    int[] firstRunSeconds = new int[5];
    for (int task = 0; task < 400; task++) {
      List<Long> t = runTimes("task-" + task, Duration.ofSeconds(5), Duration.ofSeconds(31));
      quarters[(int) ((t.get(1) - INTERVAL.toMillis()) * 4 / INTERVAL.toMillis())]++;
      firstRunSeconds[(int) (t.get(0) / 1000)]++;
    }
    // 100 expected in each quarter of the interval, 80 in each second of the start spread.
    assertThat(java.util.Arrays.stream(quarters).boxed()).allSatisfy(q -> assertThat(q).isBetween(70, 130));
    assertThat(java.util.Arrays.stream(firstRunSeconds).boxed()).allSatisfy(q -> assertThat(q).isBetween(50, 110));
  }

  @Test
  void zeroStartSpreadRunsEveryCheckAtStartAndThenEveryInterval() {
    assertThat(runTimes("task-a", Duration.ZERO, Duration.ofSeconds(46))).containsExactly(0L, 15_000L, 30_000L, 45_000L);
  }

  @Test
  void throttledResultsBackOffExponentiallyUpToTheCapOnThePhaseAndSuccessResetsIt() {
    CheckPolicy policy = CheckPolicy.builder().interval(INTERVAL).maxBackoff(Duration.ofMinutes(1)).build();
    List<CheckState> states = new ArrayList<>();
    List<Long> t = runTimes("task-b", Duration.ZERO, policy, i -> i < 5
        ? CheckResult.degraded(i % 2 == 0 ? ErrorKind.THROTTLED : ErrorKind.SERVER_ERROR, "slow down", "wait")
        : CheckResult.up("fine"), Duration.ofMinutes(5), states);
    // 2, 4, then the cap of 4 intervals (1 min), and back on the interval after the first success.
    assertThat(gaps(t).subList(0, 7)).containsExactly(30_000L, 60_000L, 60_000L, 60_000L, 60_000L, 15_000L, 15_000L);
    assertThat(states.get(0).backoff()).isEqualTo(2);
    assertThat(states.get(1).backoff()).isEqualTo(4);
    assertThat(states.get(4).backoff()).isEqualTo(4);
    assertThat(states.get(4).backingOff()).isTrue();
    assertThat(states.get(5).backoff()).isEqualTo(1);
    assertThat(states.get(0).nextRun()).isEqualTo(states.get(0).lastResult().time().plusSeconds(30));
    assertThat(states.get(5).nextRun()).isEqualTo(states.get(5).lastResult().time().plus(INTERVAL));
  }

  @Test
  void otherFailuresDoNotBackOff() {
    List<CheckState> states = new ArrayList<>();
    List<Long> t = runTimes("task-c", Duration.ZERO, CheckPolicy.builder().interval(INTERVAL).build(),
        i -> CheckResult.down(ErrorKind.CONNECTION_REFUSED, "refused", "look"), Duration.ofMinutes(1), states);
    assertThat(gaps(t)).containsOnly(INTERVAL.toMillis());
    assertThat(states).allSatisfy(s -> assertThat(s.backoff()).isEqualTo(1));
  }

  @Test
  void backoffEqualToTheIntervalTurnsItOffAndTheDefaultCapIsEightIntervalsOrFiveMinutes() {
    List<Long> t = runTimes("task-d", Duration.ZERO, CheckPolicy.builder().interval(INTERVAL).maxBackoff(INTERVAL).build(),
        i -> CheckResult.degraded(ErrorKind.THROTTLED, "slow down", "wait"), Duration.ofMinutes(1), new ArrayList<>());
    assertThat(gaps(t)).containsOnly(INTERVAL.toMillis());
    assertThat(CheckPolicy.builder().interval(INTERVAL).build().maxBackoff()).isEqualTo(Duration.ofMinutes(2));
    assertThat(CheckPolicy.builder().interval(Duration.ofSeconds(60)).build().maxBackoff()).isEqualTo(Duration.ofMinutes(5));
    assertThat(CheckPolicy.builder().interval(Duration.ofMinutes(10)).timeout(Duration.ofSeconds(5)).build().maxBackoff())
        .isEqualTo(Duration.ofMinutes(10));
    // A cap that is not whole intervals is rounded down, so runs stay on the phase.
    assertThat(CheckPolicy.builder().interval(Duration.ofSeconds(60)).build().backoffFactor(10)).isEqualTo(5);
    assertThatThrownBy(() -> CheckPolicy.builder().interval(INTERVAL).maxBackoff(Duration.ofSeconds(5)).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("maxBackoff");
    // Changing the interval of a policy with the default cap moves the cap with it.
    assertThat(CheckPolicy.DEFAULT.toBuilder().interval(Duration.ofSeconds(4)).build().maxBackoff())
        .isEqualTo(Duration.ofSeconds(32));
  }

  @Test
  void healthJsonSaysWhenACheckBacksOffAndWhenItRunsNext() {
    List<CheckState> states = new ArrayList<>();
    runTimes("task-e", Duration.ZERO, CheckPolicy.builder().interval(INTERVAL).build(),
        i -> CheckResult.degraded(ErrorKind.THROTTLED, "slow down", "wait"), Duration.ofSeconds(1), states);
    CheckState s = states.get(0);
    String json = HealthJson.full(new HealthSnapshot(ServiceInfo.of("vega-test"), List.of(s), s.lastResult().time(), 1));
    assertThat(json).contains("\"backoff\":2").contains("\"nextCheck\":\"" + s.nextRun() + "\"");
    CheckState up = new CheckState(s.registration(), Status.UP, s.since(), CheckResult.up("fine").timed(Duration.ZERO,
        s.since()), 1, 0, 0, 1, s.nextRun());
    assertThat(HealthJson.full(new HealthSnapshot(ServiceInfo.of("vega-test"), List.of(up), s.since(), 2)))
        .doesNotContain("backoff").doesNotContain("nextCheck");
  }

  @Test
  void theInstanceIdComesFromTheEcsMetadataUriThenTheHostNameThenIsRandom() {
    Map<String, String> env = new HashMap<>();
    env.put("ECS_CONTAINER_METADATA_URI_V4", "http://169.254.170.2/v4/a1b2c3d4e5-1234567890");
    env.put("HOSTNAME", "ip-10-0-0-1");
    assertThat(Spread.detectInstanceId(env::get)).isEqualTo("a1b2c3d4e5-1234567890");
    env.remove("ECS_CONTAINER_METADATA_URI_V4");
    assertThat(Spread.detectInstanceId(env::get)).isEqualTo("ip-10-0-0-1");
    env.clear();
    String random = Spread.detectInstanceId(env::get);
    assertThat(random).isNotBlank().isEqualTo(Spread.detectInstanceId(env::get));
    assertThatThrownBy(() -> HealthMonitor.builder().instanceId(" ")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> HealthMonitor.builder().startSpread(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("startSpread");
  }

  @Test
  void theFleetSettingsSetTheStartSpreadAndTheBackoffCapAndNameAMalformedValue() {
    List<CheckState> states = new ArrayList<>();
    try (HealthMonitor m = HealthMonitor.builder().scheduler(scheduler).runExecutor(Runnable::run)
        .instanceId("task-f").settings(VegaSettings.of(Map.of("VEGA_HEALTH_START_SPREAD", "0", "VEGA_HEALTH_MAX_BACKOFF", "45")))
        .register("db", ctx -> CheckResult.degraded(ErrorKind.THROTTLED, "slow down", "wait"),
            CheckPolicy.builder().interval(INTERVAL).build())
        .register("slow", ctx -> CheckResult.up("fine"), CheckPolicy.builder().interval(Duration.ofMinutes(2))
            .timeout(Duration.ofSeconds(5)).build())
        .build().start()) {
      scheduler.runDue(); // no spread: both ran at start
      assertThat(m.snapshot().check("db").runs()).isEqualTo(1);
      assertThat(m.snapshot().check("db").registration().policy().maxBackoff()).isEqualTo(Duration.ofSeconds(45));
      // Never below the interval: a 2-minute check does not back off under a 45 s cap.
      assertThat(m.snapshot().check("slow").registration().policy().maxBackoff()).isEqualTo(Duration.ofMinutes(2));
    }
    assertThatThrownBy(() -> HealthMonitor.builder().settings(VegaSettings.of(Map.of("VEGA_HEALTH_MAX_BACKOFF", "soon"))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("VEGA_HEALTH_MAX_BACKOFF");
  }

  @Test
  void theBuildersCapAppliesToEveryCheckAndAnOutOfRangeOneIsNamed() {
    try (HealthMonitor m = HealthMonitor.builder().scheduler(scheduler).runExecutor(Runnable::run)
        .maxBackoff(Duration.ofSeconds(45))
        .register("db", ctx -> CheckResult.up("fine"), CheckPolicy.builder().interval(INTERVAL).build())
        .register("slow", ctx -> CheckResult.up("fine"), CheckPolicy.builder().interval(Duration.ofMinutes(2))
            .timeout(Duration.ofSeconds(5)).build())
        .build()) {
      assertThat(m.snapshot().check("db").registration().policy().maxBackoff()).isEqualTo(Duration.ofSeconds(45));
      assertThat(m.snapshot().check("slow").registration().policy().maxBackoff()).isEqualTo(Duration.ofMinutes(2));
    }
    assertThatThrownBy(() -> HealthMonitor.builder().maxBackoff(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxBackoff must be from 0");
    assertThatThrownBy(() -> HealthMonitor.builder().startSpread(Duration.ofDays(366)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("startSpread must be from 0");
  }
}
