package com.example.vega.health.agent.doctor;

import com.example.vega.health.Status;
import com.example.vega.health.agent.Text;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.Container;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.DeploymentCircuitBreaker;
import software.amazon.awssdk.services.ecs.model.DescribeServicesResponse;
import software.amazon.awssdk.services.ecs.model.DesiredStatus;
import software.amazon.awssdk.services.ecs.model.ListTasksRequest;
import software.amazon.awssdk.services.ecs.model.ListTasksResponse;
import software.amazon.awssdk.services.ecs.model.Secret;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.ServiceEvent;
import software.amazon.awssdk.services.ecs.model.Task;
import software.amazon.awssdk.services.ecs.model.TaskDefinition;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.DescribeSecretResponse;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;

/**
 * "API is down" for any ECS service: the service's counts and events, its deployments (a rollout
 * failing while the old tasks still run), its stopped tasks (all pages) and why they stopped, and
 * the secrets its task definition references.
 */
final class EcsHops {
  static final int MAX_PAGES = 10;
  static final int MAX_EVIDENCE = 20;

  private EcsHops() {}

  // ---- shared lookups, remembered in the context ----

  /** DescribeServices once per run; null when the service does not exist (or is INACTIVE). */
  static @Nullable Service service(Context ctx, String name) throws CannotRun {
    Context.Fact<Service> fact = new Context.Fact<>("ecs service " + name, Service.class);
    Service known = ctx.fact(fact);
    if (known != null) {
      return known;
    }
    String cluster = ctx.setting(Settings.ECS_CLUSTER);
    if (cluster == null) {
      return null;
    }
    DescribeServicesResponse r = ctx.aws(a -> a.ecs()).describeServices(b -> b.cluster(cluster).services(name));
    if (r.services().isEmpty() || "INACTIVE".equals(r.services().get(0).status())) {
      ctx.remember(new Context.Fact<>("ecs service missing " + name, String.class), r.failures().isEmpty() ? "INACTIVE"
          : Text.oneLine(r.failures().get(0).reason() + (r.failures().get(0).detail() == null ? ""
              : ": " + r.failures().get(0).detail())));
      return null;
    }
    ctx.remember(fact, r.services().get(0));
    return r.services().get(0);
  }

  /** DescribeTaskDefinition once per revision; null when ECS cannot say. */
  static @Nullable TaskDefinition taskDefinition(Context ctx, String arn) throws CannotRun {
    Context.Fact<TaskDefinition> fact = new Context.Fact<>("task definition " + arn, TaskDefinition.class);
    TaskDefinition known = ctx.fact(fact);
    if (known == null) {
      known = ctx.aws(a -> a.ecs()).describeTaskDefinition(b -> b.taskDefinition(arn)).taskDefinition();
      ctx.remember(fact, known);
    }
    return known;
  }

  // ---- hops ----

  static Hop serviceHop(Context ctx, String name) throws CannotRun {
    String hop = "ecs " + name;
    long start = System.nanoTime();
    try {
      Service s = service(ctx, name);
      long ms = Hop.since(start);
      if (s == null) {
        String why = ctx.fact(new Context.Fact<>("ecs service missing " + name, String.class));
        return Hop.of(hop, Status.DOWN, ms, name + " is not a service of cluster " + ctx.clusterOrPlaceholder()
            + (why == null ? "" : " (" + why + ")"), Runbook.SERVICE_MISSING.text(ctx, "service", name));
      }
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
            Runbook.SERVICE_NOT_RUNNING.text(ctx, "service", name), events);
      }
      return new Hop(hop, Status.UP, ms, counts, "", events);
    } catch (SdkException e) {
      return Failure.aws(e, "ECS", "ecs:DescribeServices").hop(hop, Hop.since(start), ctx);
    }
  }

  /**
   * The service's deployments: the PRIMARY one's rolloutState (COMPLETED, IN_PROGRESS, FAILED) and
   * failed task count, the circuit breaker, and the old deployments still running tasks.
   */
  static Hop deploymentHop(Context ctx, String name) throws CannotRun {
    String hop = "ecs " + name + " deployment";
    long start = System.nanoTime();
    Service s = service(ctx, name);
    if (s == null) {
      return Hop.of(hop, Status.UNKNOWN, 0, "no service", Runbook.SERVICE_MISSING.text(ctx, "service", name));
    }
    software.amazon.awssdk.services.ecs.model.Deployment primary = null;
    int oldRunning = 0;
    List<String> evidence = new ArrayList<>();
    for (var d : s.deployments()) {
      if ("PRIMARY".equals(d.status())) {
        primary = d;
      } else {
        oldRunning += d.runningCount() == null ? 0 : d.runningCount();
      }
      evidence.add(d.status() + " " + Text.oneLine(d.id()) + " " + shortArn(d.taskDefinition()) + " "
          + (d.rolloutStateAsString() == null ? "" : d.rolloutStateAsString() + " ") + "running " + d.runningCount()
          + "/" + d.desiredCount() + ", failed tasks " + orZero(d.failedTasks())
          + (d.createdAt() == null ? "" : ", created " + d.createdAt())
          + (d.rolloutStateReason() == null ? "" : ": " + Text.oneLine(d.rolloutStateReason(), 200)));
    }
    long ms = Hop.since(start);
    if (primary == null) {
      return new Hop(hop, Status.UNKNOWN, ms, "ECS reports no PRIMARY deployment", "", evidence);
    }
    if (name.equals("vega-api") && primary.createdAt() != null) {
      ctx.remember(FrontendHops.API_DEPLOYED, primary.createdAt());
    }
    DeploymentCircuitBreaker cb = s.deploymentConfiguration() == null ? null
        : s.deploymentConfiguration().deploymentCircuitBreaker();
    String breaker = cb == null || !Boolean.TRUE.equals(cb.enable()) ? " (no deployment circuit breaker)"
        : Boolean.TRUE.equals(cb.rollback()) ? " (circuit breaker on, with rollback)" : " (circuit breaker on)";
    String td = shortArn(primary.taskDefinition());
    int failed = orZero(primary.failedTasks());
    String detail = "deployment " + Text.oneLine(primary.id()) + " of " + td + " "
        + (primary.rolloutStateAsString() == null ? "(no rollout state)" : primary.rolloutStateAsString())
        + ", running " + primary.runningCount() + "/" + primary.desiredCount() + ", failed tasks " + failed
        + (oldRunning > 0 ? "; older deployments still run " + oldRunning + " tasks" : "") + breaker;
    String state = primary.rolloutStateAsString() == null ? "" : primary.rolloutStateAsString();
    if (state.equals("FAILED")) {
      return new Hop(hop, Status.DOWN, ms, detail, Runbook.DEPLOYMENT_FAILED.text(ctx, "service", name, "id",
          Text.oneLine(primary.id()), "breaker", breaker, "taskDefinition", td), evidence);
    }
    if (state.equals("IN_PROGRESS") && failed > 0) {
      return new Hop(hop, oldRunning > 0 ? Status.DEGRADED : Status.DOWN, ms, detail,
          Runbook.DEPLOYMENT_FAILING.text(ctx, "service", name, "taskDefinition", td, "failed",
              String.valueOf(failed), "breaker", breaker.replace(" (", " ").replace(")", "")), evidence);
    }
    return new Hop(hop, Status.UP, ms, detail, "", evidence);
  }

  /** Where stopped tasks are listed from: a service's, or a family's (RunTask tasks: maintenance). */
  record Scope(String name, boolean family) {
    static Scope service(String name) {
      return new Scope(name, false);
    }

    static Scope family(String name) {
      return new Scope(name, true);
    }
  }

  /** ListTasks --desired-status STOPPED for the service (every page), DescribeTasks, and why. */
  static Hop stoppedHop(Context ctx, Scope scope) throws CannotRun {
    String hop = "ecs " + scope.name() + " stopped tasks";
    long start = System.nanoTime();
    String cluster = ctx.setting(Settings.ECS_CLUSTER);
    EcsClient ecs = ctx.aws(a -> a.ecs());
    List<String> arns = new ArrayList<>();
    String next = null;
    int pages = 0;
    do {
      ListTasksRequest.Builder b = ListTasksRequest.builder().cluster(cluster).desiredStatus(DesiredStatus.STOPPED)
          .maxResults(100).nextToken(next);
      if (scope.family()) {
        b.family(scope.name());
      } else {
        b.serviceName(scope.name());
      }
      ListTasksResponse r = ecs.listTasks(b.build());
      arns.addAll(r.taskArns());
      next = r.nextToken();
    } while (next != null && ++pages < MAX_PAGES);
    if (arns.isEmpty()) {
      return Hop.up(hop, Hop.since(start), "no stopped tasks ECS still remembers (about 1 hour)");
    }
    List<Task> tasks = new ArrayList<>();
    for (int i = 0; i < arns.size(); i += 100) {
      List<String> chunk = arns.subList(i, Math.min(arns.size(), i + 100));
      tasks.addAll(ecs.describeTasks(b -> b.cluster(cluster).tasks(chunk)).tasks());
    }
    List<String> evidence = new ArrayList<>();
    String hint = "";
    int failed = 0;
    for (Task t : tasks) {
      String exits = exitCodes(t);
      boolean bad = failed(t.stoppedReason(), essentialExits(ctx, t));
      String group = t.group() == null ? t.taskDefinitionArn() : t.group();
      if (evidence.size() < MAX_EVIDENCE) {
        evidence.add((bad ? "FAILED " : "ok ") + Text.oneLine(group) + ": " + Text.oneLine(t.stoppedReason())
            + " (exit " + exits + ")");
      }
      if (bad) {
        failed++;
        if (hint.isEmpty()) {
          hint = stoppedHint(ctx, t, essentialExits(ctx, t), group);
        }
      }
    }
    if (tasks.size() > MAX_EVIDENCE) {
      evidence.add("… and " + (tasks.size() - MAX_EVIDENCE) + " more");
    }
    return new Hop(hop, failed == 0 ? Status.UP : Status.DEGRADED, Hop.since(start),
        tasks.size() + " stopped" + (next != null ? "+" : "") + ", " + failed + " of them failed", hint, evidence);
  }

  /**
   * Every {@code secrets[].valueFrom} of the service's task definition exists in Secrets Manager
   * and is not scheduled for deletion (a missing secret stops every new task of the service).
   */
  static Hop secretsHop(Context ctx, String name) throws CannotRun {
    String hop = "secrets " + name;
    long start = System.nanoTime();
    Service s = service(ctx, name);
    if (s == null) {
      return Hop.of(hop, Status.UNKNOWN, 0, "no service", Runbook.SERVICE_MISSING.text(ctx, "service", name));
    }
    if (s.taskDefinition() == null) {
      return Hop.of(hop, Status.UNKNOWN, 0, "ECS names no task definition for " + name, "");
    }
    TaskDefinition td;
    try {
      td = taskDefinition(ctx, s.taskDefinition());
    } catch (SdkException e) {
      return Failure.aws(e, "ECS", "ecs:DescribeTaskDefinition").hop(hop, Hop.since(start), ctx);
    }
    if (td == null) {
      return Hop.of(hop, Status.UNKNOWN, Hop.since(start), "ECS describes no task definition " + s.taskDefinition(), "");
    }
    List<String> refs = new ArrayList<>();
    for (ContainerDefinition c : td.containerDefinitions()) {
      for (Secret sec : c.secrets()) {
        if (sec.valueFrom() != null && !refs.contains(sec.valueFrom())) {
          refs.add(sec.valueFrom());
        }
      }
    }
    String tdName = td.family() + ":" + td.revision();
    if (refs.isEmpty()) {
      return Hop.up(hop, Hop.since(start), tdName + " references no secrets");
    }
    SecretsManagerClient sm = ctx.aws(a -> a.secrets());
    List<String> evidence = new ArrayList<>();
    Hop worst = null;
    int found = 0;
    for (String ref : refs) {
      if (!ref.startsWith("arn:") || !ref.contains(":secretsmanager:")) {
        evidence.add("not checked (an SSM parameter, not a Secrets Manager secret): " + Text.oneLine(ref, 200));
        continue;
      }
      String id = secretId(ref);
      try {
        DescribeSecretResponse d = sm.describeSecret(b -> b.secretId(id));
        if (d.deletedDate() != null) {
          evidence.add("scheduled for deletion on " + d.deletedDate() + ": " + id);
          if (worst == null) {
            worst = Hop.of(hop, Status.DOWN, 0, tdName + ": secret " + d.name() + " is scheduled for deletion",
                Runbook.SECRET_DELETED.text(ctx, "secret", id, "service", name, "date", String.valueOf(d.deletedDate())));
          }
        } else {
          found++;
          evidence.add("exists: " + id);
        }
      } catch (ResourceNotFoundException e) {
        evidence.add("missing: " + id);
        if (worst == null) {
          worst = Hop.of(hop, Status.DOWN, 0, tdName + ": secret " + id + " does not exist",
              Runbook.SECRET_MISSING.text(ctx, "secret", id, "service", name));
        }
      } catch (SdkException e) {
        Failure f = Failure.aws(e, "Secrets Manager", "secretsmanager:DescribeSecret");
        evidence.add(f.what() + ": " + id);
        if (worst == null) {
          worst = f.hop(hop, 0, ctx);
        }
      }
    }
    long ms = Hop.since(start);
    if (worst != null) {
      // The per-secret lines, then whose rights a denial judged (in worst's evidence).
      List<String> all = new ArrayList<>(evidence);
      all.addAll(worst.evidence());
      return new Hop(hop, worst.status(), ms, worst.detail(), worst.hint(), all);
    }
    return new Hop(hop, Status.UP, ms, tdName + ": " + found + " of " + refs.size() + " secrets exist", "", evidence);
  }

  /** The secret's ARN without a JSON key, version stage or version id ({@code arn:…:secret:name-AbCdEf}). */
  static String secretId(String valueFrom) {
    String[] p = valueFrom.split(":");
    return p.length > 7 ? String.join(":", java.util.Arrays.copyOf(p, 7)) : valueFrom;
  }

  // ---- how tasks ended ----

  static String exitCodes(Task t) {
    List<String> codes = new ArrayList<>();
    for (Container c : t.containers()) {
      codes.add(c.exitCode() == null ? "none" : String.valueOf(c.exitCode()));
    }
    return codes.isEmpty() ? "none" : String.join(",", codes);
  }

  /**
   * The exit codes of the task's essential containers only (a sidecar such as the ADOT collector,
   * {@code essential=false}, may exit non-zero without failing the task); all of them when the task
   * definition cannot be read.
   */
  static String essentialExits(Context ctx, Task t) {
    Set<String> notEssential = notEssential(ctx, t);
    List<String> codes = new ArrayList<>();
    for (Container c : t.containers()) {
      if (!notEssential.contains(c.name())) {
        codes.add(c.exitCode() == null ? "none" : String.valueOf(c.exitCode()));
      }
    }
    return codes.isEmpty() ? "none" : String.join(",", codes);
  }

  private static Set<String> notEssential(Context ctx, Task t) {
    Set<String> notEssential = new HashSet<>();
    try {
      TaskDefinition td = t.taskDefinitionArn() == null ? null : taskDefinition(ctx, t.taskDefinitionArn());
      if (td != null) {
        for (ContainerDefinition c : td.containerDefinitions()) {
          if (Boolean.FALSE.equals(c.essential())) {
            notEssential.add(c.name());
          }
        }
      }
    } catch (SdkException | CannotRun e) {
      // no task definition: every container counts
    }
    return notEssential;
  }

  /**
   * Whether a stopped task failed, from its essential containers' exit codes. A task the scheduler
   * replaced in a deployment or a scale-in ("Scaling activity initiated by (deployment ...)") that
   * exited cleanly, 0 or 143 on the SIGTERM it was sent, did not: every deployment leaves such tasks
   * behind for an hour.
   */
  static boolean failed(@Nullable String reason, String essentialExits) {
    if (reason != null && reason.startsWith("Scaling activity initiated by")) {
      return !essentialExits.matches("(0|143|none)(,(0|143|none))*");
    }
    return !essentialExits.matches("0(,0)*") || reason != null && !reason.contains("exited");
  }

  /** ECS's stoppedReason when the target group, not the container health check, failed the task. */
  private static final Pattern ELB_HEALTH =
      Pattern.compile("^Task failed ELB health checks in \\(target-group ([^)\\s]+)\\)");

  /**
   * The runbook's step for how the task ended. ECS tells it only in text (stoppedReason, a
   * container's reason) and the exit codes, so this matches ECS's documented stop reasons, most
   * specific first: the target group's health checks, the log group, ECR, secrets, memory (an
   * OutOfMemoryError reason or exit 137, SIGKILL), the image, the container health check, an
   * essential container's exit, anything else.
   */
  static String stoppedHint(Context ctx, Task t, String exits, @Nullable String group) {
    String reason = t.stoppedReason() == null ? "" : t.stoppedReason();
    String r = reason.toLowerCase(Locale.ROOT);
    StringBuilder containerReasons = new StringBuilder();
    for (Container c : t.containers()) {
      containerReasons.append(c.reason() == null ? "" : c.reason().toLowerCase(Locale.ROOT)).append('\n');
    }
    String svc = group == null ? "the service" : group.replaceFirst("^service:", "").replaceFirst("^family:", "");
    Matcher elb = ELB_HEALTH.matcher(reason);
    if (elb.find()) {
      return Runbook.STOPPED_ELB_HEALTH_CHECK.text(ctx, "service", svc, "targetGroup", targetGroupName(elb.group(1)));
    }
    if (r.contains("resourceinitializationerror") && (r.contains("logger") || r.contains("log group"))) {
      return Runbook.STOPPED_LOG_GROUP.text(ctx, "service", svc);
    }
    if (r.contains("ecr registry auth")) {
      return Runbook.STOPPED_IMAGE_PULL.text();
    }
    if (r.contains("secret") || r.contains("resourceinitializationerror")) {
      return Runbook.STOPPED_SECRET.text();
    }
    if (r.contains("outofmemory") || r.contains("out of memory") || containerReasons.indexOf("outofmemory") >= 0
        || List.of(exits.split(",")).contains("137")) {
      return Runbook.STOPPED_MEMORY.text();
    }
    if (r.contains("cannotpull") || r.contains("pull")) {
      return Runbook.STOPPED_IMAGE_PULL.text();
    }
    if (r.contains("health check")) {
      return Runbook.STOPPED_HEALTH_CHECK.text(ctx, "service", svc);
    }
    if (r.startsWith("essential container in task exited")) {
      Set<String> notEssential = notEssential(ctx, t);
      for (Container c : t.containers()) {
        if (!notEssential.contains(c.name()) && c.exitCode() != null && c.exitCode() != 0) {
          return Runbook.STOPPED_ESSENTIAL_EXIT.text(ctx, "service", svc, "container", Text.oneLine(c.name()),
              "exit", String.valueOf(c.exitCode()));
        }
      }
    }
    return Runbook.STOPPED_START.text(ctx, "service", svc);
  }

  /** {@code arn:…:targetgroup/vega-api/0123…} → {@code vega-api}. */
  static String targetGroupName(String arn) {
    String[] p = arn.split("/");
    return Text.oneLine(p.length >= 2 ? p[p.length - 2] : arn, 200);
  }

  static String shortArn(@Nullable String arn) {
    if (arn == null) {
      return "?";
    }
    int slash = arn.lastIndexOf('/');
    return Text.oneLine(slash < 0 ? arn : arn.substring(slash + 1));
  }

  private static int orZero(@Nullable Integer i) {
    return i == null ? 0 : i;
  }
}
