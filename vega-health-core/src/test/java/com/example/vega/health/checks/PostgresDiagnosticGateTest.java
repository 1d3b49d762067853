package com.example.vega.health.checks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** When the Postgres check may open a diagnostic connection beside an empty pool. */
class PostgresDiagnosticGateTest {

  private static List<Integer> openingRuns(DiagnosticGate gate, int runs) {
    List<Integer> opened = new ArrayList<>();
    for (int i = 0; i < runs; i++) {
      if (gate.tryOpen()) {
        opened.add(i);
        gate.closed();
      }
    }
    return opened;
  }

  @Test
  void oncePerBackoffStepWhileThePoolStaysEmptyAndFromTheStartOnceItServed() {
    DiagnosticGate gate = new DiagnosticGate();
    // The 1st, 2nd, 4th, 8th, 16th empty run, then every 8th.
    assertThat(openingRuns(gate, 40)).containsExactly(0, 1, 3, 7, 15, 23, 31, 39);
    assertThat(gate.opened()).isEqualTo(8);
    gate.poolServed();
    assertThat(openingRuns(gate, 4)).containsExactly(0, 1, 3);
  }

  @Test
  void neverTwoAtOnce() {
    DiagnosticGate gate = new DiagnosticGate();
    assertThat(gate.tryOpen()).isTrue();
    assertThat(gate.tryOpen()).as("due, but the first is still connecting").isFalse();
    gate.closed();
    assertThat(gate.tryOpen()).as("the step it missed is still due").isTrue();
    assertThat(gate.opened()).isEqualTo(2);
  }
}
