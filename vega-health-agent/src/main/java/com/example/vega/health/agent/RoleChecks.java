package com.example.vega.health.agent;

import com.example.vega.health.Caller;
import com.example.vega.health.CheckPolicy;
import com.example.vega.health.CheckRegistration;
import com.example.vega.health.Setting;
import com.example.vega.health.VegaSettings;
import com.example.vega.health.checks.ConfigCheck;
import com.example.vega.health.internal.DatabaseUrl;
import com.example.vega.health.checks.DeadlockCheck;
import com.example.vega.health.checks.PostgresCheck;
import com.example.vega.health.checks.VegaChecks;
import com.example.vega.health.VegaRole;
import com.example.vega.health.token.TokenReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * The checks of one role, from its settings alone: {@link VegaChecks#forRole} with the agent's
 * own clients (built only for the dependencies whose settings are present), plus what the agent
 * adds: Postgres from {@code VEGA_DATABASE_URL} (VegaChecks leaves it to the caller for now) and the
 * JVM deadlock check for liveness. A malformed setting is reported in {@link Built#problems()} and
 * the rest still runs.
 */
public final class RoleChecks {
  private static final Set<VegaRole> POSTGRES =
      EnumSet.of(VegaRole.API, VegaRole.WORKER, VegaRole.RUNNER, VegaRole.MAINTENANCE);

  private RoleChecks() {}

  /**
   * What was built.
   *
   * @param checks registrations in runbook order: the service's settings, then its dependencies
   * @param problems settings that could not be used, each with what to fix
   * @param secrets values to mask in every output (the database password, the proxy token)
   */
  public record Built(List<CheckRegistration> checks, List<String> problems, List<String> secrets) {}

  public static Built forRole(VegaRole role, VegaSettings s, Supplier<AwsSdk> aws) {
    List<String> problems = new ArrayList<>();
    List<String> secrets = new ArrayList<>(VegaChecks.secretValues(s));
    String env = Objects.requireNonNullElse(Setting.ENVIRONMENT.raw(s), Caller.UNKNOWN_ENVIRONMENT);

    DataSource dataSource = null;
    String dbUrl = Setting.DATABASE_URL.raw(s);
    if (POSTGRES.contains(role) && dbUrl != null) {
      try {
        // Its password is masked through VegaChecks.secretValues, from the same parser.
        DatabaseUrl url = DatabaseUrl.parse(Setting.DATABASE_URL.key(), dbUrl);
        dataSource = new AgentDataSource(url);
      } catch (IllegalArgumentException e) {
        problems.add(e.getMessage());
      }
    }

    List<CheckRegistration> checks = new ArrayList<>();
    try {
      checks.addAll(VegaChecks.forRole(role, s, clients(role, s, aws, dataSource)));
    } catch (RuntimeException e) {
      // A client the SDK could not build (no region): keep what needs no AWS.
      // The SDK's own text is not shown: a missing region is what stops a client being built here.
      boolean noRegion = s.value("AWS_REGION") == null && s.value("AWS_DEFAULT_REGION") == null;
      problems.add("the " + role.serviceName() + " AWS checks are not running: "
          + (noRegion ? "AWS_REGION is not set" : "an AWS client could not be built (" + e.getClass().getSimpleName() + ")")
          + " (set AWS_REGION, and credentials through the task role)");
      checks.clear();
      checks.add(ConfigCheck.of(role, s).registration(CheckPolicy.builder()
          .interval(Duration.ofMinutes(1)).timeout(Duration.ofSeconds(1)).build()));
    }
    boolean hasPostgres = checks.stream().anyMatch(c -> c.name().equals(PostgresCheck.NAME));
    if (dataSource != null && !hasPostgres) {
      PostgresCheck.Builder b = PostgresCheck.builder(dataSource).role(role.serviceName()).environment(env);
      try {
        b.houseRules(s);
      } catch (IllegalArgumentException e) {
        problems.add(e.getMessage() + " (schema_migrations(version) is read)");
      }
      b.expectedMigrations(Setting.EXPECTED_MIGRATION.readList(s).orElse(List.of()));
      // Right after the settings: the runbook checks Postgres before the AWS dependencies.
      checks.add(Math.min(1, checks.size()), b.build().registration(CheckPolicy.builder()
          .interval(Duration.ofSeconds(15)).timeout(Duration.ofSeconds(3)).critical(true).build()));
    }
    if (checks.stream().noneMatch(c -> c.name().equals(DeadlockCheck.NAME))) {
      checks.add(new DeadlockCheck().registration(DeadlockCheck.defaultPolicy()));
    }
    return new Built(List.copyOf(checks), List.copyOf(problems), List.copyOf(secrets));
  }

  /** The agent's clients for the dependencies this role has settings for, and no others. */
  private static VegaChecks.Clients clients(VegaRole role, VegaSettings s, Supplier<AwsSdk> aws,
      @Nullable DataSource dataSource) {
    VegaChecks.Clients.Builder b = VegaChecks.Clients.builder();
    if (dataSource != null) {
      b.dataSource(dataSource);
    }
    boolean queue = Setting.SQS_QUEUE_URL.raw(s) != null;
    boolean buckets = Setting.SOURCE_BUCKET.raw(s) != null || Setting.ARTIFACTS_BUCKET.raw(s) != null
        || Setting.FRONTEND_BUCKET.raw(s) != null;
    switch (role) {
      case API -> {
        if ("cognito".equals(Setting.AUTH_PROVIDER.raw(s)) && Setting.COGNITO_USER_POOL_ID.raw(s) != null
            && Setting.COGNITO_APP_CLIENT_ID.raw(s) != null) {
          b.aws(aws.get().cognito()); // the app client against the pool
        }
        if (queue) {
          b.aws(aws.get().sqs());
        }
        if (buckets) {
          b.aws(aws.get().s3());
        }
      }
      case WORKER -> {
        if (queue) {
          b.aws(aws.get().sqs(), aws.get().cloudWatch());
        }
        if (Setting.ECS_CLUSTER.raw(s) != null && Setting.RUNNER_TASK_DEFINITION.raw(s) != null) {
          b.aws(aws.get().ecs());
          if (Setting.WORKER_TASK_ROLE_ARN.raw(s) != null) {
            b.aws(aws.get().iam());
          }
        }
      }
      case RUNNER -> {
        if (buckets) {
          b.aws(aws.get().s3());
        }
        // The llm-proxy check describes the token's secret (never reads it) when that is all it has.
        String ref = Setting.LLM_PROXY_TOKEN_REF.read(s).get();
        if (ref != null && Setting.LLM_PROXY_TOKEN.raw(s) == null
            && TokenReference.parse(ref).kind() == TokenReference.Kind.SECRET_ARN) {
          b.aws(aws.get().secrets());
        }
      }
      case LLM_PROXY -> {
        if (Setting.PROVIDER_SECRET_ID.raw(s) != null) {
          b.aws(aws.get().secrets());
        }
      }
      case MAINTENANCE -> {
        // Postgres only
      }
    }
    return b.build();
  }
}
