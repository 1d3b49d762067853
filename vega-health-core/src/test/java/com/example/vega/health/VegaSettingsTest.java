package com.example.vega.health;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class VegaSettingsTest {
  @Test
  void aRejectedValueIsRepeatedOnlyWhenItLooksLikeASettingNotASecret() {
    assertThat(VegaSettings.shown("wroker")).isEqualTo("'wroker'");
    assertThat(VegaSettings.shown("10.0.0.0/166")).isEqualTo("'10.0.0.0/166'");
    assertThat(VegaSettings.shown("my-host:8o80")).isEqualTo("'my-host:8o80'");
    assertThat(VegaSettings.shown(null)).isEqualTo("(not set)");
    // Passwords, keys and tokens mix cases and symbols; a long value is described too.
    for (String secret : new String[] {"s3cret-Pa55word-for-tests", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        "Xk9#mP2$vQ7!", "a b", "x".repeat(33), "line\nbreak"}) {
      assertThat(VegaSettings.shown(secret)).doesNotContain(secret)
          .isEqualTo("(a " + secret.length() + "-character value, not shown: it may be a secret)");
    }
  }
}
