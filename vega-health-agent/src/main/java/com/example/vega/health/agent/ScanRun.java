package com.example.vega.health.agent;

import com.example.vega.health.checks.DatabaseUrl;

import com.example.vega.health.Status;
import com.example.vega.health.VegaSettings;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.DescribeTasksResponse;
import software.amazon.awssdk.services.ecs.model.Task;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * {@code doctor scan <scan-id>}: follows one scan along its path and names the hop where it
 * stopped. Its row in Postgres (queued, claimed, running, done, failed), the runner task launched
 * for it and how it ended, its artifacts in S3, and findings persisted against the
 * {@code finding_updated} events the runner emitted.
 */
final class ScanRun {
  static final List<String> ARTIFACTS = List.of("v16-report.json", "v16-events.jsonl", "v16-debug-bundle.zip");
  static final long MAX_EVENTS_BYTES = 256L << 20;
  private static final Pattern SCAN_ID = Pattern.compile("[A-Za-z0-9_-]{1,128}");
  private static final Pattern FINDING_ID =
      Pattern.compile("\"(?:finding_id|findingId|id)\"\\s*:\\s*\"?([A-Za-z0-9_.:-]{1,128})");

  private ScanRun() {}

  /** The scan's row. */
  record Row(String status, String runnerTask, String failureReason, String sourceKey, String updatedAt) {}

  static Report run(String scanId, Doctor.Args args, VegaSettings env, Duration timeout) throws Doctor.CannotRun {
    if (!SCAN_ID.matcher(scanId).matches()) {
      throw new Doctor.CannotRun("scan id '" + AgentConfig.shorten(scanId) + "' is not a scan id (letters, digits, - and _)");
    }
    String environment = env.value("VEGA_ENVIRONMENT") == null ? "dev" : env.value("VEGA_ENVIRONMENT");
    String dbUrl = env.value("VEGA_DATABASE_URL");
    if (dbUrl == null) {
      throw new Doctor.CannotRun("VEGA_DATABASE_URL is not set: the scan's row is where the doctor starts");
    }
    DatabaseUrl url;
    try {
      url = DatabaseUrl.parse("VEGA_DATABASE_URL", dbUrl);
    } catch (IllegalArgumentException e) {
      throw new Doctor.CannotRun(e.getMessage());
    }
    String scans = Db.identifier(args.get("scans-table", "scans"), "--scans-table");
    String findings = Db.identifier(args.get("findings-table", "findings"), "--findings-table");
    String idCol = Db.identifier(args.get("id-column", "id"), "--id-column");
    String statusCol = Db.identifier(args.get("status-column", "status"), "--status-column");
    String taskCol = Db.identifier(args.get("runner-task-column", "runner_task"), "--runner-task-column");
    String failureCol = Db.identifier(args.get("failure-column", "failure_reason"), "--failure-column");
    String findingScanCol = Db.identifier(args.get("findings-scan-column", "scan_id"), "--findings-scan-column");
    String eventType = args.get("events-type", "finding_updated");
    String prefix = args.get("artifacts-prefix", "scans/" + scanId + "/");
    String cluster = env.value("VEGA_ECS_CLUSTER");
    String bucket = env.value("VEGA_S3_ARTIFACTS_BUCKET");
    List<String> secrets = new ArrayList<>();
    if (url.password() != null) {
      secrets.add(url.password());
    }
    List<Hop> hops = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    AgentDataSource ds = new AgentDataSource(url);
    int seconds = (int) Math.max(1, timeout.toSeconds());

    // 1. The row.
    long start = System.nanoTime();
    Row row;
    try (Connection c = ds.getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT " + statusCol + ", " + taskCol + ", " + failureCol
            + ", CAST(updated_at AS text) FROM " + scans + " WHERE CAST(" + idCol + " AS text) = ?")) {
      ps.setQueryTimeout(seconds);
      ps.setString(1, scanId);
      try (ResultSet rs = ps.executeQuery()) {
        row = rs.next() ? new Row(lower(rs.getString(1)), rs.getString(2), rs.getString(3), null, rs.getString(4)) : null;
      }
    } catch (SQLException e) {
      String[] why = Db.explain(e, url.address());
      hops.add(Hop.of("postgres scan row", Status.DOWN, AwsRun.ms(start), why[0], why[1]));
      return done(scanId, hops, notes, secrets);
    }
    if (row == null) {
      hops.add(Hop.of("postgres scan row", Status.DOWN, AwsRun.ms(start), "no scan " + scanId + " in " + scans,
          "check the scan id (the api's log has it: aws logs tail /vega/" + environment + "/vega-api --since 1h)"
              + " and that VEGA_DATABASE_URL points at this environment's database"));
      return done(scanId, hops, notes, secrets);
    }
    hops.add(Hop.of("postgres scan row", Status.UP, AwsRun.ms(start), "status " + row.status()
        + (row.updatedAt() == null ? "" : ", updated " + row.updatedAt())
        + (row.failureReason() == null ? "" : ", failure_reason: " + Text.oneLine(row.failureReason())), ""));

    // 2. The worker took it off the queue and claimed it.
    if (row.status().equals("queued")) {
      hops.add(Hop.of("worker claims the scan", Status.DOWN, 0, "still queued: the worker hasn't picked it up",
          "Scan stuck in queued: is the worker running (aws ecs describe-services --cluster "
              + or(cluster, "<cluster>") + " --services vega-worker)? Is the SQS queue receiving messages"
              + " (ApproximateNumberOfMessages, ApproximateAgeOfOldestMessage: doctor --aws)? Then worker logs"
              + " (aws logs tail /vega/" + environment + "/vega-worker --since 30m), the worker task role's SQS"
              + " permissions, and whether the worker can reach Postgres"));
      return done(scanId, hops, notes, secrets);
    }
    hops.add(Hop.of("worker claims the scan", Status.UP, 0, "claimed (status " + row.status() + ")", ""));

    // 3. The runner task.
    String workerHint = "Worker not launching runner tasks: check worker logs for RunTask errors (aws logs tail /vega/"
        + environment + "/vega-worker --since 30m), the worker task role's ecs:RunTask, ecs:StopTask,"
        + " ecs:DescribeTasks and iam:PassRole permissions, VEGA_SCAN_WORKER_EXECUTION_MODE=ecs, and the worker"
        + " security group's outbound HTTPS to the ECS API";
    boolean stopHere;
    if (row.runnerTask() == null || row.runnerTask().isBlank()) {
      Status s = row.status().equals("claimed") || row.status().equals("failed") ? Status.DOWN : Status.UNKNOWN;
      hops.add(Hop.of("runner task", s, 0, "no runner task recorded for the scan (" + taskCol + " is empty)", workerHint));
      stopHere = s == Status.DOWN;
    } else if (cluster == null) {
      hops.add(Hop.of("runner task", Status.UNKNOWN, 0, "task " + shortArn(row.runnerTask()) + " recorded",
          "set VEGA_ECS_CLUSTER to see how the task ended"));
      stopHere = false;
    } else {
      Hop h = runnerTask(cluster, row.runnerTask(), row, environment, env);
      hops.add(h);
      stopHere = h.status() == Status.DOWN;
    }
    if (stopHere) {
      return done(scanId, hops, notes, secrets);
    }

    // 4. Artifacts.
    if (bucket == null) {
      notes.add("VEGA_S3_ARTIFACTS_BUCKET is not set: artifacts and finding_updated events not checked");
      hops.add(findingsOnly(ds, findings, findingScanCol, scanId, seconds, url));
      return done(scanId, hops, notes, secrets);
    }
    try (AwsSdk aws = new AwsSdk(env::value)) {
      S3Client s3;
      try {
        s3 = aws.s3();
      } catch (RuntimeException e) {
        throw new Doctor.CannotRun("no S3 client: " + Text.oneLine(e.getMessage()) + " (set AWS_REGION and credentials)");
      }
      Hop artifacts = artifacts(s3, bucket, prefix, row, environment);
      hops.add(artifacts);
      if (artifacts.status() == Status.DOWN && artifacts.detail().contains("bucket")) {
        return done(scanId, hops, notes, secrets);
      }
      // 5. Findings against finding_updated events.
      hops.add(findings(s3, bucket, prefix + "v16-events.jsonl", eventType, ds, findings, findingScanCol,
          scanId, seconds, url, environment));
    }
    return done(scanId, hops, notes, secrets);
  }

  private static Report done(String scanId, List<Hop> hops, List<String> notes, List<String> secrets) {
    List<Hop> clean = AwsRun.redact(hops, secrets);
    Hop stopped = null;
    for (Hop h : clean) {
      if (h.status() == Status.DOWN) {
        stopped = h;
        break;
      }
    }
    List<String> n = new ArrayList<>(notes);
    if (stopped != null) {
      n.add("the scan stopped at: " + stopped.name());
    }
    return new Report("scan " + scanId, clean, n);
  }

  static Hop runnerTask(String cluster, String taskArn, Row row, String environment, VegaSettings env) {
    long start = System.nanoTime();
    String runnerLogs = "aws logs tail /vega/" + environment + "/vega-v16-runner --since 1h";
    try (AwsSdk aws = new AwsSdk(env::value)) {
      EcsClient ecs = aws.ecs();
      DescribeTasksResponse r = ecs.describeTasks(b -> b.cluster(cluster).tasks(taskArn));
      long ms = AwsRun.ms(start);
      if (r.tasks().isEmpty()) {
        return Hop.of("runner task", row.status().equals("failed") ? Status.DOWN : Status.UNKNOWN, ms,
            "ECS no longer knows task " + shortArn(taskArn) + " (stopped tasks are kept about an hour)",
            "Runner task failing? Check runner logs: " + runnerLogs + "; if it got far enough, download"
                + " v16-debug-bundle.zip from the artifacts bucket");
      }
      Task t = r.tasks().get(0);
      String exits = AwsRun.exitCodes(t);
      String detail = shortArn(taskArn) + " " + t.lastStatus()
          + (t.stoppedReason() == null || t.stoppedReason().isBlank() ? "" : ": " + Text.oneLine(t.stoppedReason()))
          + " (exit " + exits + ")";
      boolean stopped = "STOPPED".equals(t.lastStatus());
      boolean failed = stopped && !exits.equals("0");
      if (failed || row.status().equals("failed")) {
        return Hop.of("runner task", Status.DOWN, ms, detail,
            "Runner task failing: read stoppedReason and containers[0].exitCode above, then runner logs ("
                + runnerLogs + ") and the v16-debug-bundle.zip in the artifacts bucket. Common causes: can't"
                + " download source (bucket permissions, VEGA_S3_SOURCE_BUCKET), LLM proxy calls failing, Postgres"
                + " writes failing (security group, credentials), out of memory or CPU (task definition limits)");
      }
      if (!stopped && row.status().equals("done")) {
        return Hop.of("runner task", Status.DEGRADED, ms, detail + " although the scan is done",
            "the runner marked the scan done but its task is still " + t.lastStatus() + ": " + runnerLogs);
      }
      return Hop.of("runner task", Status.UP, ms, detail, "");
    } catch (SdkException | IllegalArgumentException e) {
      return AwsRun.awsFailure("runner task", AwsRun.ms(start),
          e instanceof SdkException s ? s : SdkException.create(e.getMessage(), e), "ecs:DescribeTasks");
    }
  }

  static Hop artifacts(S3Client s3, String bucket, String prefix, Row row, String environment) {
    long start = System.nanoTime();
    List<String> present = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    try {
      // HEAD on an object of a missing bucket is a bare 404, like a missing key: ask the bucket first.
      s3.headBucket(b -> b.bucket(bucket));
      for (String name : ARTIFACTS) {
        try {
          s3.headObject(b -> b.bucket(bucket).key(prefix + name));
          present.add(name);
        } catch (NoSuchKeyException e) {
          missing.add(name);
        } catch (S3Exception e) {
          if (e.statusCode() == 404) {
            missing.add(name);
          } else {
            throw e;
          }
        }
      }
    } catch (NoSuchBucketException e) {
      return bucketMissing(bucket, start);
    } catch (S3Exception e) {
      if (e.statusCode() == 404) {
        return bucketMissing(bucket, start);
      }
      if (e.statusCode() == 403) {
        return Hop.of("s3 artifacts", Status.DOWN, AwsRun.ms(start), "access denied on bucket " + bucket,
            "the credentials in use may not s3:GetObject in " + bucket + " (the runner needs s3:PutObject there)");
      }
      return AwsRun.awsFailure("s3 artifacts", AwsRun.ms(start), e, "s3:HeadObject");
    } catch (SdkException e) {
      return AwsRun.awsFailure("s3 artifacts", AwsRun.ms(start), e, "s3:HeadObject");
    }
    long ms = AwsRun.ms(start);
    String detail = "s3://" + bucket + "/" + prefix + ": " + (present.isEmpty() ? "nothing" : String.join(", ", present))
        + (missing.isEmpty() ? "" : "; missing " + String.join(", ", missing));
    if (!missing.contains("v16-report.json")) {
      return Hop.of("s3 artifacts", missing.isEmpty() ? Status.UP : Status.DEGRADED, ms, detail, "");
    }
    String hint = "S3 artifact missing: confirm VEGA_FILE_STORAGE_BACKEND=s3 and VEGA_S3_ARTIFACTS_BUCKET in the runner"
        + " task definition, that the runner task role has s3:PutObject on the bucket, and the runner logs around the"
        + " upload (aws logs tail /vega/" + environment + "/vega-v16-runner --since 1h)";
    if (!row.status().equals("done")) {
      // A very early failure won't produce v16-report.json: not where it stopped.
      return Hop.of("s3 artifacts", Status.DEGRADED, ms, detail + " (the scan is " + row.status() + ")",
          present.contains("v16-debug-bundle.zip") ? "download v16-debug-bundle.zip and inspect it" : hint);
    }
    return Hop.of("s3 artifacts", Status.DOWN, ms, detail, hint);
  }

  private static Hop bucketMissing(String bucket, long start) {
    return Hop.of("s3 artifacts", Status.DOWN, AwsRun.ms(start), "bucket " + bucket + " does not exist",
        "check VEGA_S3_ARTIFACTS_BUCKET (name and region) against the bucket Terraform created");
  }

  static Hop findings(S3Client s3, String bucket, String key, String eventType, AgentDataSource ds, String table,
      String scanCol, String scanId, int seconds, DatabaseUrl url, String environment) {
    long start = System.nanoTime();
    long events = 0;
    Set<String> ids = new HashSet<>();
    boolean eventsKnown = true;
    Pattern type = Pattern.compile("\"type\"\\s*:\\s*\"" + Pattern.quote(eventType) + "\"");
    try (ResponseInputStream<GetObjectResponse> in = s3.getObject(b -> b.bucket(bucket).key(key));
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      long read = 0;
      String line;
      while ((line = r.readLine()) != null && read < MAX_EVENTS_BYTES) {
        read += line.length() + 1;
        if (type.matcher(line).find()) {
          events++;
          Matcher m = FINDING_ID.matcher(line);
          if (m.find()) {
            ids.add(m.group(1));
          }
        }
      }
    } catch (NoSuchKeyException e) {
      eventsKnown = false;
    } catch (SdkException | IOException e) {
      eventsKnown = false;
    }
    long rows;
    try (Connection c = ds.getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM " + table + " WHERE CAST(" + scanCol + " AS text) = ?")) {
      ps.setQueryTimeout(seconds);
      ps.setString(1, scanId);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        rows = rs.getLong(1);
      }
    } catch (SQLException e) {
      String[] why = Db.explain(e, url.address());
      return Hop.of("findings persisted", Status.DOWN, AwsRun.ms(start), why[0], why[1]);
    }
    long ms = AwsRun.ms(start);
    long expected = ids.isEmpty() ? (events > 0 ? 1 : 0) : ids.size();
    String counts = events + " " + eventType + " events" + (ids.isEmpty() ? "" : " (" + ids.size() + " findings)")
        + ", " + rows + " rows in " + table;
    String persistHint = "Findings not persisting: check runner logs for finding_upsert errors (aws logs tail /vega/"
        + environment + "/vega-v16-runner --since 1h) and that migration 004_findings_columns.sql is applied"
        + " (schema_migrations); if rows exist, clear the frontend's severity and status filters";
    if (!eventsKnown) {
      return Hop.of("findings persisted", rows > 0 ? Status.UP : Status.UNKNOWN, ms,
          rows + " rows in " + table + "; v16-events.jsonl not readable",
          rows > 0 ? "" : "Did v16 emit finding_updated events? v16-events.jsonl is missing from the artifacts bucket");
    }
    if (events == 0) {
      return Hop.of("findings persisted", Status.UP, ms, counts + ": v16 emitted no findings", "");
    }
    if (rows == 0) {
      return Hop.of("findings persisted", Status.DOWN, ms, counts, persistHint);
    }
    if (rows < expected) {
      return Hop.of("findings persisted", Status.DEGRADED, ms, counts + ": some findings are missing", persistHint);
    }
    return Hop.of("findings persisted", Status.UP, ms, counts, "");
  }

  private static Hop findingsOnly(AgentDataSource ds, String table, String scanCol, String scanId, int seconds,
      DatabaseUrl url) {
    long start = System.nanoTime();
    try (Connection c = ds.getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM " + table + " WHERE CAST(" + scanCol + " AS text) = ?")) {
      ps.setQueryTimeout(seconds);
      ps.setString(1, scanId);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return Hop.of("findings persisted", Status.UNKNOWN, AwsRun.ms(start), rs.getLong(1) + " rows in " + table,
            "set VEGA_S3_ARTIFACTS_BUCKET to compare them with v16-events.jsonl");
      }
    } catch (SQLException e) {
      String[] why = Db.explain(e, url.address());
      return Hop.of("findings persisted", Status.DOWN, AwsRun.ms(start), why[0], why[1]);
    }
  }

  private static String shortArn(String arn) {
    int slash = arn.lastIndexOf('/');
    return Text.oneLine(slash < 0 ? arn : arn.substring(slash + 1));
  }

  private static String lower(String s) {
    return s == null ? "unknown" : s.trim().toLowerCase(Locale.ROOT);
  }

  private static String or(String v, String fallback) {
    return v == null ? fallback : v;
  }
}
