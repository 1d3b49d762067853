package com.example.vega.health.checks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MigrationRulesTest {

  @Test
  void theDefaultNamesNoToolNoLogGroupAndRequiresNoColumn() {
    MigrationRules rules = MigrationRules.of(k -> null);
    assertThat(rules).isEqualTo(MigrationRules.NEUTRAL);
    assertThat(rules.run("dev")).isEqualTo("apply the pending migrations with the tool that writes the migrations table");
    assertThat(rules.columns()).isEmpty();
  }

  @Test
  void aServicesSettingsReplaceEachPartAndNameTheEnvironment() {
    Map<String, String> env = Map.of(
        "VEGA_MIGRATIONS_RUN_HINT", "run flyway migrate -configFiles=conf/{environment}.conf",
        "VEGA_MIGRATIONS_COLUMNS", "V4__findings.sql=findings.severity, V4__findings.sql=findings.path");
    MigrationRules rules = MigrationRules.of(env::get);
    assertThat(rules.run("prod")).isEqualTo("run flyway migrate -configFiles=conf/prod.conf");
    assertThat(rules.logs("prod")).isEqualTo(MigrationRules.NEUTRAL.logs());
    assertThat(rules.columns()).containsExactly(Map.entry("V4__findings.sql", List.of("findings.severity", "findings.path")));
  }

  @Test
  void malformedColumnsAreLeftToTheConfigCheckAndRulesInCodeAreValidated() {
    assertThat(MigrationRules.of(Map.of("VEGA_MIGRATIONS_COLUMNS", "004=findings")::get).columns()).isEmpty();
    assertThatThrownBy(() -> new MigrationRules("run", "logs", Map.of("004", List.of("severity; DROP TABLE x"))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is not table.column");
    assertThatThrownBy(() -> new MigrationRules(" ", "logs", Map.of()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("run must not be blank");
  }
}
