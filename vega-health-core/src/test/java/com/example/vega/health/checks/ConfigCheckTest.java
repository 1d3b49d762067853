package com.example.vega.health.checks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.example.vega.health.VegaRole;
import com.example.vega.health.CheckContext;
import com.example.vega.health.CheckResult;
import com.example.vega.health.ErrorKind;
import com.example.vega.health.Status;
import com.example.vega.health.Validated;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigCheckTest {
  static final String DB_PASSWORD = "s3cr3t-Pa55word";

  /** A complete production worker configuration. */
  static Map<String, String> worker() {
    Map<String, String> m = new HashMap<>();
    m.put("VEGA_ENVIRONMENT", "prod");
    m.put("VEGA_DATABASE_URL", "jdbc:postgresql://db.internal:5432/vega?user=vega&password=" + DB_PASSWORD);
    m.put("VEGA_SQS_QUEUE_URL", "https://sqs.us-west-1.amazonaws.com/123456789012/vega-prod-scans");
    m.put("VEGA_SCAN_WORKER_EXECUTION_MODE", "ecs");
    m.put("VEGA_ECS_CLUSTER", "vega-prod");
    m.put("VEGA_RUNNER_TASK_DEFINITION", "vega-v16-runner:42");
    return m;
  }

  static Map<String, String> api() {
    Map<String, String> m = new HashMap<>();
    m.put("VEGA_ENVIRONMENT", "dev");
    m.put("VEGA_DATABASE_URL", "postgresql://vega:" + DB_PASSWORD + "@db.internal:5432/vega");
    m.put("VEGA_AUTH_PROVIDER", "cognito");
    m.put("VEGA_COGNITO_REGION", "us-west-1");
    m.put("VEGA_COGNITO_USER_POOL_ID", "us-west-1_AbC123");
    m.put("VEGA_COGNITO_APP_CLIENT_ID", "4l0hk2u2h7qg3c6gkk1dkcbq4j");
    m.put("VEGA_SQS_QUEUE_URL", "https://sqs.us-west-1.amazonaws.com/123456789012/vega-dev-scans");
    m.put("VEGA_FILE_STORAGE_BACKEND", "s3");
    m.put("VEGA_S3_SOURCE_BUCKET", "vega-dev-source");
    return m;
  }

  private static CheckResult run(VegaRole role, Map<String, String> m) {
    return ConfigCheck.of(role, m::get).check(CheckContext.of(Duration.ofSeconds(1)));
  }

  @Test
  void completeSettingsAreUp() {
    CheckResult r = run(VegaRole.WORKER, worker());
    assertThat(r.status()).isEqualTo(Status.UP);
    assertThat(r.message()).isEqualTo("vega-worker settings complete for environment prod (production rules)");
    assertThat(run(VegaRole.API, api()).status()).isEqualTo(Status.UP);
  }

  @Test
  void missingQueueUrlIsDownNamingTheSettingAndRecoversOnceSet() {
    Map<String, String> m = worker();
    m.remove("VEGA_SQS_QUEUE_URL");
    ConfigCheck check = ConfigCheck.of(VegaRole.WORKER, m::get);
    CheckResult r = check.check(CheckContext.of(Duration.ofSeconds(1)));
    assertThat(r.status()).isEqualTo(Status.DOWN);
    assertThat(r.errorKind()).isEqualTo(ErrorKind.MISCONFIGURED);
    assertThat(r.message()).isEqualTo("VEGA_SQS_QUEUE_URL is not set");
    assertThat(r.hint()).isEqualTo("set VEGA_SQS_QUEUE_URL in the vega-worker task definition "
        + "(https://sqs.<region>.amazonaws.com/<account>/<queue>)");

    m.put("VEGA_SQS_QUEUE_URL", "https://sqs.us-west-1.amazonaws.com/123456789012/vega-prod-scans");
    assertThat(check.check(CheckContext.of(Duration.ofSeconds(1))).status()).isEqualTo(Status.UP);
  }

  @Test
  void productionNeedsEcsExecutionMode() {
    Map<String, String> m = worker();
    m.put("VEGA_SCAN_WORKER_EXECUTION_MODE", "local");
    CheckResult r = run(VegaRole.WORKER, m);
    assertThat(r.status()).isEqualTo(Status.DOWN);
    assertThat(r.message()).isEqualTo("VEGA_SCAN_WORKER_EXECUTION_MODE is 'local', production needs 'ecs'");
    assertThat(r.hint()).isEqualTo("set VEGA_SCAN_WORKER_EXECUTION_MODE=ecs in the vega-worker task "
        + "definition (VEGA_ENVIRONMENT=prod is production-like; only local and test are not)");

    m.put("VEGA_ENVIRONMENT", "local");
    m.remove("VEGA_SQS_QUEUE_URL"); // a local worker may run without SQS
    assertThat(run(VegaRole.WORKER, m).status()).isEqualTo(Status.UP);
  }

  @Test
  void productionNeedsS3StorageWithBucketsAndCognito() {
    Map<String, String> runner = new HashMap<>(Map.of("VEGA_ENVIRONMENT", "dev",
        "VEGA_DATABASE_URL", "jdbc:postgresql://db:5432/vega", "VEGA_LLM_PROXY_BASE_URL", "http://proxy.internal:8080",
        "VEGA_FILE_STORAGE_BACKEND", "local"));
    var problems = ConfigCheck.problems(VegaRole.RUNNER, runner::get);
    assertThat(problems).extracting(Validated.Problem::message).containsExactly(
        "VEGA_FILE_STORAGE_BACKEND is 'local', production needs 's3'",
        "VEGA_S3_SOURCE_BUCKET is not set",
        "VEGA_S3_ARTIFACTS_BUCKET is not set");

    Map<String, String> api = api();
    api.put("VEGA_AUTH_PROVIDER", "local");
    CheckResult r = run(VegaRole.API, api);
    assertThat(r.message()).isEqualTo("VEGA_AUTH_PROVIDER is 'local', production needs 'cognito'");
    assertThat(r.hint()).startsWith("set VEGA_AUTH_PROVIDER=cognito in the vega-api task definition");
  }

  @Test
  void malformedDatabaseUrlNamesTheVariableButNeverEchoesThePassword() {
    Map<String, String> m = worker();
    m.put("VEGA_DATABASE_URL", "db.internal:5432 user=vega password=" + DB_PASSWORD);
    CheckResult r = run(VegaRole.WORKER, m);
    assertThat(r.status()).isEqualTo(Status.DOWN);
    assertThat(r.message()).isEqualTo(
        "VEGA_DATABASE_URL is malformed: expected jdbc:postgresql://host:5432/vega (or postgresql://...)");
    assertThat(r.toString()).doesNotContain(DB_PASSWORD).doesNotContain("db.internal");
    assertThatThrownBy(() -> ConfigCheck.validate(VegaRole.WORKER, m::get))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("VEGA_DATABASE_URL is malformed")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(DB_PASSWORD));
  }

  @Test
  void aSecretPastedIntoAnEnumeratedSettingIsNotEchoed() {
    Map<String, String> m = worker();
    m.put("VEGA_SCAN_WORKER_EXECUTION_MODE", DB_PASSWORD);
    CheckResult r = run(VegaRole.WORKER, m);
    assertThat(r.message()).isEqualTo("VEGA_SCAN_WORKER_EXECUTION_MODE is not 'ecs', production needs 'ecs'");
    assertThat(r.toString()).doesNotContain(DB_PASSWORD);
  }

  @Test
  void cognitoPoolMustBelongToTheConfiguredRegion() {
    Map<String, String> m = api();
    m.put("VEGA_COGNITO_USER_POOL_ID", "us-east-1_AbC123");
    CheckResult r = run(VegaRole.API, m);
    assertThat(r.message()).isEqualTo("VEGA_COGNITO_USER_POOL_ID belongs to us-east-1 but VEGA_COGNITO_REGION is us-west-1");
    assertThat(r.hint()).isEqualTo("confirm VEGA_COGNITO_REGION, VEGA_COGNITO_USER_POOL_ID and "
        + "VEGA_COGNITO_APP_CLIENT_ID are correct in the vega-api task definition");
  }

  @Test
  void startupWithAMalformedSettingFailsFastNamingIt() {
    Map<String, String> m = worker();
    m.put("VEGA_ECS_CLUSTER", "vega prod");
    assertThatThrownBy(() -> ConfigCheck.validate(VegaRole.WORKER, m::get))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("vega-worker settings are invalid: VEGA_ECS_CLUSTER is malformed: expected a cluster name or ARN");
    assertThatCode(() -> ConfigCheck.validate(VegaRole.WORKER, worker()::get)).doesNotThrowAnyException();
  }

  @Test
  void missingEnvironmentIsReportedAndTreatedAsProduction() {
    Map<String, String> m = worker();
    m.remove("VEGA_ENVIRONMENT");
    m.put("VEGA_SCAN_WORKER_EXECUTION_MODE", "local");
    CheckResult r = run(VegaRole.WORKER, m);
    assertThat(r.message()).isEqualTo("VEGA_ENVIRONMENT is not set (and 1 more)");
    assertThat(r.observation("settings").value()).isEqualTo("VEGA_ENVIRONMENT, VEGA_SCAN_WORKER_EXECUTION_MODE");
    assertThat(ConfigCheck.productionLike(null)).isTrue();
    assertThat(ConfigCheck.productionLike("dev")).isTrue();
    assertThat(ConfigCheck.productionLike("test")).isFalse();
  }
}
