package com.example.vega.health.agent;

import com.example.vega.health.checks.DatabaseUrl;

import com.example.vega.health.CheckContext;
import com.example.vega.health.CheckResult;
import com.example.vega.health.Status;
import com.example.vega.health.VegaSettings;
import com.example.vega.health.checks.PostgresCheck;
import com.example.vega.health.checks.VegaRole;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.Datapoint;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.Statistic;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.FilterLogEventsRequest;
import software.amazon.awssdk.services.cloudwatchlogs.model.FilterLogEventsResponse;
import software.amazon.awssdk.services.cloudwatchlogs.model.FilteredLogEvent;
import software.amazon.awssdk.services.cloudwatchlogs.model.ResourceNotFoundException;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.Container;
import software.amazon.awssdk.services.ecs.model.DescribeServicesResponse;
import software.amazon.awssdk.services.ecs.model.DesiredStatus;
import software.amazon.awssdk.services.ecs.model.Failure;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.ServiceEvent;
import software.amazon.awssdk.services.ecs.model.Task;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.GetQueueAttributesResponse;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;

/**
 * {@code doctor --aws}: the runbook's CLI sequence, done for you with the environment's
 * credentials. ECS DescribeServices for each service, the stopped tasks' reasons and exit codes,
 * SQS depth (sampled twice, so a growing backlog shows), the latest ERROR lines of each service's
 * log group, and {@code schema_migrations}.
 */
final class AwsRun {
  static final List<String> SERVICES = List.of("vega-api", "vega-worker", "vega-llm-proxy");
  static final List<String> LOG_SERVICES =
      List.of("vega-api", "vega-worker", "vega-v16-runner", "vega-llm-proxy", "vega-maintenance");

  private static final String PULL_HINT = "the image could not be pulled: check the image tag in the task"
      + " definition, the execution role's ECR permissions, and that the task's subnets reach ECR (NAT or VPC"
      + " endpoints)";

  private AwsRun() {}

  static Report run(Doctor.Args args, VegaSettings env, Duration timeout, PrintStream progress)
      throws Doctor.CannotRun {
    String environment = env.value("VEGA_ENVIRONMENT") == null ? "dev" : env.value("VEGA_ENVIRONMENT");
    String cluster = env.value("VEGA_ECS_CLUSTER");
    String queue = env.value("VEGA_SQS_QUEUE_URL");
    String dbUrl = env.value("VEGA_DATABASE_URL");
    List<String> services = args.options().containsKey("services")
        ? List.of(args.options().get("services").split(",")) : SERVICES;
    for (String s : services) {
      if (!s.trim().matches("[A-Za-z0-9_-]{1,255}")) {
        throw new Doctor.CannotRun("--services '" + AgentConfig.shorten(s) + "' is not an ECS service name");
      }
    }
    Duration since = Doctor.duration(args.get("since", "30m"), "--since");
    int lines = Doctor.positiveInt(args.get("lines", "5"), "--lines", 200);
    Duration sample = Doctor.duration(args.get("sqs-sample", "3s"), "--sqs-sample");
    List<Hop> hops = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    List<String> secrets = new ArrayList<>();
    try (AwsSdk aws = new AwsSdk(env::value)) {
      if (cluster == null) {
        notes.add("VEGA_ECS_CLUSTER is not set: ECS services and stopped tasks not checked");
      } else {
        EcsClient ecs = client(aws::ecs);
        for (String s : services) {
          Doctor.progress(progress, "ecs describe-services " + s.trim());
          hops.add(service(ecs, cluster, s.trim(), environment));
        }
        Doctor.progress(progress, "ecs list-tasks --desired-status STOPPED");
        hops.add(stoppedTasks(ecs, cluster, environment));
      }
      if (queue == null) {
        notes.add("VEGA_SQS_QUEUE_URL is not set: the scan queue not checked");
      } else {
        Doctor.progress(progress, "sqs get-queue-attributes");
        hops.add(queue(client(aws::sqs), client(aws::cloudWatch), queue, sample, cluster, environment));
      }
      CloudWatchLogsClient logs = client(aws::logs);
      for (String s : LOG_SERVICES) {
        Doctor.progress(progress, "logs filter-log-events /vega/" + environment + "/" + s);
        hops.add(logs(logs, environment, s, since, lines, secrets));
      }
    }
    if (dbUrl == null) {
      notes.add("VEGA_DATABASE_URL is not set: schema_migrations not checked");
    } else {
      Doctor.progress(progress, "schema_migrations");
      hops.add(migrations(dbUrl, env.value("VEGA_EXPECTED_MIGRATION"), environment, timeout, secrets));
    }
    return new Report("AWS, environment " + environment + (cluster == null ? "" : ", cluster " + cluster),
        redact(hops, secrets), notes);
  }

  private static <C> C client(java.util.function.Supplier<C> make) throws Doctor.CannotRun {
    try {
      return make.get();
    } catch (RuntimeException e) {
      throw new Doctor.CannotRun("no AWS client: " + Text.oneLine(e.getMessage())
          + " (set AWS_REGION and credentials for the environment, e.g. AWS_PROFILE)");
    }
  }

  static Hop service(EcsClient ecs, String cluster, String name, String environment) {
    String hop = "ecs " + name;
    long start = System.nanoTime();
    try {
      DescribeServicesResponse r = ecs.describeServices(b -> b.cluster(cluster).services(name));
      long ms = ms(start);
      if (r.services().isEmpty() || "INACTIVE".equals(r.services().get(0).status())) {
        String why = r.failures().isEmpty() ? "INACTIVE" : reason(r.failures().get(0));
        return Hop.of(hop, Status.DOWN, ms, name + " is not a service of cluster " + cluster + " (" + why + ")",
            "check VEGA_ECS_CLUSTER and that " + name + " is deployed (Terraform)");
      }
      Service s = r.services().get(0);
      List<String> events = new ArrayList<>();
      for (ServiceEvent e : s.events()) {
        if (events.size() >= 3) {
          break;
        }
        events.add("event " + e.createdAt() + ": " + Text.oneLine(e.message()));
      }
      String counts = "running " + s.runningCount() + "/" + s.desiredCount() + ", pending " + s.pendingCount();
      if (s.desiredCount() > 0 && s.runningCount() < s.desiredCount()) {
        return new Hop(hop, s.runningCount() == 0 ? Status.DOWN : Status.DEGRADED, ms, counts,
            "look at the events, then get the stopped task reason: aws ecs list-tasks --cluster " + cluster
                + " --service-name " + name + " --desired-status STOPPED, then aws ecs describe-tasks"
                + " (stoppedReason, containers[0].exitCode); startup errors are in aws logs tail /vega/"
                + environment + "/" + name + " --since 1h", events);
      }
      return new Hop(hop, Status.UP, ms, counts, "", events);
    } catch (SdkException e) {
      return awsFailure(hop, ms(start), e, "ecs:DescribeServices");
    }
  }

  private static String reason(Failure f) {
    return Text.oneLine(f.reason() + (f.detail() == null ? "" : ": " + f.detail()));
  }

  static Hop stoppedTasks(EcsClient ecs, String cluster, String environment) {
    String hop = "ecs stopped tasks";
    long start = System.nanoTime();
    try {
      List<String> arns = ecs.listTasks(b -> b.cluster(cluster).desiredStatus(DesiredStatus.STOPPED).maxResults(20))
          .taskArns();
      if (arns.isEmpty()) {
        return Hop.of(hop, Status.UP, ms(start), "no stopped tasks ECS still remembers (about 1 hour)", "");
      }
      List<Task> tasks = ecs.describeTasks(b -> b.cluster(cluster).tasks(arns)).tasks();
      List<String> evidence = new ArrayList<>();
      String hint = "";
      int failed = 0;
      for (Task t : tasks) {
        String exits = exitCodes(t);
        boolean bad = failed(t.stoppedReason(), exits);
        String group = t.group() == null ? t.taskDefinitionArn() : t.group();
        evidence.add((bad ? "FAILED " : "ok ") + Text.oneLine(group) + ": " + Text.oneLine(t.stoppedReason())
            + " (exit " + exits + ")");
        if (bad) {
          failed++;
          if (hint.isEmpty()) {
            hint = stoppedHint(t.stoppedReason(), exits, group, environment);
          }
        }
      }
      return new Hop(hop, failed == 0 ? Status.UP : Status.DEGRADED, ms(start),
          tasks.size() + " stopped, " + failed + " of them failed", hint, evidence);
    } catch (SdkException e) {
      return awsFailure(hop, ms(start), e, "ecs:ListTasks/ecs:DescribeTasks");
    }
  }

  static String exitCodes(Task t) {
    List<String> codes = new ArrayList<>();
    for (Container c : t.containers()) {
      codes.add(c.exitCode() == null ? "none" : String.valueOf(c.exitCode()));
    }
    return codes.isEmpty() ? "none" : String.join(",", codes);
  }

  /**
   * Whether a stopped task failed. A task the scheduler replaced in a deployment or a scale-in
   * ("Scaling activity initiated by (deployment ecs-svc/...)") that exited cleanly, 0 or 143 on the
   * SIGTERM it was sent, did not: every deployment leaves such tasks behind for an hour.
   */
  static boolean failed(String reason, String exits) {
    if (reason != null && reason.startsWith("Scaling activity initiated by")) {
      return !exits.matches("(0|143|none)(,(0|143|none))*");
    }
    return !exits.equals("0") || reason != null && !reason.contains("exited");
  }

  /** The runbook's common causes, matched on what ECS says. */
  static String stoppedHint(String reason, String exits, String group, String environment) {
    String r = reason == null ? "" : reason.toLowerCase(Locale.ROOT);
    String svc = group == null ? "the service" : group.replaceFirst("^service:", "").replaceFirst("^family:", "");
    if (r.contains("resourceinitializationerror") && (r.contains("logger") || r.contains("log group"))) {
      return "the task's log group is missing: check the awslogs-group of the " + svc + " task definition (/vega/"
          + environment + "/" + svc + ") exists, and the execution role's logs:CreateLogStream";
    }
    if (r.contains("ecr registry auth")) {
      return PULL_HINT;
    }
    if (r.contains("secret") || r.contains("resourceinitializationerror")) {
      return "Missing secret: check Secrets Manager for the secret referenced in the task definition";
    }
    if (r.contains("outofmemory") || r.contains("out of memory") || exits.contains("137")) {
      return "Out of memory or CPU: increase the task definition's resource limits in Terraform";
    }
    if (r.contains("cannotpull") || r.contains("pull")) {
      return PULL_HINT;
    }
    if (r.contains("health check")) {
      return "ECS replaced the task after failed container health checks: check /v1/healthz/live and"
          + " the health check's startPeriod; logs: aws logs tail /vega/" + environment + "/" + svc + " --since 1h";
    }
    return "Container failed to start: check CloudWatch logs for startup errors (aws logs tail /vega/"
        + environment + "/" + svc + " --since 1h)";
  }

  static Hop queue(SqsClient sqs, CloudWatchClient cw, String queueUrl, Duration sample, String cluster,
      String environment) {
    String hop = "sqs scan queue";
    long start = System.nanoTime();
    try {
      long[] first = depth(sqs, queueUrl);
      long ms = ms(start);
      Thread.sleep(sample.toMillis());
      long[] second = depth(sqs, queueUrl);
      String detail = "visible " + second[0] + " (was " + first[0] + " " + sample.toSeconds() + "s ago), in flight "
          + second[1] + ", delayed " + second[2] + ", " + oldestAge(cw, queueUrl);
      if (second[0] > 0 && second[0] > first[0]) {
        return Hop.of(hop, Status.DEGRADED, ms, detail + ": growing",
            "messages are piling up — the worker is not consuming them: is the worker running (aws ecs"
                + " describe-services --cluster " + (cluster == null ? "<cluster>" : cluster) + " --services vega-worker)?"
                + " Check worker logs (aws logs tail /vega/" + environment + "/vega-worker --since 30m) and that the"
                + " worker's task role may receive SQS messages");
      }
      return Hop.of(hop, Status.UP, ms, detail, "");
    } catch (QueueDoesNotExistException e) {
      return Hop.of(hop, Status.DOWN, ms(start), "the queue does not exist",
          "check VEGA_SQS_QUEUE_URL (account, region and name) against the queue Terraform created");
    } catch (SdkException e) {
      return awsFailure(hop, ms(start), e, "sqs:GetQueueAttributes");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Hop.of(hop, Status.UNKNOWN, ms(start), "interrupted", "");
    }
  }

  /** ApproximateAgeOfOldestMessage is a CloudWatch metric, not a queue attribute. */
  static String oldestAge(CloudWatchClient cw, String queueUrl) {
    String name = queueUrl.substring(queueUrl.lastIndexOf('/') + 1);
    try {
      Instant now = Instant.now();
      List<Datapoint> points = cw.getMetricStatistics(b -> b.namespace("AWS/SQS")
          .metricName("ApproximateAgeOfOldestMessage")
          .dimensions(Dimension.builder().name("QueueName").value(name).build())
          .startTime(now.minus(Duration.ofMinutes(15))).endTime(now).period(60)
          .statistics(Statistic.MAXIMUM)).datapoints();
      Datapoint latest = null;
      for (Datapoint p : points) {
        if (latest == null || p.timestamp().isAfter(latest.timestamp())) {
          latest = p;
        }
      }
      return latest == null || latest.maximum() == null ? "oldest message age: no CloudWatch datapoint in 15 min"
          : "oldest message " + latest.maximum().longValue() + " s old (CloudWatch, " + latest.timestamp() + ")";
    } catch (SdkException e) {
      return "oldest message age unknown (cloudwatch:GetMetricStatistics: " + Text.oneLine(e.getMessage(), 120) + ")";
    }
  }

  private static long[] depth(SqsClient sqs, String queueUrl) {
    GetQueueAttributesResponse r = sqs.getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNames(
        QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
        QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE,
        QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED));
    Map<QueueAttributeName, String> a = r.attributes();
    return new long[] {
        num(a.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES)),
        num(a.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)),
        num(a.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED))};
  }

  private static long num(String s) {
    try {
      return s == null ? 0 : Long.parseLong(s.trim());
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  static Hop logs(CloudWatchLogsClient logs, String environment, String service, Duration since, int lines,
      List<String> secrets) {
    String group = "/vega/" + environment + "/" + service;
    String hop = "logs " + group;
    long start = System.nanoTime();
    try {
      List<FilteredLogEvent> latest = new ArrayList<>();
      String next = null;
      int pages = 0;
      do {
        String token = next;
        FilterLogEventsRequest.Builder b = FilterLogEventsRequest.builder().logGroupName(group)
            .filterPattern("ERROR").startTime(Instant.now().minus(since).toEpochMilli()).limit(1000);
        if (token != null) {
          b.nextToken(token);
        }
        FilterLogEventsResponse r = logs.filterLogEvents(b.build());
        latest.addAll(r.events());
        while (latest.size() > lines) {
          latest.remove(0); // events come oldest first; keep the newest
        }
        next = r.nextToken();
      } while (next != null && ++pages < 10);
      if (latest.isEmpty()) {
        return Hop.of(hop, Status.UP, ms(start), "no ERROR lines in the last " + since.toMinutes() + " min", "");
      }
      List<String> evidence = new ArrayList<>();
      for (FilteredLogEvent e : latest) {
        evidence.add(Instant.ofEpochMilli(e.timestamp() == null ? 0 : e.timestamp()) + " " + Text.oneLine(e.message()));
      }
      return new Hop(hop, Status.DEGRADED, ms(start), latest.size() + (pages > 0 ? "+" : "")
          + " ERROR lines in the last " + since.toMinutes() + " min (latest below)",
          "read them around their time: aws logs tail " + group + " --since " + since.toMinutes() + "m", evidence);
    } catch (ResourceNotFoundException e) {
      return Hop.of(hop, Status.UNKNOWN, ms(start), "log group " + group + " does not exist",
          "check the awslogs-group of the " + service + " task definition, and VEGA_ENVIRONMENT");
    } catch (SdkException e) {
      return awsFailure(hop, ms(start), e, "logs:FilterLogEvents");
    }
  }

  static Hop migrations(String dbUrl, String expected, String environment, Duration timeout, List<String> secrets) {
    String hop = "postgres schema_migrations";
    long start = System.nanoTime();
    DatabaseUrl url;
    try {
      url = DatabaseUrl.parse("VEGA_DATABASE_URL", dbUrl);
    } catch (IllegalArgumentException e) {
      return Hop.of(hop, Status.DOWN, 0, e.getMessage(), "fix VEGA_DATABASE_URL");
    }
    if (url.password() != null) {
      secrets.add(url.password());
    }
    AgentDataSource ds = new AgentDataSource(url);
    PostgresCheck.Builder b = PostgresCheck.builder(ds).role(VegaRole.MAINTENANCE.serviceName()).environment(environment);
    if (expected != null) {
      b.expectedMigrations(List.of(expected));
    }
    CheckResult r;
    try {
      r = b.build().check(CheckContext.of(timeout));
    } catch (Exception e) {
      r = CheckResult.unknown(Text.oneLine(String.valueOf(e)), "check VEGA_DATABASE_URL");
    }
    List<String> latest = new ArrayList<>();
    if (r.status() != Status.DOWN || r.errorKind() == com.example.vega.health.ErrorKind.MIGRATION_MISSING) {
      try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
        st.setQueryTimeout((int) Math.max(1, timeout.toSeconds()));
        try (ResultSet rs = st.executeQuery("SELECT version FROM schema_migrations ORDER BY version DESC LIMIT 3")) {
          while (rs.next()) {
            latest.add("applied: " + Text.oneLine(rs.getString(1)));
          }
        }
      } catch (SQLException e) {
        latest.add(Db.explain(e, url.address())[0]);
      }
    }
    String hint = r.hint();
    if (r.status() == Status.DOWN && hint.isEmpty()) {
      hint = "run the migrations (scripts/aws/run-migrations.sh " + environment + "); if they fail, inspect the"
          + " stopped maintenance task and aws logs tail /vega/" + environment + "/vega-maintenance --since 30m";
    }
    return new Hop(hop, r.status(), ms(start), Text.oneLine(r.message()), hint, latest);
  }

  static Hop awsFailure(String hop, long ms, SdkException e, String action) {
    String msg = Text.oneLine(e.getMessage());
    String lower = msg.toLowerCase(Locale.ROOT);
    if (lower.contains("accessdenied") || lower.contains("not authorized") || lower.contains("access denied")) {
      return Hop.of(hop, Status.DOWN, ms, "access denied: " + msg,
          "the credentials in use may not call " + action + ": use a role for this environment that can");
    }
    if (lower.contains("expired") || lower.contains("security token") || lower.contains("unable to load credentials")) {
      return Hop.of(hop, Status.UNKNOWN, ms, "no valid AWS credentials: " + msg,
          "log in for this environment (aws sso login / AWS_PROFILE) and run again");
    }
    return Hop.of(hop, Status.UNKNOWN, ms, msg, "run again; if it persists, run the aws CLI command by hand to see the error");
  }

  /** Masks known secrets (the database password) in every line the doctor prints. */
  static List<Hop> redact(List<Hop> hops, List<String> secrets) {
    if (secrets.isEmpty()) {
      return hops;
    }
    List<Hop> out = new ArrayList<>();
    for (Hop h : hops) {
      List<String> ev = new ArrayList<>();
      for (String e : h.evidence()) {
        ev.add(mask(e, secrets));
      }
      out.add(new Hop(h.name(), h.status(), h.latencyMs(), mask(h.detail(), secrets), mask(h.hint(), secrets), ev));
    }
    return out;
  }

  static String mask(String s, List<String> secrets) {
    String r = s;
    for (String x : secrets) {
      if (x != null && x.length() >= 4) {
        r = r.replace(x, "****");
      }
    }
    return r;
  }

  static long ms(long startNanos) {
    return Duration.ofNanos(System.nanoTime() - startNanos).toMillis();
  }
}
