package com.example.vega.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.example.vega.health.checks.ConfigCheck;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SettingTest {
  private static final String SECRET = "Pa55-W0rd#not-for-logs";

  @Test
  void everySettingIsDeclaredOnceWithTheVegaPrefix() {
    Set<String> keys = new HashSet<>();
    for (Setting s : Setting.values()) {
      assertThat(s.key()).startsWith("VEGA_");
      assertThat(keys.add(s.key())).as(s.key()).isTrue();
      assertThat(Setting.of(s.key())).contains(s);
    }
    assertThat(Setting.of("VEGA_NO_SUCH_THING")).isEmpty();
    assertThat(Setting.DATABASE_URL.secret()).isTrue();
    assertThat(Setting.LLM_PROXY_TOKEN.secret()).isTrue();
    assertThat(Setting.HEALTH_DETAIL_TOKEN.secret()).isTrue();
    assertThat(Setting.SQS_QUEUE_URL.secret()).isFalse();
  }

  @Test
  void aProblemNamesTheSettingAndItsShapeNeverTheValue() {
    Validated<String> v = Setting.SQS_QUEUE_URL.read(Map.of("VEGA_SQS_QUEUE_URL", SECRET)::get);
    assertThat(v.isValid()).isFalse();
    assertThat(v.get()).isNull();
    assertThat(v.problems()).singleElement().satisfies(p -> {
      assertThat(p.setting()).isEqualTo("VEGA_SQS_QUEUE_URL");
      assertThat(p.message()).isEqualTo("VEGA_SQS_QUEUE_URL is malformed: expected "
          + "https://sqs.<region>.amazonaws.com/<account>/<queue>");
      assertThat(p.message() + p.hint()).doesNotContain(SECRET);
    });
    assertThat(Setting.DATABASE_URL.shown(SECRET)).doesNotContain(SECRET).contains("may hold a secret");
    assertThat(Setting.DATABASE_URL.shown("short")).doesNotContain("short");
    assertThat(Setting.EXECUTION_MODE.shown("local")).isEqualTo("'local'");
  }

  @Test
  void everyProblemIsCollectedAtOnce() {
    Map<String, String> m = Map.of("VEGA_ENVIRONMENT", "Prod Env", "VEGA_SQS_QUEUE_URL", "nope",
        "VEGA_ECS_CLUSTER", "a cluster!");
    VegaSettings s = m::get;
    Validated<String> all = Setting.ENVIRONMENT.read(s).and(Setting.SQS_QUEUE_URL.read(s))
        .and(Setting.ECS_CLUSTER.read(s)).and(Setting.SOURCE_BUCKET.read(s));
    assertThat(all.problems()).extracting(Validated.Problem::setting)
        .containsExactly("VEGA_ENVIRONMENT", "VEGA_SQS_QUEUE_URL", "VEGA_ECS_CLUSTER");
    assertThatThrownBy(all::orElseThrow).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("VEGA_ENVIRONMENT is malformed").hasMessageContaining("VEGA_SQS_QUEUE_URL is malformed")
        .hasMessageContaining("VEGA_ECS_CLUSTER is malformed");
    // The config check reads the same declaration: the same three, in one result.
    assertThat(ConfigCheck.problems(VegaRole.MAINTENANCE, s)).extracting(Validated.Problem::setting)
        .contains("VEGA_ENVIRONMENT", "VEGA_SQS_QUEUE_URL", "VEGA_ECS_CLUSTER");
  }

  @Test
  void notSetIsValidAndEmptyAndAListIsSplit() {
    assertThat(Setting.SOURCE_BUCKET.read(k -> null).isValid()).isTrue();
    assertThat(Setting.SOURCE_BUCKET.read(k -> "  ").isPresent()).isFalse();
    assertThat(Setting.EXPECTED_MIGRATION.readList(k -> null).get()).isEmpty();
    assertThat(Setting.EXPECTED_MIGRATION.readList(k -> "003_findings.sql, 004_findings_columns.sql").get())
        .containsExactly("003_findings.sql", "004_findings_columns.sql");
    assertThat(Setting.EXPECTED_MIGRATION.readList(k -> "003_findings.sql,,").isValid()).isFalse();
    assertThat(Setting.EXPECTED_MIGRATION.readList(k -> "004_findings_columns.sql").get())
        .isEqualTo(List.of("004_findings_columns.sql"));
    // As the migrations table records it: Flyway's script or version, a Liquibase changeset id.
    assertThat(Setting.EXPECTED_MIGRATION.readList(k -> "V4__findings_columns.sql,db/V5__x.sql,1.2,add-findings:7")
        .get()).containsExactly("V4__findings_columns.sql", "db/V5__x.sql", "1.2", "add-findings:7");
    assertThat(Setting.EXPECTED_MIGRATION.readList(k -> "004 findings").isValid()).isFalse();
    assertThat(Setting.EXPECTED_MIGRATION.readList(k -> "-x").isValid()).isFalse();
  }

  @Test
  void agentSettingsAreValidatedByTheParsersThatUseThem() {
    assertThat(Setting.HEALTH_PORT.accepts("0")).isTrue();
    assertThat(Setting.HEALTH_PORT.accepts("65535")).isTrue();
    assertThat(Setting.HEALTH_PORT.accepts("65536")).isFalse();
    assertThat(Setting.HEALTH_PORT.accepts("+80")).isFalse();
    assertThat(Setting.HEALTH_BIND.accepts("0.0.0.0")).isTrue();
    assertThat(Setting.HEALTH_BIND.accepts("my-host")).as("never a DNS name").isFalse();
    assertThat(Setting.HEALTH_DETAIL_TOKEN.accepts("short")).isFalse();
    assertThat(Setting.HEALTH_DETAIL_TOKEN.accepts("x".repeat(16))).isTrue();
    assertThat(Setting.HEALTH_ROLE.accepts("vega-v16-runner")).isTrue();
    assertThat(Setting.HEALTH_ROLE.accepts("v16-runner")).isTrue();
    assertThat(Setting.ROLE.accepts("janitor")).isFalse();
    assertThat(Setting.HEALTH_DETAIL_NETWORKS.accepts("10.0.0.0/16,127.0.0.1")).isTrue();
    assertThat(Setting.HEALTH_DETAIL_NETWORKS.accepts("10.0.0.0/33")).isFalse();
  }

  @Test
  void aValueGivenInCodeIsCheckedByTheSameDeclarationAndASecretIsNotEchoed() {
    assertThat(Setting.ECS_CLUSTER.require(" vega-dev ")).isEqualTo("vega-dev");
    assertThatThrownBy(() -> Setting.ARTIFACTS_BUCKET.require("vega-")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("VEGA_S3_ARTIFACTS_BUCKET is malformed: expected an S3 bucket name, was 'vega-'");
    assertThatThrownBy(() -> Setting.DATABASE_URL.require(SECRET)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("VEGA_DATABASE_URL").hasMessageNotContaining(SECRET);
  }
}
