package com.example.vega.health.agent.doctor;

import com.example.vega.health.Status;
import com.example.vega.health.agent.Text;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.Secret;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.TaskDefinition;
import software.amazon.awssdk.services.iam.model.EvaluationResult;
import software.amazon.awssdk.services.iam.model.PolicyEvaluationDecisionType;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;

/**
 * Whose rights a hop tested. The doctor's own calls run as the credentials in use (STS
 * GetCallerIdentity names them); a service's rights are its task role's, found from its task
 * definition and proved by IAM policy simulation of exactly the actions that role needs on exactly
 * its resources. A simulation the doctor cannot run is UNKNOWN, never UP: an operator's own admin
 * rights say nothing about a task role.
 */
final class RoleRights {
  static final Context.Fact<String> CALLER = new Context.Fact<>("caller identity", String.class);

  private RoleRights() {}

  /** One action a role needs, on its resources. */
  record Need(String action, List<String> resources) {
    Need {
      resources = List.copyOf(resources);
    }
  }

  /** The ARN of the credentials in use (STS GetCallerIdentity), or why it is not known; asked once per run. */
  static String caller(Context ctx) {
    String known = ctx.fact(CALLER);
    if (known != null) {
      return known;
    }
    String who;
    try {
      who = ctx.aws(a -> a.sts()).getCallerIdentity(b -> { }).arn();
    } catch (SdkException e) {
      who = "not known (" + Failure.aws(e, "STS", "sts:GetCallerIdentity").what() + ")";
    } catch (CannotRun e) {
      who = "not known (" + e.getMessage() + ")";
    }
    ctx.remember(CALLER, who);
    return who;
  }

  /** The evidence line every hop that ran with the doctor's credentials carries. */
  static String asCaller(Context ctx) {
    return "rights tested: the credentials in use, " + caller(ctx) + " (not a task role's)";
  }

  /**
   * Simulates {@code roleArn}'s policies for each need. DOWN names what is denied; UNKNOWN when
   * the simulation cannot run; UP only when every action is allowed on every resource.
   */
  static Hop simulate(Context ctx, String hop, String roleArn, List<Need> needs) throws CannotRun {
    return simulate(ctx, hop, roleArn, needs,
        (role, denied) -> Runbook.ROLE_DENIED.text("role", role, "denied", String.join(", ", denied)),
        Runbook.ROLE_NO_EVIDENCE.text("role", roleArn));
  }

  /**
   * The same, with the hop's own next steps: {@code deniedHint} from the role and what is denied
   * ("action on resource"), {@code noEvidenceHint} when the simulation cannot run.
   */
  static Hop simulate(Context ctx, String hop, String roleArn, List<Need> needs,
      java.util.function.BiFunction<String, List<String>, String> deniedHint, String noEvidenceHint)
      throws CannotRun {
    long start = System.nanoTime();
    String who = "role " + EcsHops.shortArn(roleArn);
    List<String> evidence = new ArrayList<>();
    evidence.add("rights tested: task role " + roleArn + " (iam:SimulatePrincipalPolicy, by " + caller(ctx) + ")");
    List<String> denied = new ArrayList<>();
    for (Need need : needs) {
      List<EvaluationResult> results;
      try {
        results = ctx.aws(a -> a.iam()).simulatePrincipalPolicy(b -> b.policySourceArn(roleArn)
            .actionNames(need.action()).resourceArns(need.resources())).evaluationResults();
      } catch (SdkException e) {
        Failure f = Failure.aws(e, "IAM", "iam:SimulatePrincipalPolicy");
        // Nothing of the role was tested: the evidence says so, not "rights tested".
        evidence.set(0, "rights not tested: task role " + roleArn + " (iam:SimulatePrincipalPolicy, by " + caller(ctx)
            + ", could not be done: " + f.what() + ")");
        return new Hop(hop, Status.UNKNOWN, Hop.since(start), "no evidence for " + who + ": " + f.what(),
            noEvidenceHint, evidence);
      }
      for (String resource : need.resources()) {
        String decision = "not evaluated";
        for (EvaluationResult r : results) {
          if (need.action().equalsIgnoreCase(r.evalActionName())
              && (resource.equals(r.evalResourceName()) || need.resources().size() == 1)) {
            decision = r.evalDecisionAsString();
          }
        }
        evidence.add(need.action() + " on " + Text.oneLine(resource, 200) + ": " + decision);
        if (!PolicyEvaluationDecisionType.ALLOWED.toString().equals(decision)) {
          denied.add(need.action() + " on " + Text.oneLine(resource, 200));
        }
      }
    }
    long ms = Hop.since(start);
    if (!denied.isEmpty()) {
      return new Hop(hop, Status.DOWN, ms, who + " may not " + String.join(", ", denied), deniedHint.apply(roleArn, denied),
          evidence);
    }
    List<String> actions = new ArrayList<>();
    needs.forEach(n -> actions.add(n.action()));
    return new Hop(hop, Status.UP, ms, who + " may " + String.join(", ", actions), "", evidence);
  }

  /** The task definition of a service, or of a RunTask family; null when ECS cannot say. */
  static @Nullable TaskDefinition definition(Context ctx, String serviceOrFamily, boolean family) {
    try {
      if (family) {
        return EcsHops.taskDefinition(ctx, serviceOrFamily);
      }
      Service s = EcsHops.service(ctx, serviceOrFamily);
      return s == null || s.taskDefinition() == null ? null : EcsHops.taskDefinition(ctx, s.taskDefinition());
    } catch (SdkException | CannotRun e) {
      return null;
    }
  }

  // ---- the roles and what each needs ----

  /**
   * The runner's task role (VEGA_RUNNER_TASK_ROLE_ARN, else its task definition's, family
   * VEGA_RUNNER_TASK_DEFINITION or vega-v16-runner): s3:GetObject on the source bucket's objects,
   * s3:PutObject on the artifacts bucket's.
   */
  static Hop runnerS3(Context ctx) throws CannotRun {
    String hop = "vega-v16-runner task role → s3";
    String role = ctx.setting(Settings.RUNNER_TASK_ROLE_ARN);
    if (role == null) {
      TaskDefinition td = definition(ctx, runnerFamily(ctx), true);
      role = td == null ? null : td.taskRoleArn();
    }
    if (role == null) {
      return Hop.of(hop, Status.UNKNOWN, 0, "the runner's task role is not known",
          Runbook.ROLE_UNKNOWN.text("service", "vega-v16-runner", "setting", Settings.RUNNER_TASK_ROLE_ARN));
    }
    List<Need> needs = new ArrayList<>();
    String source = ctx.setting(Settings.SOURCE_BUCKET);
    String artifacts = ctx.setting(Settings.ARTIFACTS_BUCKET);
    if (source != null) {
      needs.add(new Need("s3:GetObject", List.of("arn:aws:s3:::" + source + "/*")));
    }
    if (artifacts != null) {
      needs.add(new Need("s3:PutObject", List.of("arn:aws:s3:::" + artifacts + "/*")));
    }
    if (needs.isEmpty()) {
      return Hop.of(hop, Status.UNKNOWN, 0, "VEGA_S3_SOURCE_BUCKET and VEGA_S3_ARTIFACTS_BUCKET are not set",
          Runbook.SETTING.text("service", "vega-v16-runner"));
    }
    return simulate(ctx, hop, role, needs);
  }

  /**
   * The api's task role (VEGA_API_TASK_ROLE_ARN, else the vega-api service's task definition's):
   * s3:PutObject on the source bucket's objects (uploads) and sqs:SendMessage on the scan queue
   * (submitting a scan). The queue's ARN is asked of SQS with the doctor's credentials.
   */
  static Hop apiRights(Context ctx) throws CannotRun {
    String hop = "vega-api task role → s3, sqs";
    String role = ctx.setting(Settings.API_TASK_ROLE_ARN);
    if (role == null) {
      TaskDefinition td = definition(ctx, "vega-api", false);
      role = td == null ? null : td.taskRoleArn();
    }
    if (role == null) {
      return Hop.of(hop, Status.UNKNOWN, 0, "the api's task role is not known",
          Runbook.ROLE_UNKNOWN.text("service", "vega-api", "setting", Settings.API_TASK_ROLE_ARN));
    }
    List<Need> needs = new ArrayList<>();
    String source = ctx.setting(Settings.SOURCE_BUCKET);
    if (source != null) {
      needs.add(new Need("s3:PutObject", List.of("arn:aws:s3:::" + source + "/*")));
    }
    String queueUrl = ctx.setting(Settings.SQS_QUEUE_URL);
    if (queueUrl != null) {
      QueueArn lookup = queueArn(ctx, hop, queueUrl, System.nanoTime());
      String queueArn = lookup.arn();
      if (queueArn == null) {
        return lookup.unknown();
      }
      needs.add(new Need("sqs:SendMessage", List.of(queueArn)));
    }
    if (needs.isEmpty()) {
      return Hop.of(hop, Status.UNKNOWN, 0, "VEGA_S3_SOURCE_BUCKET and VEGA_SQS_QUEUE_URL are not set",
          Runbook.SETTING.text("service", "vega-api"));
    }
    return simulate(ctx, hop, role, needs);
  }

  /** The scan queue's ARN (asked of SQS with the doctor's credentials), or the hop that says why not. */
  record QueueArn(@Nullable String arn, @Nullable Hop why) {
    Hop unknown() {
      return java.util.Objects.requireNonNull(why);
    }
  }

  static QueueArn queueArn(Context ctx, String hop, String queueUrl, long start) throws CannotRun {
    String arn;
    try {
      arn = ctx.aws(a -> a.sqs()).getQueueAttributes(b -> b.queueUrl(queueUrl)
          .attributeNames(QueueAttributeName.QUEUE_ARN)).attributes().get(QueueAttributeName.QUEUE_ARN);
    } catch (QueueDoesNotExistException e) {
      return new QueueArn(null,
          Hop.of(hop, Status.UNKNOWN, Hop.since(start), "the queue does not exist", Runbook.QUEUE_MISSING.text()));
    } catch (SdkException e) {
      return new QueueArn(null, Failure.aws(e, "SQS", "sqs:GetQueueAttributes").hop(hop, Hop.since(start), ctx));
    }
    if (arn == null) {
      return new QueueArn(null,
          Hop.of(hop, Status.UNKNOWN, Hop.since(start), "SQS names no QueueArn for the scan queue", ""));
    }
    return new QueueArn(arn, null);
  }

  /**
   * The worker's task role: ecs:RunTask on the runner's task definition, and iam:PassRole on the
   * roles that task definition names (its task role and execution role).
   */
  static Hop workerEcs(Context ctx, @Nullable String workerRole) throws CannotRun {
    String hop = "vega-worker task role → ecs";
    if (workerRole == null) {
      return Hop.of(hop, Status.UNKNOWN, 0, "the worker's task role is not known",
          Runbook.ROLE_UNKNOWN.text("service", "vega-worker", "setting", Settings.WORKER_TASK_ROLE_ARN));
    }
    TaskDefinition runner = definition(ctx, runnerFamily(ctx), true);
    if (runner == null) {
      return Hop.of(hop, Status.UNKNOWN, 0, "ECS describes no runner task definition " + runnerFamily(ctx),
          Runbook.ROLE_UNKNOWN.text("service", "vega-v16-runner", "setting", Settings.RUNNER_TASK_DEFINITION));
    }
    List<Need> needs = new ArrayList<>();
    needs.add(new Need("ecs:RunTask", List.of(runner.taskDefinitionArn())));
    List<String> passed = new ArrayList<>();
    if (runner.taskRoleArn() != null) {
      passed.add(runner.taskRoleArn());
    }
    if (runner.executionRoleArn() != null && !passed.contains(runner.executionRoleArn())) {
      passed.add(runner.executionRoleArn());
    }
    if (!passed.isEmpty()) {
      needs.add(new Need("iam:PassRole", passed));
    }
    return simulate(ctx, hop, workerRole, needs);
  }

  /**
   * The service's execution role (which ECS uses to fetch the task definition's secrets at start):
   * secretsmanager:GetSecretValue on each referenced Secrets Manager secret.
   */
  static Hop serviceSecrets(Context ctx, String service) throws CannotRun {
    String hop = service + " execution role → secrets";
    TaskDefinition td = definition(ctx, service, false);
    if (td == null) {
      return Hop.of(hop, Status.UNKNOWN, 0, "ECS describes no task definition for " + service, "");
    }
    List<String> secrets = new ArrayList<>();
    for (ContainerDefinition c : td.containerDefinitions()) {
      for (Secret s : c.secrets()) {
        String ref = s.valueFrom();
        if (ref != null && ref.startsWith("arn:") && ref.contains(":secretsmanager:")
            && !secrets.contains(EcsHops.secretId(ref))) {
          secrets.add(EcsHops.secretId(ref));
        }
      }
    }
    if (secrets.isEmpty()) {
      return Hop.up(hop, 0, td.family() + ":" + td.revision() + " references no Secrets Manager secret");
    }
    if (td.executionRoleArn() == null) {
      return Hop.of(hop, Status.DOWN, 0, td.family() + ":" + td.revision() + " references secrets but names no"
          + " execution role to fetch them", Runbook.STOPPED_SECRET.text());
    }
    return simulate(ctx, hop, td.executionRoleArn(), List.of(new Need("secretsmanager:GetSecretValue", secrets)));
  }

  static String runnerFamily(Context ctx) {
    String td = ctx.setting(Settings.RUNNER_TASK_DEFINITION);
    return td == null ? "vega-v16-runner" : td;
  }
}
