package com.example.vega.health.agent.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.vega.health.CheckPolicy;
import com.example.vega.health.CheckRegistration;
import com.example.vega.health.CheckResult;
import com.example.vega.health.Status;
import com.example.vega.health.VegaSettings;
import com.example.vega.health.checks.VegaRole;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The doctor runs a role's checks once, as a command: all of them at once, not spread as a fleet's. */
class ChecksRunTest {

  @Test
  void everyCheckOfAOneShotRunStartsAtOnceSoAShortTimeoutStillHearsThemAll() {
    // Twenty checks on the doctor's one-hour interval. Spread as a long-running monitor spreads its
    // first runs (up to 5 s), most would start after this run's deadline (--timeout 1s plus 2 s)
    // and read "no result in time".
    CheckPolicy policy = CheckPolicy.builder().interval(Duration.ofHours(1)).timeout(Duration.ofSeconds(1)).build();
    List<CheckRegistration> regs = IntStream.range(0, 20)
        .mapToObj(i -> CheckRegistration.of("check-" + i, ctx -> CheckResult.up("answered"), policy)).toList();
    try (Context ctx = new Context(VegaSettings.of(Map.of()), Duration.ofSeconds(1), Clock.systemUTC(), null)) {
      List<Hop> hops = ChecksRun.runOnce(VegaRole.MAINTENANCE, ctx, regs, List.of());
      assertThat(hops).hasSize(20).allSatisfy(h -> assertThat(h.status()).as(h.name() + ": " + h.detail())
          .isEqualTo(Status.UP));
    }
  }
}
