package com.example.vega.examples.common;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.vega.health.Setting;
import com.example.vega.health.checks.MigrationRules;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Vega services' house rules reach Vega Health as well-formed settings, and only through them. */
class VegaProfileTest {

  @Test
  void theVegaProfileNamesVegasScriptLogGroupAndMigration004sColumns() {
    Map<String, String> env = VegaProfile.environment();
    for (String key : env.keySet()) {
      Setting s = Setting.of(key).orElseThrow(() -> new AssertionError(key + " is not a setting of Vega Health"));
      assertThat(s.read(env::get).problems()).as(key).isEmpty();
    }
    MigrationRules rules = MigrationRules.of(env::get);
    assertThat(rules.run()).isEqualTo("run the migrations (scripts/aws/run-migrations.sh {environment})");
    assertThat(rules.logs()).contains("aws logs tail /vega/{environment}/vega-maintenance --since 30m");
    assertThat(rules.columns()).containsExactly(
        Map.entry("004_findings_columns.sql", List.of("findings.severity", "findings.status", "findings.path")));
    // Where a Vega service's logs are: its CloudWatch log group, as the postgres check's hints say it.
    assertThat(env.get("VEGA_LOGS_HINT"))
        .isEqualTo("the {service} logs (aws logs tail /vega/{environment}/{service} --since 30m)");
  }

  @Test
  void withoutTheProfileTheLibrarysRulesAreNeutral() {
    assertThat(MigrationRules.of(k -> null)).isEqualTo(MigrationRules.NEUTRAL);
    assertThat(MigrationRules.NEUTRAL.run() + MigrationRules.NEUTRAL.logs()).doesNotContain("run-migrations", "vega");
    assertThat(MigrationRules.NEUTRAL.columns()).isEmpty();
  }
}
