package com.example.vega.health.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.example.vega.health.CheckPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

/**
 * Seeded fuzzing of what the starter validates after binding, on top of the
 * {@code VegaHealthAutoConfigurationTest} contexts: {@code vega.health.role}, {@code environment},
 * {@code service.id} and {@code postgres.expected-migrations} (or their {@code VEGA_*} fallbacks)
 * with random and hostile values, and {@code vega.health.checks.<name>.*} with random durations
 * and thresholds. Properties: the only exception is Boot's
 * {@link InvalidConfigurationPropertyValueException}, naming the key the bad value came from; a
 * tuned policy that is accepted is within {@link CheckPolicy}'s bounds. Defaults: seed 8, 2,000
 * cases; override with {@code -Dvega.fuzz.seed} and {@code -Dvega.fuzz.cases}.
 */
class PropertiesFuzzTest {
  private static final long SEED = Long.getLong("vega.fuzz.seed", 8L);
  private static final int CASES = Integer.getInteger("vega.fuzz.cases", 2_000);
  private static final String JUNK = "\u0000\n\t \u00a0\u00e9\u4e2d%|{}\"'<>\\/:@,._-Aa0";

  static {
    System.out.println("[fuzz] PropertiesFuzzTest: seed=" + SEED + " cases=" + CASES
        + " (replay with -Dvega.fuzz.seed=" + SEED + ")");
  }

  private static String value(SplittableRandom r, String... usual) {
    if (r.nextInt(3) == 0) {
      return null;
    }
    if (r.nextInt(3) > 0) {
      return usual[r.nextInt(usual.length)];
    }
    if (r.nextInt(10) == 0) {
      return "a".repeat(100 * 1024);
    }
    StringBuilder sb = new StringBuilder();
    for (int n = r.nextInt(10); n >= 0; n--) {
      sb.append(JUNK.charAt(r.nextInt(JUNK.length())));
    }
    return sb.toString();
  }

  private static Duration duration(SplittableRandom r) {
    return switch (r.nextInt(6)) {
      case 0 -> null;
      case 1 -> Duration.ofMillis(r.nextLong(-100_000, 0));
      case 2 -> Duration.ofDays(r.nextLong(1, 1_000_000));
      case 3 -> Duration.ofSeconds(Long.MAX_VALUE);
      default -> Duration.ofMillis(r.nextLong(1, 600_000));
    };
  }

  private static void forEachCase(java.util.function.Consumer<SplittableRandom> body) {
    for (int i = 0; i < CASES; i++) {
      try {
        body.accept(new SplittableRandom(SEED ^ (0x9E3779B97F4A7C15L * (i + 1))));
      } catch (AssertionError | RuntimeException e) {
        throw new AssertionError("case " + i + " (-Dvega.fuzz.seed=" + SEED + "): " + e.getMessage(), e);
      }
    }
  }

  @Test
  void identitySettingsAreAcceptedOrRejectedNamingTheirKey() {
    assertTimeoutPreemptively(Duration.ofSeconds(60), () -> forEachCase(r -> {
      VegaHealthProperties props = new VegaHealthProperties();
      props.setRole(value(r, "worker", "vega-v16-runner", "LLM_PROXY", " api "));
      props.setEnvironment(value(r, "dev", "prod", "Dev"));
      props.getService().setId(value(r, "vega-api"));
      List<String> migrations = new ArrayList<>();
      for (int n = r.nextInt(3); n > 0; n--) {
        migrations.add(value(r, "004_findings_columns.sql", " "));
      }
      props.getPostgres().setExpectedMigrations(migrations);
      Map<String, String> env = new HashMap<>();
      env.put("VEGA_ROLE", value(r, "runner", "janitor"));
      env.put("VEGA_ENVIRONMENT", value(r, "prod"));
      env.put("VEGA_EXPECTED_MIGRATION", value(r, "001_init.sql,002_scans.sql", "001_init.sql,,"));
      try {
        ResolvedSettings s = ResolvedSettings.resolve(props, env::get, value(r, "vega-api"));
        assertThat(s.environment()).matches("[a-z0-9][a-z0-9-]{0,31}|<env>"); // <env>: neither set
        assertThat(ResolvedSettings.ROLES).contains(s.role() == null ? "api" : s.role());
      } catch (InvalidConfigurationPropertyValueException e) {
        assertThat(e.getName()).isIn("vega.health.role", "VEGA_ROLE", "vega.health.environment", "VEGA_ENVIRONMENT",
            "vega.health.postgres.expected-migrations", "VEGA_EXPECTED_MIGRATION");
        assertThat(e.getMessage()).contains(e.getName());
      }
    }));
  }

  @Test
  void aRejectedRoleOrEnvironmentIsShownOnlyWhenItCannotBeASecret() {
    VegaHealthProperties props = new VegaHealthProperties();
    props.setRole("janitor");
    assertThatThrownBy(() -> ResolvedSettings.resolve(props, k -> null, "vega-api"))
        .isInstanceOf(InvalidConfigurationPropertyValueException.class).hasMessageContaining("'janitor'");
    props.setRole("s3cret-Pa55word!");
    assertThatThrownBy(() -> ResolvedSettings.resolve(props, k -> null, "vega-api"))
        .isInstanceOf(InvalidConfigurationPropertyValueException.class).hasMessageContaining("vega.health.role")
        .message().doesNotContain("s3cret-Pa55word!").contains("not shown");
    props.setRole("api");
    Map<String, String> env = Map.of("VEGA_ENVIRONMENT", "Pa55-W0rd#prod");
    assertThatThrownBy(() -> ResolvedSettings.resolve(props, env::get, "vega-api"))
        .isInstanceOf(InvalidConfigurationPropertyValueException.class).hasMessageContaining("VEGA_ENVIRONMENT")
        .message().doesNotContain("Pa55-W0rd#prod");
  }

  @Test
  void checkTuningIsWithinThePolicyBoundsOrNamesTheCheck() {
    assertTimeoutPreemptively(Duration.ofSeconds(60), () -> forEachCase(r -> {
      VegaHealthProperties.Check t = new VegaHealthProperties.Check();
      t.setInterval(duration(r));
      t.setTimeout(duration(r));
      t.setFailureThreshold(r.nextBoolean() ? null : r.nextInt(-3, 5));
      t.setSuccessThreshold(r.nextBoolean() ? null : r.nextInt());
      t.setCritical(r.nextBoolean() ? null : r.nextBoolean());
      try {
        CheckPolicy p = CheckTuning.policy("sqs", CheckPolicy.DEFAULT, t);
        assertThat(p.interval()).isPositive().isLessThanOrEqualTo(CheckPolicy.MAX_DURATION);
        assertThat(p.timeout()).isPositive().isLessThanOrEqualTo(p.interval());
      } catch (InvalidConfigurationPropertyValueException e) {
        assertThat(e.getName()).isEqualTo("vega.health.checks.sqs");
        assertThat(e.getReason()).matches("(interval|timeout|failureThreshold|successThreshold)\\b.*");
      }
    }));
  }
}
