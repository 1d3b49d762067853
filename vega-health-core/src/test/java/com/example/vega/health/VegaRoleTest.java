package com.example.vega.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class VegaRoleTest {
  @Test
  void rolesAreFoundByAnyOfTheirNames() {
    assertThat(VegaRole.of("llm-proxy")).isEqualTo(VegaRole.LLM_PROXY);
    assertThat(VegaRole.of("LLM_PROXY")).isEqualTo(VegaRole.LLM_PROXY);
    assertThat(VegaRole.of("vega-llm-proxy")).isEqualTo(VegaRole.LLM_PROXY);
    assertThat(VegaRole.of("vega-v16-runner")).isEqualTo(VegaRole.RUNNER);
    assertThat(VegaRole.of(" Worker ")).isEqualTo(VegaRole.WORKER);
  }

  @Test
  void unknownRoleIsNamedWithTheKnownOnes() {
    assertThatThrownBy(() -> VegaRole.of("frontend"))
        .hasMessageContaining("'frontend'").hasMessageContaining("llm-proxy");
  }
}
