package com.example.vega.health.agent;

import com.example.vega.health.CheckPolicy;
import com.example.vega.health.CheckRegistration;
import com.example.vega.health.VegaSettings;
import com.example.vega.health.checks.ConfigCheck;
import com.example.vega.health.checks.DeadlockCheck;
import com.example.vega.health.checks.EcsRunTaskCheck;
import com.example.vega.health.checks.PostgresCheck;
import com.example.vega.health.checks.S3Check;
import com.example.vega.health.checks.SecretsCheck;
import com.example.vega.health.checks.SqsCheck;
import com.example.vega.health.checks.VegaRole;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The checks of one role, from its settings alone: settings ({@code config}), Postgres from
 * {@code VEGA_DATABASE_URL}, the JVM itself, and the AWS dependencies the runbook names for the
 * role. A dependency whose setting is missing is left out (the config check names the setting);
 * one whose setting is malformed is left out and reported in {@link Built#problems()}.
 *
 * <p>Written here because the core's {@code VegaChecks.forRole} had not landed when the agent was
 * built; it follows the same per-role table (DESIGN.md section 1).
 */
final class RoleChecks {
  static final String DATABASE_URL = "VEGA_DATABASE_URL";

  private static final Set<VegaRole> POSTGRES =
      EnumSet.of(VegaRole.API, VegaRole.WORKER, VegaRole.RUNNER, VegaRole.MAINTENANCE);

  private RoleChecks() {}

  /**
   * What was built.
   *
   * @param checks registrations in runbook order: the service's settings, then its dependencies
   * @param problems settings that could not be used, each with what to fix
   * @param secrets values to mask in every output (the database password)
   */
  record Built(List<CheckRegistration> checks, List<String> problems, List<String> secrets) {}

  static Built forRole(VegaRole role, VegaSettings s, Supplier<AwsSdk> aws) {
    List<CheckRegistration> checks = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    List<String> secrets = new ArrayList<>();
    String env = or(s.value("VEGA_ENVIRONMENT"), "dev");
    String region = s.value("AWS_REGION");

    checks.add(ConfigCheck.of(role, s).registration(CheckPolicy.builder()
        .interval(Duration.ofMinutes(1)).timeout(Duration.ofSeconds(1)).build()));

    String dbUrl = s.value(DATABASE_URL);
    if (POSTGRES.contains(role) && dbUrl != null) {
      try {
        DatabaseUrl url = DatabaseUrl.parse(DATABASE_URL, dbUrl);
        if (url.password() != null) {
          secrets.add(url.password());
        }
        PostgresCheck.Builder b = PostgresCheck.builder(new AgentDataSource(url))
            .role(role.serviceName()).environment(env);
        String expected = s.value("VEGA_EXPECTED_MIGRATION");
        if (expected != null) {
          b.expectedMigrations(List.of(expected));
        }
        checks.add(b.build().registration(critical(Duration.ofSeconds(3))));
      } catch (RuntimeException e) {
        problems.add(e.getMessage());
      }
    }

    String queue = s.value("VEGA_SQS_QUEUE_URL");
    if ((role == VegaRole.API || role == VegaRole.WORKER) && queue != null) {
      aws(problems, "sqs", () -> {
        SqsCheck.Builder b = SqsCheck.builder(aws.get().sqs(), queue).role(role.hintName()).environment(env);
        String cluster = s.value("VEGA_ECS_CLUSTER");
        if (cluster != null) {
          b.cluster(cluster);
        }
        if (region != null) {
          b.region(region);
        }
        checks.add(b.build().registration(role == VegaRole.WORKER ? critical(Duration.ofSeconds(5)) : detail()));
      });
    }

    String source = s.value("VEGA_S3_SOURCE_BUCKET");
    String artifacts = s.value("VEGA_S3_ARTIFACTS_BUCKET");
    String frontend = s.value("VEGA_S3_FRONTEND_BUCKET");
    boolean s3Role = role == VegaRole.API || role == VegaRole.RUNNER;
    if (s3Role && (source != null || (role == VegaRole.RUNNER && artifacts != null) || frontend != null)) {
      aws(problems, "s3", () -> {
        S3Check.Builder b = S3Check.builder(aws.get().s3()).role(role.hintName()).environment(env);
        if (source != null) {
          b.sourceBucket(source);
        }
        if (role == VegaRole.RUNNER && artifacts != null) {
          b.artifactsBucket(artifacts);
        }
        if (role == VegaRole.API && frontend != null) {
          b.frontendBucket(frontend);
        }
        if (region != null) {
          b.region(region);
        }
        checks.add(b.build().registration(role == VegaRole.RUNNER ? critical(Duration.ofSeconds(5)) : detail()));
      });
    }

    String secret = s.value("VEGA_PROVIDER_SECRET_ID");
    if (role == VegaRole.LLM_PROXY && secret != null) {
      aws(problems, "secrets", () -> {
        SecretsCheck.Builder b = SecretsCheck.builder(aws.get().secrets()).secret(secret)
            .role(role.hintName()).environment(env);
        if (region != null) {
          b.region(region);
        }
        checks.add(b.build().registration(critical(Duration.ofSeconds(5))));
      });
    }

    String cluster = s.value("VEGA_ECS_CLUSTER");
    String taskDef = s.value("VEGA_RUNNER_TASK_DEFINITION");
    if (role == VegaRole.WORKER && cluster != null && taskDef != null) {
      aws(problems, "ecs-runtask", () -> {
        EcsRunTaskCheck.Builder b = EcsRunTaskCheck.builder(aws.get().ecs(), cluster, taskDef)
            .role(role.hintName()).environment(env);
        String passRole = s.value("VEGA_RUNNER_TASK_ROLE_ARN");
        if (passRole != null) {
          b.passRole(passRole);
        }
        if (region != null) {
          b.region(region);
        }
        checks.add(b.build().registration(detail(Duration.ofSeconds(5))));
      });
    }

    checks.add(new DeadlockCheck().registration(DeadlockCheck.defaultPolicy()));
    return new Built(List.copyOf(checks), List.copyOf(problems), List.copyOf(secrets));
  }

  private static void aws(List<String> problems, String check, Runnable build) {
    try {
      build.run();
    } catch (IllegalArgumentException e) {
      problems.add(e.getMessage());
    } catch (RuntimeException e) {
      // Typically "Unable to load region": the SDK's message says which variables it tried.
      problems.add("the " + check + " check needs an AWS client: " + Text.oneLine(e.getMessage())
          + " (set AWS_REGION, and credentials through the task role or AWS_PROFILE)");
    }
  }

  private static CheckPolicy critical(Duration timeout) {
    return CheckPolicy.builder().interval(Duration.ofSeconds(15)).timeout(timeout).critical(true).build();
  }

  private static CheckPolicy detail() {
    return detail(Duration.ofSeconds(5));
  }

  private static CheckPolicy detail(Duration timeout) {
    return CheckPolicy.builder().interval(Duration.ofSeconds(30)).timeout(timeout).build();
  }

  private static String or(@Nullable String v, String fallback) {
    return v == null ? fallback : v;
  }
}
