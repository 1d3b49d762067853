package com.example.vega.health.agent.doctor;

import com.example.vega.health.CheckContext;
import com.example.vega.health.CheckResult;
import com.example.vega.health.ErrorKind;
import com.example.vega.health.Setting;
import com.example.vega.health.Status;
import com.example.vega.health.Validated;
import com.example.vega.health.agent.AgentDataSource;
import com.example.vega.health.agent.Text;
import com.example.vega.health.internal.DatabaseUrl;
import com.example.vega.health.checks.PostgresCheck;
import com.example.vega.health.VegaRole;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code doctor --aws}: the runbook's CLI sequence, done for you with the environment's
 * credentials, section by section. Frontend (CloudFront, the frontend bucket); each service (ECS
 * counts and events, deployments, the ALB's targets, stopped tasks, the task definition's secrets,
 * its own log group); the scan queue and the worker's rights on it; the logs of the RunTask
 * services; and the database migrations with the stopped maintenance tasks.
 */
final class AwsRun {
  static final List<String> SERVICES = List.of("vega-api", "vega-worker", "vega-llm-proxy");
  static final List<String> LOG_SERVICES =
      List.of("vega-api", "vega-worker", "vega-v16-runner", "vega-llm-proxy", "vega-maintenance");

  private AwsRun() {}

  static Report run(Args args, Context ctx) throws CannotRun {
    String cluster = ctx.setting(Settings.ECS_CLUSTER);
    String queue = ctx.setting(Settings.SQS_QUEUE_URL);
    String dbUrl = ctx.setting(Settings.DATABASE_URL);
    String distribution = ctx.setting(Settings.CLOUDFRONT_DISTRIBUTION_ID);
    String frontendBucket = ctx.setting(Settings.FRONTEND_BUCKET);
    List<String> services = new ArrayList<>();
    for (String s : args.get("services") != null ? List.of(args.get("services").split(",")) : SERVICES) {
      if (!s.trim().matches("[A-Za-z0-9_-]{1,255}")) {
        throw new CannotRun("--services " + com.example.vega.health.VegaSettings.shown(s) + " is not an ECS service name");
      }
      services.add(s.trim());
    }
    Duration since = Args.duration(args.get("since", "30m"), "--since");
    int lines = Args.positiveInt(args.get("lines", "5"), "--lines", 200);
    Duration sample = Args.duration(args.get("sqs-sample", "3s"), "--sqs-sample");
    // The sqs check's default: older than this, a scan waits far longer than a worker takes to claim it.
    Duration maxAge = Args.duration(args.get("sqs-max-age", "15m"), "--sqs-max-age");
    List<Hop> hops = new ArrayList<>();

    // Frontend not loading
    List<Step> frontend = new ArrayList<>();
    if (distribution != null) {
      frontend.add(Step.of("cloudfront", c -> FrontendHops.distribution(c, distribution)));
    } else {
      ctx.note("VEGA_CLOUDFRONT_DISTRIBUTION_ID is not set: the CloudFront distribution not checked");
    }
    if (frontendBucket != null) {
      frontend.add(Step.of("frontend bucket", c -> FrontendHops.bucket(c, frontendBucket)));
    } else {
      ctx.note("VEGA_S3_FRONTEND_BUCKET is not set: the frontend files not checked");
    }
    hops.addAll(Walk.run(ctx, frontend));

    // API is down, and each service like it: ECS, the ALB, stopped tasks, secrets, its own logs.
    List<String> logsDone = new ArrayList<>();
    if (cluster == null) {
      ctx.note("VEGA_ECS_CLUSTER is not set: ECS services, target groups, stopped tasks and secrets not checked");
    } else {
      for (String s : services) {
        hops.addAll(Walk.run(ctx, List.of(
            Step.of("ecs " + s, c -> EcsHops.serviceHop(c, s)).stopping(),
            Step.of("ecs " + s + " deployment", c -> EcsHops.deploymentHop(c, s)),
            Step.many("alb " + s, c -> AlbHop.hops(c, s)),
            Step.of("ecs " + s + " stopped tasks", c -> EcsHops.stoppedHop(c, EcsHops.Scope.service(s))),
            Step.of("secrets " + s, c -> EcsHops.secretsHop(c, s)),
            Step.of(s + " execution role → secrets", c -> RoleRights.serviceSecrets(c, s)))));
        // Its logs whatever ECS says: a service that does not start is what they explain.
        hops.addAll(Walk.run(ctx, List.of(Step.of("logs " + s, c -> LogsHop.group(c, s, since, lines)))));
        logsDone.add(s);
      }
    }

    // Scan stuck in queued
    if (queue == null) {
      ctx.note("VEGA_SQS_QUEUE_URL is not set: the scan queue not checked");
    } else {
      hops.addAll(Walk.run(ctx, List.of(
          Step.of("sqs scan queue", c -> QueueHops.depth(c, queue, sample, maxAge)),
          Step.of("vega-worker task role → sqs", c -> QueueHops.workerPermissions(c, queue)))));
    }

    // LLM proxy / AI calls failing: the runner calls the proxy, not the provider
    String runnerTd = ctx.setting(Settings.RUNNER_TASK_DEFINITION);
    if (runnerTd == null) {
      ctx.note("VEGA_RUNNER_TASK_DEFINITION is not set: the runner's LLM endpoint not checked");
    } else {
      hops.addAll(Walk.run(ctx, List.of(Step.of(EgressHop.HOP, c -> EgressHop.runner(c, runnerTd)))));
    }

    // Logs of the services not walked above (the runner and maintenance are RunTask tasks)
    List<Step> logs = new ArrayList<>();
    for (String s : LOG_SERVICES) {
      if (!logsDone.contains(s)) {
        logs.add(Step.of("logs " + s, c -> LogsHop.group(c, s, since, lines)));
      }
    }
    hops.addAll(Walk.run(ctx, logs));

    // Database migration failed
    List<Step> db = new ArrayList<>();
    if (cluster != null) {
      db.add(Step.of("ecs vega-maintenance stopped tasks",
          c -> EcsHops.stoppedHop(c, EcsHops.Scope.family("vega-maintenance"))));
    }
    if (dbUrl == null) {
      ctx.note("VEGA_DATABASE_URL is not set: schema_migrations not checked");
    } else {
      db.add(Step.of("postgres schema_migrations", c -> migrations(c, dbUrl)));
    }
    hops.addAll(Walk.run(ctx, db));
    // The task roles' own rights (IAM policy simulation), not the doctor's: what the worker and the
    // runner need for a scan to get from queued to done.
    if (cluster != null || ctx.setting(Settings.WORKER_TASK_ROLE_ARN) != null
        || ctx.setting(Settings.RUNNER_TASK_ROLE_ARN) != null || ctx.setting(Settings.API_TASK_ROLE_ARN) != null) {
      hops.addAll(Walk.run(ctx, List.of(
          Step.of("vega-api task role → s3, sqs", RoleRights::apiRights),
          Step.of("vega-worker task role → ecs", c -> RoleRights.workerEcs(c, QueueHops.workerRole(c))),
          Step.of("vega-v16-runner task role → s3", RoleRights::runnerS3))));
    }
    return ctx.report("AWS, environment " + ctx.environment + (cluster == null ? "" : ", cluster " + cluster), hops);
  }

  static Hop migrations(Context ctx, String dbUrl) {
    String hop = "postgres schema_migrations";
    long start = System.nanoTime();
    DatabaseUrl url;
    try {
      url = DatabaseUrl.parse(Settings.DATABASE_URL, dbUrl);
    } catch (IllegalArgumentException e) {
      return Hop.of(hop, Status.DOWN, 0, Failure.message(e), Runbook.DATABASE_URL.text());
    }
    ctx.secret(url.password());
    AgentDataSource ds = new AgentDataSource(url);
    PostgresCheck.Builder b = PostgresCheck.builder(ds).role(VegaRole.MAINTENANCE.serviceName())
        .environment(ctx.environment);
    try {
      b.houseRules(ctx.settings); // the services' own: hints, required columns, migrations table
    } catch (IllegalArgumentException e) {
      return Hop.of(hop, Status.DOWN, 0, Failure.message(e), "set VEGA_MIGRATIONS_TABLE and VEGA_MIGRATIONS_COLUMN to the table and column the services read");
    }
    // The one list setting, read as the services read it (comma-separated, oldest first).
    Validated<List<String>> expected = Setting.EXPECTED_MIGRATION.readList(ctx.settings);
    if (!expected.isValid()) {
      Validated.Problem p = expected.problems().get(0);
      return Hop.of(hop, Status.DOWN, 0, p.message(), p.hint());
    }
    b.expectedMigrations(expected.orElse(List.of()));
    CheckResult r;
    try {
      r = b.build().check(CheckContext.of(ctx.timeout));
    } catch (Exception e) {
      r = CheckResult.unknown(Failure.sentence(e), Runbook.DATABASE_URL.text());
    }
    List<String> latest = new ArrayList<>();
    if (r.status() != Status.DOWN || r.errorKind() == ErrorKind.MIGRATION_MISSING) {
      try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
        st.setQueryTimeout((int) Math.max(1, ctx.timeout.toSeconds()));
        // Valid by now (houseRules took them): plain SQL identifiers.
        String table = Setting.MIGRATIONS_TABLE.read(ctx.settings).orElse("schema_migrations");
        String column = Setting.MIGRATIONS_COLUMN.read(ctx.settings).orElse("version");
        try (ResultSet rs = st.executeQuery("SELECT " + column + " FROM " + table + " ORDER BY " + column
            + " DESC LIMIT 3")) {
          while (rs.next()) {
            latest.add("applied: " + Text.oneLine(rs.getString(1)));
          }
        }
      } catch (SQLException e) {
        latest.add(Failure.sql(e, url.address()).what());
      }
    }
    String hint = r.hint();
    if (r.status() == Status.DOWN && hint.isEmpty()) {
      hint = Runbook.MIGRATIONS.text(ctx);
    }
    return new Hop(hop, r.status(), Hop.since(start), Text.oneLine(r.message()), hint, latest);
  }
}
