package com.example.vega.health.checks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A check's builder refuses a bad value in the call that gives it, naming what was wrong; build()
 * is left with what involves more than one value. Nothing here is called: no client connects.
 */
class BuilderValidationTest {
  /** Nothing listens on port 1. */
  private static final AwsClients AWS = AwsClients.at(URI.create("http://127.0.0.1:1"));
  private static final String QUEUE = "https://sqs.us-west-1.amazonaws.com/123456789012/vega-scans";

  @Test
  void sqsRefusesAMalformedQueueUrlAndBacklogAndAgeBoundsWhereTheyAreGiven() {
    assertThatThrownBy(() -> SqsCheck.builder(AWS.sqs(), "vega-scans"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("VEGA_SQS_QUEUE_URL is malformed");
    SqsCheck.Builder b = SqsCheck.builder(AWS.sqs(), QUEUE);
    assertThatThrownBy(() -> b.backlogSamples(1, 6)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("backlogSamples must be 2 <= degradedAfter <= downAfter, was 1, 6");
    assertThatThrownBy(() -> b.backlogSamples(4, 3)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("was 4, 3");
    assertThatThrownBy(() -> b.maxOldestAge(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxOldestAge must be positive");
    assertThat(b.backlogSamples(2, 2).maxOldestAge(Duration.ofMinutes(1)).build()).isNotNull();
  }

  @Test
  void llmProxyRefusesARelativePathAndANegativeExpiryWindowWhereTheyAreGiven() {
    LlmProxyCheck.Builder b = LlmProxyCheck.builder(HttpClient.newHttpClient(),
        URI.create("http://proxy.internal:8080"), () -> null);
    assertThatThrownBy(() -> b.path("v1/health")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("path must start with '/', was 'v1/health'");
    assertThatThrownBy(() -> b.expiryWarning(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expiryWarning must not be negative");
    assertThat(b.path("/v1/models").expiryWarning(Duration.ZERO).build()).isNotNull();
  }

  @Test
  void postgresRefusesAnIdentifierThatIsNotPlainAndABlankMigrationWhereTheyAreGiven() {
    PostgresCheck.Builder b = PostgresCheck.builder(new PGSimpleDataSource());
    assertThatThrownBy(() -> b.migrationsTable("schema_migrations; drop table scans", "version"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("VEGA_MIGRATIONS_TABLE")
        .hasMessageContaining("a plain SQL identifier");
    assertThatThrownBy(() -> b.migrationsTable("schema_migrations", "ver sion"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("VEGA_MIGRATIONS_COLUMN");
    // The same rule for the settings, and the refusal names the one that is wrong.
    assertThatThrownBy(() -> b.houseRules(java.util.Map.of("VEGA_MIGRATIONS_TABLE", "flyway_schema_history")::get)
        .houseRules(java.util.Map.of("VEGA_MIGRATIONS_COLUMN", "script;")::get))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("VEGA_MIGRATIONS_COLUMN is malformed: expected a plain SQL identifier");
    assertThatThrownBy(() -> b.expectedMigrations(Arrays.asList("001_init.sql", " ")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must not be blank");
    assertThat(b.migrationsTable("flyway_schema_history", "script")
        .expectedMigrations(Arrays.asList("001_init.sql")).build()).isNotNull();
  }

  @Test
  void ecsRunTaskRefusesEachValueByItsSettingWhereItIsGiven() {
    assertThatThrownBy(() -> EcsRunTaskCheck.builder(AWS.ecs(), "vega dev", "vega-v16-runner"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("VEGA_ECS_CLUSTER is malformed");
    assertThatThrownBy(() -> EcsRunTaskCheck.builder(AWS.ecs(), "vega-dev", "runner:latest"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("VEGA_RUNNER_TASK_DEFINITION is malformed");
    EcsRunTaskCheck.Builder b = EcsRunTaskCheck.builder(AWS.ecs(), "vega-dev", "vega-v16-runner:12");
    assertThatThrownBy(() -> b.simulateWith(AWS.iam(), "vega-worker"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("VEGA_WORKER_TASK_ROLE_ARN is malformed");
    assertThatThrownBy(() -> b.passRole("arn:aws:iam::1:role/x"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("VEGA_RUNNER_TASK_ROLE_ARN is malformed");
    assertThat(b.passRole("arn:aws:iam::123456789012:role/vega-runner").build()).isNotNull();
  }
}
