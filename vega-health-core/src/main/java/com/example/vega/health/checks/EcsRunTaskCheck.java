package com.example.vega.health.checks;

import com.example.vega.health.CheckContext;
import com.example.vega.health.Setting;
import com.example.vega.health.CheckPolicy;
import com.example.vega.health.CheckRegistration;
import com.example.vega.health.ComponentType;
import com.example.vega.health.CheckResult;
import com.example.vega.health.ErrorKind;
import com.example.vega.health.HealthCheck;
import com.example.vega.health.failure.AwsFailures;
import com.example.vega.health.failure.Caller;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.Cluster;
import software.amazon.awssdk.services.ecs.model.DescribeClustersResponse;
import software.amazon.awssdk.services.ecs.model.TaskDefinition;
import software.amazon.awssdk.services.ecs.model.TaskDefinitionStatus;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.EvaluationResult;
import software.amazon.awssdk.services.iam.model.PolicyEvaluationDecisionType;

/**
 * Whether the worker can launch the runner: the cluster is ACTIVE, the runner task definition is
 * ACTIVE, and there is evidence for {@code ecs:RunTask}, {@code ecs:StopTask},
 * {@code ecs:DescribeTasks} and {@code iam:PassRole}, without launching anything.
 *
 * <p>Evidence comes from IAM policy simulation of the worker's role where an IAM client and the
 * role's ARN are given (the role needs {@code iam:SimulatePrincipalPolicy} on itself); otherwise
 * from harmless calls whose error tells authorized from denied (DescribeTasks and StopTask on a
 * task that does not exist). What neither can show is UNKNOWN, with the reason: never UP without
 * evidence.
 */
public final class EcsRunTaskCheck implements HealthCheck {
  static final String RUN_TASK = "ecs:RunTask";
  static final String STOP_TASK = "ecs:StopTask";
  static final String DESCRIBE_TASKS = "ecs:DescribeTasks";
  static final String PASS_ROLE = "iam:PassRole";
  static final List<String> ACTIONS = List.of(RUN_TASK, STOP_TASK, DESCRIBE_TASKS, PASS_ROLE);
  /** A task id that cannot exist, for the probes (real ids are 32 hex digits). */
  static final String NO_SUCH_TASK = "00000000000000000000000000000000";

  private enum Evidence { ALLOWED, DENIED, UNKNOWN }

  private final EcsClient ecs;
  private final @Nullable IamClient iam;
  private final @Nullable String principalArn;
  private final List<String> passRoleArns;
  private final String cluster;
  private final String taskDefinition;
  private final boolean probes;
  private final Caller who;

  private EcsRunTaskCheck(Builder b, Caller who) {
    this.ecs = b.ecs;
    this.iam = b.iam;
    this.principalArn = b.principalArn;
    this.passRoleArns = List.copyOf(b.passRoleArns);
    this.cluster = b.cluster;
    this.taskDefinition = b.taskDefinition;
    this.probes = b.probes;
    this.who = who;
  }

  /**
   * In a role profile: with {@code VEGA_SCAN_WORKER_EXECUTION_MODE=ecs}, needs VEGA_ECS_CLUSTER,
   * VEGA_RUNNER_TASK_DEFINITION and the service's EcsClient; with VEGA_WORKER_TASK_ROLE_ARN, an
   * IamClient to simulate that role's policy.
   */
  static @Nullable CheckRegistration inProfile(Profile p, CheckPolicy policy) {
    String cluster = p.valid(Setting.ECS_CLUSTER);
    String td = p.valid(Setting.RUNNER_TASK_DEFINITION);
    EcsClient ecs = !p.is(Setting.EXECUTION_MODE, "ecs") || cluster == null || td == null ? null
        : p.client(p.clients().ecs(), "EcsClient", "whether the worker can launch the runner "
            + "(VEGA_ECS_CLUSTER, VEGA_RUNNER_TASK_DEFINITION) is not checked");
    if (cluster == null || td == null || ecs == null) {
      return null;
    }
    Builder b = builder(ecs, cluster, td).caller(p.caller());
    String worker = p.valid(Setting.WORKER_TASK_ROLE_ARN);
    IamClient iam = worker == null ? null : p.client(p.clients().iam(), "IamClient", "VEGA_WORKER_TASK_ROLE_ARN "
        + "is set but its policy cannot be simulated, so ecs-runtask cannot verify ecs:RunTask and iam:PassRole");
    if (worker != null && iam != null) {
      b.simulateWith(iam, worker);
    }
    String runner = p.valid(Setting.RUNNER_TASK_ROLE_ARN);
    if (runner != null) {
      b.passRole(runner);
    }
    return b.build().registration(policy);
  }

  /** A check of {@code cluster} (VEGA_ECS_CLUSTER) and {@code taskDefinition} (VEGA_RUNNER_TASK_DEFINITION). */
  public static Builder builder(EcsClient ecs, String cluster, String taskDefinition) {
    return new Builder(ecs, cluster, taskDefinition);
  }

  /** Registered as {@code ecs-runtask}, a component measured by {@code permissionsAllowed}. */
  public CheckRegistration registration(CheckPolicy policy) {
    return new CheckRegistration("ecs-runtask", ComponentType.COMPONENT, "permissionsAllowed", policy, this);
  }

  @Override
  public CheckResult check(CheckContext ctx) {
    AwsBudget budget = AwsBudget.of(ctx);
    DescribeClustersResponse clusters;
    try {
      clusters = ecs.describeClusters(r -> r.clusters(cluster).overrideConfiguration(budget));
    } catch (SdkException e) {
      return AwsFailures.of(e, "ECS", "ecs:DescribeClusters", "cluster " + cluster, who);
    }
    Cluster c = clusters.clusters().isEmpty() ? null : clusters.clusters().get(0);
    if (c == null || "MISSING".equals(c.status())) {
      return CheckResult.down(ErrorKind.NOT_FOUND, "cluster " + cluster + " does not exist",
          "check VEGA_ECS_CLUSTER in the " + who.serviceName() + " task definition (aws ecs "
              + "describe-clusters --region " + who.region() + " --clusters " + cluster + ")");
    }
    if (!"ACTIVE".equals(c.status())) {
      return CheckResult.down(ErrorKind.INACTIVE, "cluster " + cluster + " is " + c.status(),
          "the runner cannot be launched on an " + c.status() + " cluster: point VEGA_ECS_CLUSTER at "
              + "the ACTIVE cluster (aws ecs describe-clusters --region " + who.region() + " --clusters "
              + cluster + ")");
    }

    TaskDefinition td;
    AwsBudget tdBudget = AwsBudget.of(ctx);
    try {
      td = ecs.describeTaskDefinition(r -> r.taskDefinition(taskDefinition).overrideConfiguration(tdBudget))
          .taskDefinition();
    } catch (SdkException e) {
      String code = AwsFailures.errorCode(e);
      if (code.equals("ClientException") || code.equals("InvalidParameterException")) {
        return CheckResult.down(ErrorKind.NOT_FOUND,
            "runner task definition " + taskDefinition + " does not exist",
            "check VEGA_RUNNER_TASK_DEFINITION in the " + who.serviceName() + " task definition; the "
                + "deploy scripts register the runner's task definition");
      }
      return AwsFailures.of(e, "ECS", "ecs:DescribeTaskDefinition", "task definition " + taskDefinition, who);
    }
    String tdName = td.family() + ":" + td.revision();
    if (td.status() != TaskDefinitionStatus.ACTIVE) {
      return CheckResult.down(ErrorKind.INACTIVE,
          "runner task definition " + tdName + " is " + td.statusAsString(),
          "RunTask cannot use a deregistered revision: point VEGA_RUNNER_TASK_DEFINITION at an ACTIVE "
              + "revision of " + td.family() + " (a deploy registers one)");
    }

    Set<String> passRoles = new LinkedHashSet<>(passRoleArns);
    if (passRoles.isEmpty()) {
      // What RunTask will pass: the runner's task and execution roles.
      if (td.taskRoleArn() != null) {
        passRoles.add(td.taskRoleArn());
      }
      if (td.executionRoleArn() != null) {
        passRoles.add(td.executionRoleArn());
      }
    }
    Map<String, Evidence> evidence = new LinkedHashMap<>();
    for (String a : ACTIONS) {
      evidence.put(a, Evidence.UNKNOWN);
    }
    String why = "";
    String how = "";
    if (iam != null && principalArn != null) {
      try {
        simulate(ctx, List.of(RUN_TASK), List.of(td.taskDefinitionArn()), evidence);
        simulate(ctx, List.of(STOP_TASK, DESCRIBE_TASKS), List.of("*"), evidence);
        if (!passRoles.isEmpty()) {
          simulate(ctx, List.of(PASS_ROLE), new ArrayList<>(passRoles), evidence);
        }
        how = "IAM simulation";
      } catch (SdkException e) {
        for (String a : ACTIONS) {
          evidence.put(a, Evidence.UNKNOWN);
        }
        why = AwsFailures.isAccessDenied(e)
            ? "iam:SimulatePrincipalPolicy is denied to the " + who.role() + " task role"
            : "IAM policy simulation failed (" + AwsFailures.of(e, "IAM", "iam:SimulatePrincipalPolicy",
                principalArn, who).message() + ")";
      }
    } else {
      why = "no IAM simulation (set VEGA_WORKER_TASK_ROLE_ARN and allow iam:SimulatePrincipalPolicy on it)";
    }
    if (passRoles.isEmpty() && evidence.get(PASS_ROLE) == Evidence.UNKNOWN && why.isEmpty()) {
      why = "the runner task definition names no role to pass (set VEGA_RUNNER_TASK_ROLE_ARN)";
    }
    if (probes && (evidence.get(DESCRIBE_TASKS) == Evidence.UNKNOWN || evidence.get(STOP_TASK) == Evidence.UNKNOWN)) {
      CheckResult failed = probe(ctx, evidence);
      if (failed != null) {
        return failed;
      }
      how = how.isEmpty() ? "probes" : how + " and probes";
    }

    List<String> denied = new ArrayList<>();
    List<String> unknown = new ArrayList<>();
    for (Map.Entry<String, Evidence> e : evidence.entrySet()) {
      if (e.getValue() == Evidence.DENIED) {
        denied.add(e.getKey());
      } else if (e.getValue() == Evidence.UNKNOWN) {
        unknown.add(e.getKey());
      }
    }
    String state = "cluster " + cluster + " ACTIVE, runner task definition " + tdName + " ACTIVE";
    CheckResult result;
    if (!denied.isEmpty()) {
      String names = String.join(", ", denied);
      result = CheckResult.down(ErrorKind.ACCESS_DENIED,
          "the " + who.role() + " task role lacks " + names + " (" + state + ")",
          "the " + who.role() + " task role needs ecs:RunTask, ecs:StopTask, ecs:DescribeTasks and "
              + "iam:PassRole" + (passRoles.isEmpty() ? "" : " on " + String.join(", ", passRoles))
              + "; missing " + names + ": " + who.iamHint());
    } else if (!unknown.isEmpty()) {
      result = CheckResult.unknown(state + "; " + String.join(", ", unknown) + " not verified: " + why,
          "give the check evidence: " + why + "; meanwhile look for RunTask errors with "
              + who.logsTail("vega-worker", "30m"));
    } else {
      result = CheckResult.up(state + "; " + String.join(", ", ACTIONS) + " allowed (" + how + ")");
    }
    return result.with("permissionsAllowed", ACTIONS.size() - denied.size() - unknown.size(), null)
        .with("permissionsDenied", denied.size(), null)
        .with("permissionsUnknown", unknown.size(), null);
  }

  private void simulate(CheckContext ctx, List<String> actions, List<String> resources,
      Map<String, Evidence> evidence) {
    AwsBudget budget = AwsBudget.of(ctx);
    List<EvaluationResult> results = Objects.requireNonNull(iam).simulatePrincipalPolicy(r -> r
        .policySourceArn(principalArn).actionNames(actions).resourceArns(resources)
        .overrideConfiguration(budget)).evaluationResults();
    for (String a : actions) {
      boolean seen = false;
      boolean allowed = true;
      for (EvaluationResult er : results) {
        if (a.equalsIgnoreCase(er.evalActionName())) {
          seen = true;
          allowed &= er.evalDecision() == PolicyEvaluationDecisionType.ALLOWED;
        }
      }
      evidence.put(a, !seen ? Evidence.UNKNOWN : allowed ? Evidence.ALLOWED : Evidence.DENIED);
    }
  }

  /**
   * DescribeTasks and StopTask on a task that cannot exist: IAM is evaluated before the request's
   * content, so "not found" or "invalid parameter" proves the call is authorized, and AccessDenied
   * proves it is not. Nothing is stopped, since there is no such task.
   */
  private @Nullable CheckResult probe(CheckContext ctx, Map<String, Evidence> evidence) {
    if (evidence.get(DESCRIBE_TASKS) == Evidence.UNKNOWN) {
      AwsBudget budget = AwsBudget.of(ctx);
      try {
        ecs.describeTasks(r -> r.cluster(cluster).tasks(NO_SUCH_TASK).overrideConfiguration(budget));
        evidence.put(DESCRIBE_TASKS, Evidence.ALLOWED);
      } catch (SdkException e) {
        Evidence ev = probeEvidence(e);
        if (ev == null) {
          return AwsFailures.of(e, "ECS", DESCRIBE_TASKS, "cluster " + cluster, who);
        }
        evidence.put(DESCRIBE_TASKS, ev);
      }
    }
    if (evidence.get(STOP_TASK) == Evidence.UNKNOWN) {
      AwsBudget budget = AwsBudget.of(ctx);
      try {
        ecs.stopTask(r -> r.cluster(cluster).task(NO_SUCH_TASK)
            .reason("vega-health permission probe (no such task)").overrideConfiguration(budget));
        evidence.put(STOP_TASK, Evidence.ALLOWED);
      } catch (SdkException e) {
        Evidence ev = probeEvidence(e);
        if (ev == null) {
          return AwsFailures.of(e, "ECS", STOP_TASK, "cluster " + cluster, who);
        }
        evidence.put(STOP_TASK, ev);
      }
    }
    return null;
  }

  private static @Nullable Evidence probeEvidence(SdkException e) {
    if (AwsFailures.isAccessDenied(e)) {
      return Evidence.DENIED;
    }
    String code = AwsFailures.errorCode(e);
    int status = AwsFailures.statusCode(e);
    if (status >= 400 && status < 500 && (code.equals("InvalidParameterException")
        || code.equals("ClientException") || code.equals("ResourceNotFoundException"))) {
      return Evidence.ALLOWED;
    }
    return null; // throttling, 5xx, network: no evidence either way; the shared mapping says what
  }

  @Override
  public CheckResult onTimeout(Duration timeout) {
    return AwsFailures.timeout("ECS", "ecs:DescribeClusters", who);
  }

  /** Builds an {@link EcsRunTaskCheck}; {@link #build()} validates. */
  public static final class Builder extends CallerBuilder<Builder> {
    private final EcsClient ecs;
    private final String cluster;
    private final String taskDefinition;
    private @Nullable IamClient iam;
    private @Nullable String principalArn;
    private final Set<String> passRoleArns = new LinkedHashSet<>();
    private boolean probes = true;

    private Builder(EcsClient ecs, String cluster, String taskDefinition) {
      super("worker");
      this.ecs = Objects.requireNonNull(ecs, "ecs");
      this.cluster = Objects.requireNonNull(cluster, "cluster");
      this.taskDefinition = Objects.requireNonNull(taskDefinition, "taskDefinition");
    }

    /**
     * Simulate the policies of {@code principalArn} (the worker's task role,
     * VEGA_WORKER_TASK_ROLE_ARN) with this IAM client.
     */
    public Builder simulateWith(IamClient iam, String principalArn) {
      this.iam = Objects.requireNonNull(iam, "iam");
      this.principalArn = Objects.requireNonNull(principalArn, "principalArn");
      return this;
    }

    /**
     * The roles RunTask passes (VEGA_RUNNER_TASK_ROLE_ARN); default the runner task definition's
     * task and execution roles.
     */
    public Builder passRole(String roleArn) {
      passRoleArns.add(Objects.requireNonNull(roleArn, "roleArn"));
      return this;
    }

    /** Whether to use the harmless DescribeTasks/StopTask probes; default true. */
    public Builder probes(boolean enabled) {
      this.probes = enabled;
      return this;
    }

    public EcsRunTaskCheck build() {
      if (!cluster.matches("[A-Za-z0-9_-]{1,255}|arn:aws[a-z-]*:ecs:[a-z0-9-]+:\\d{12}:cluster/[A-Za-z0-9_-]{1,255}")) {
        throw new IllegalArgumentException("VEGA_ECS_CLUSTER must be a cluster name or ARN");
      }
      if (!taskDefinition.matches("[A-Za-z0-9_-]{1,255}(:\\d+)?|arn:aws[a-z-]*:ecs:\\S+:task-definition/[A-Za-z0-9_-]{1,255}(:\\d+)?")) {
        throw new IllegalArgumentException("VEGA_RUNNER_TASK_DEFINITION must be family[:revision] or a task definition ARN");
      }
      String arn = "arn:aws[a-z-]*:iam::\\d{12}:role/[A-Za-z0-9+=,.@_/-]{1,512}";
      if (principalArn != null && !principalArn.matches(arn)) {
        throw new IllegalArgumentException("VEGA_WORKER_TASK_ROLE_ARN must be an IAM role ARN");
      }
      for (String r : passRoleArns) {
        if (!r.matches(arn)) {
          throw new IllegalArgumentException("VEGA_RUNNER_TASK_ROLE_ARN must be an IAM role ARN");
        }
      }
      // The cluster checked is the one hints name, whatever the caller said.
      return new EcsRunTaskCheck(this, buildCaller(Regions.of(ecs.serviceClientConfiguration().region()))
          .withCluster(cluster));
    }
  }
}
