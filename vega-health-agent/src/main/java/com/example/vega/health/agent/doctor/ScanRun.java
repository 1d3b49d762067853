package com.example.vega.health.agent.doctor;

import com.example.vega.health.Status;
import com.example.vega.health.VegaSettings;
import com.example.vega.health.agent.AgentDataSource;
import com.example.vega.health.agent.Text;
import com.example.vega.health.internal.DatabaseUrl;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ecs.model.Container;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.DescribeTasksResponse;
import software.amazon.awssdk.services.ecs.model.Task;
import software.amazon.awssdk.services.ecs.model.TaskDefinition;

/**
 * {@code doctor scan <scan-id>}: follows one scan along its path and names the hop where it
 * stopped. Its row in Postgres (queued, claimed, running, done, failed), the runner task launched
 * for it and how it ended (its essential containers only), the scan's trace and the query that
 * finds its log lines, the runner task's own log stream, its artifacts in S3 (and what the debug
 * bundle says), and findings persisted against the {@code finding_updated} events it emitted.
 */
final class ScanRun {
  private static final Pattern SCAN_ID = Pattern.compile("[A-Za-z0-9_-]{1,128}");
  private static final Pattern TRACEPARENT = Pattern.compile("[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}");
  static final Context.Fact<Row> ROW = new Context.Fact<>("scan row", Row.class);
  static final Context.Fact<Task> TASK = new Context.Fact<>("runner task", Task.class);
  static final String RUNNER = "vega-v16-runner";

  private ScanRun() {}

  /** The scan's row. */
  record Row(String status, @Nullable String runnerTask, @Nullable String failureReason, @Nullable String updatedAt) {}

  /** Where the scan lives: its tables and columns (flags) and the database. */
  record Where(AgentDataSource ds, DatabaseUrl url, String scans, String findings, String idCol, String statusCol,
      String taskCol, String failureCol, String findingScanCol, String eventType, String prefix) {}

  static Report run(String scanId, Args args, Context ctx) throws CannotRun {
    if (!SCAN_ID.matcher(scanId).matches()) {
      throw new CannotRun("scan id " + VegaSettings.shown(scanId) + " is not a scan id (letters, digits, - and _)");
    }
    String dbUrl = ctx.setting(Settings.DATABASE_URL);
    if (dbUrl == null) {
      throw new CannotRun("VEGA_DATABASE_URL is not set: the scan's row is where the doctor starts");
    }
    DatabaseUrl url;
    try {
      url = DatabaseUrl.parse(Settings.DATABASE_URL, dbUrl);
    } catch (IllegalArgumentException e) {
      throw new CannotRun(Failure.message(e));
    }
    ctx.secret(url.password());
    Where w = new Where(new AgentDataSource(url), url,
        Db.identifier(args.get("scans-table", "scans"), "--scans-table"),
        Db.identifier(args.get("findings-table", "findings"), "--findings-table"),
        Db.identifier(args.get("id-column", "id"), "--id-column"),
        Db.identifier(args.get("status-column", "status"), "--status-column"),
        Db.identifier(args.get("runner-task-column", "runner_task"), "--runner-task-column"),
        Db.identifier(args.get("failure-column", "failure_reason"), "--failure-column"),
        Db.identifier(args.get("findings-scan-column", "scan_id"), "--findings-scan-column"),
        args.get("events-type", "finding_updated"),
        args.get("artifacts-prefix", "scans/" + scanId + "/"));
    String bucket = ctx.setting(Settings.ARTIFACTS_BUCKET);
    List<Step> steps = new ArrayList<>();
    steps.add(Step.of("postgres scan row", c -> row(c, w, scanId)).stopping());
    steps.add(Step.of("worker claims the scan", ScanRun::claimed).stopping());
    // A failed runner is not where the walk stops: its logs and its debug bundle say why.
    steps.add(Step.of("runner task", ScanRun::runnerTask));
    steps.add(Step.of("trace", c -> trace(c, scanId)));
    steps.add(Step.many("runner logs", ScanRun::runnerLogs));
    if (bucket == null) {
      ctx.note("VEGA_S3_ARTIFACTS_BUCKET is not set: artifacts and finding_updated events not checked");
      steps.add(Step.of("findings persisted", c -> ArtifactHops.findingsOnly(c, w, scanId)));
    } else {
      steps.add(Step.of("s3 artifacts", c -> ArtifactHops.artifacts(c, bucket, w.prefix())));
      steps.add(Step.many("debug bundle", c -> ArtifactHops.bundle(c, bucket, w.prefix())));
      steps.add(Step.many("findings persisted", c -> ArtifactHops.findings(c, bucket, w, scanId)));
    }
    List<Hop> hops = Walk.run(ctx, steps);
    for (Hop h : hops) {
      if (h.status() == Status.DOWN) {
        ctx.note("the scan stopped at: " + h.name());
        break;
      }
    }
    return ctx.report("scan " + scanId, hops);
  }

  static Hop row(Context ctx, Where w, String scanId) {
    long start = System.nanoTime();
    Row row;
    try (Connection c = w.ds().getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT " + w.statusCol() + ", " + w.taskCol() + ", "
            + w.failureCol() + ", CAST(updated_at AS text) FROM " + w.scans() + " WHERE CAST(" + w.idCol()
            + " AS text) = ?")) {
      ps.setQueryTimeout(seconds(ctx));
      ps.setString(1, scanId);
      try (ResultSet rs = ps.executeQuery()) {
        row = rs.next() ? new Row(lower(rs.getString(1)), rs.getString(2), rs.getString(3), rs.getString(4)) : null;
      }
    } catch (SQLException e) {
      return Failure.sql(e, w.url().address()).hop("postgres scan row", Hop.since(start));
    }
    if (row == null) {
      return Hop.of("postgres scan row", Status.DOWN, Hop.since(start), "no scan " + scanId + " in " + w.scans(),
          Runbook.SCAN_ROW_MISSING.text(ctx));
    }
    ctx.remember(ROW, row);
    return Hop.up("postgres scan row", Hop.since(start), "status " + row.status()
        + (row.updatedAt() == null ? "" : ", updated " + row.updatedAt())
        + (row.failureReason() == null ? "" : ", failure_reason: " + Text.oneLine(row.failureReason())));
  }

  static Hop claimed(Context ctx) {
    Row row = ctx.established(ROW);
    if (row.status().equals("queued")) {
      return Hop.of("worker claims the scan", Status.DOWN, 0, "still queued: the worker hasn't picked it up",
          Runbook.SCAN_QUEUED.text(ctx));
    }
    return Hop.up("worker claims the scan", 0, "claimed (status " + row.status() + ")");
  }

  /**
   * How the runner task ended, by its essential containers: a sidecar (an ADOT collector,
   * {@code essential=false}) that exits non-zero does not fail a good runner.
   */
  static Hop runnerTask(Context ctx) throws CannotRun {
    String hop = "runner task";
    Row row = ctx.established(ROW);
    String cluster = ctx.setting(Settings.ECS_CLUSTER);
    if (row.runnerTask() == null || row.runnerTask().isBlank()) {
      Status s = row.status().equals("claimed") || row.status().equals("failed") ? Status.DOWN : Status.UNKNOWN;
      return Hop.of(hop, s, 0, "no runner task recorded for the scan (the row's task column is empty)",
          Runbook.RUNNER_NOT_LAUNCHED.text(ctx));
    }
    String taskArn = row.runnerTask();
    if (cluster == null) {
      return Hop.of(hop, Status.UNKNOWN, 0, "task " + EcsHops.shortArn(taskArn) + " recorded",
          Runbook.RUNNER_NO_CLUSTER.text());
    }
    long start = System.nanoTime();
    DescribeTasksResponse r;
    try {
      r = ctx.aws(a -> a.ecs()).describeTasks(b -> b.cluster(cluster).tasks(taskArn));
    } catch (SdkException e) {
      return Failure.aws(e, "ECS", "ecs:DescribeTasks").hop(hop, Hop.since(start), ctx);
    }
    long ms = Hop.since(start);
    if (r.tasks().isEmpty()) {
      return Hop.of(hop, row.status().equals("failed") ? Status.DOWN : Status.UNKNOWN, ms,
          "ECS no longer knows task " + EcsHops.shortArn(taskArn) + " (stopped tasks are kept about an hour)",
          Runbook.RUNNER_GONE.text(ctx));
    }
    Task t = r.tasks().get(0);
    ctx.remember(TASK, t);
    String exits = EcsHops.exitCodes(t);
    String essential = EcsHops.essentialExits(ctx, t);
    List<String> evidence = new ArrayList<>();
    if (!essential.equals(exits)) {
      for (Container c : t.containers()) {
        evidence.add("container " + Text.oneLine(c.name()) + ": " + c.lastStatus() + ", exit "
            + (c.exitCode() == null ? "none" : c.exitCode())
            + (essentialOf(ctx, t, c.name()) ? "" : " (essential=false: does not decide the task)"));
      }
    }
    boolean stopped = "STOPPED".equals(t.lastStatus());
    // The container health check's verdict: ECS does not replace a RunTask task that fails it.
    String health = stopped || t.healthStatusAsString() == null ? "" : ", health " + t.healthStatusAsString();
    String detail = EcsHops.shortArn(taskArn) + " " + t.lastStatus() + health
        + (t.stoppedReason() == null || t.stoppedReason().isBlank() ? "" : ": " + Text.oneLine(t.stoppedReason()))
        + " (exit " + exits + ")";
    boolean failed = stopped && !essential.matches("0(,0)*");
    if (failed || row.status().equals("failed")) {
      return new Hop(hop, Status.DOWN, ms, detail, Runbook.RUNNER_FAILED.text(ctx), evidence);
    }
    if (!stopped && "UNHEALTHY".equals(t.healthStatusAsString())) {
      return new Hop(hop, Status.DEGRADED, ms, detail, Runbook.RUNNER_UNHEALTHY.text(ctx), evidence);
    }
    if (!stopped && row.status().equals("done")) {
      return new Hop(hop, Status.DEGRADED, ms, detail + " although the scan is done",
          Runbook.RUNNER_STILL_RUNNING.text(ctx, "status", String.valueOf(t.lastStatus())), evidence);
    }
    return new Hop(hop, Status.UP, ms, detail, "", evidence);
  }

  private static boolean essentialOf(Context ctx, Task t, String container) {
    TaskDefinition td = definition(ctx, t);
    if (td != null) {
      for (ContainerDefinition c : td.containerDefinitions()) {
        if (c.name().equals(container)) {
          return !Boolean.FALSE.equals(c.essential());
        }
      }
    }
    return true;
  }

  private static @Nullable TaskDefinition definition(Context ctx, Task t) {
    try {
      return t.taskDefinitionArn() == null ? null : EcsHops.taskDefinition(ctx, t.taskDefinitionArn());
    } catch (SdkException | CannotRun e) {
      return null;
    }
  }

  /**
   * The scan's trace id, from the TRACEPARENT the worker put in the runner task's RunTask
   * overrides, and the CloudWatch Logs Insights query that finds the scan's lines in every
   * service's log group (JSON log lines carry {@code trace_id} and {@code vega.scan.id}).
   */
  static Hop trace(Context ctx, String scanId) {
    Task t = ctx.fact(TASK);
    String traceId = null;
    if (t != null && t.overrides() != null) {
      for (var o : t.overrides().containerOverrides()) {
        for (var kv : o.environment()) {
          if ("TRACEPARENT".equals(kv.name()) && kv.value() != null) {
            var m = TRACEPARENT.matcher(kv.value().trim().toLowerCase(Locale.ROOT));
            if (m.matches()) {
              traceId = m.group(1);
            }
          }
        }
      }
    }
    List<String> groups = new ArrayList<>();
    for (String s : AwsRun.LOG_SERVICES) {
      if (!s.equals("vega-maintenance")) {
        groups.add(ctx.logGroup(s));
      }
    }
    String filter = traceId == null ? "`vega.scan.id` = \"" + scanId + "\""
        : "trace_id = \"" + traceId + "\" or `vega.scan.id` = \"" + scanId + "\"";
    String query = "fields @timestamp, @log, @message | filter " + filter + " | sort @timestamp asc | limit 500";
    List<String> evidence = List.of("CloudWatch Logs Insights, log groups " + String.join(" ", groups) + ":",
        query,
        "aws logs start-query --log-group-names " + String.join(" ", groups)
            + " --start-time <epoch s> --end-time <epoch s> --query-string '" + query + "'");
    if (traceId != null) {
      return new Hop("trace", Status.UP, 0, "trace " + traceId + " (TRACEPARENT of the runner task)", "", evidence);
    }
    return new Hop("trace", Status.UNKNOWN, 0, t == null ? "no runner task to read TRACEPARENT from; the scan's"
        + " lines carry vega.scan.id" : "the runner task has no TRACEPARENT in its overrides",
        t == null ? "" : Runbook.TRACE_MISSING.text(), evidence);
  }

  /** The runner task's own stream, {@code <awslogs-stream-prefix>/<container>/<task id>}. */
  static List<Hop> runnerLogs(Context ctx) throws CannotRun {
    Task t = ctx.fact(TASK);
    if (t == null) {
      return List.of();
    }
    TaskDefinition td = definition(ctx, t);
    if (td == null) {
      return List.of();
    }
    ContainerDefinition runner = null;
    for (ContainerDefinition c : td.containerDefinitions()) {
      boolean awslogs = c.logConfiguration() != null && "awslogs".equals(c.logConfiguration().logDriverAsString());
      if (awslogs && (runner == null || c.name().equals(RUNNER) || !Boolean.FALSE.equals(c.essential())
          && Boolean.FALSE.equals(runner.essential()))) {
        runner = c;
      }
    }
    if (runner == null) {
      return List.of(Hop.of("logs runner task", Status.UNKNOWN, 0, td.family() + " does not log to CloudWatch"
          + " (no awslogs container)", Runbook.LOG_GROUP_MISSING.text("service", RUNNER)));
    }
    var options = runner.logConfiguration().options();
    String group = options.getOrDefault("awslogs-group", ctx.logGroup(RUNNER));
    String prefix = options.get("awslogs-stream-prefix");
    if (prefix == null) {
      return List.of(Hop.of("logs runner task", Status.UNKNOWN, 0, "no awslogs-stream-prefix in " + td.family()
          + ": the task's stream cannot be named", Runbook.LOG_GROUP_MISSING.text("service", RUNNER)));
    }
    String stream = prefix + "/" + runner.name() + "/" + EcsHops.shortArn(t.taskArn());
    return List.of(LogsHop.stream(ctx, group, stream, 5));
  }

  static int seconds(Context ctx) {
    return (int) Math.max(1, ctx.timeout.toSeconds());
  }

  private static String lower(@Nullable String s) {
    return s == null ? "unknown" : s.trim().toLowerCase(Locale.ROOT);
  }
}
