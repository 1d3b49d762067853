package com.example.vega.health.checks;

import com.example.vega.health.DependencyCall;
import com.example.vega.health.CheckContext;
import com.example.vega.health.CheckPolicy;
import com.example.vega.health.CheckRegistration;
import com.example.vega.health.CheckResult;
import com.example.vega.health.ComponentType;
import com.example.vega.health.ErrorKind;
import com.example.vega.health.HealthCheck;
import com.example.vega.health.Setting;
import com.example.vega.health.Status;
import com.example.vega.health.checks.internal.AwsFailures;
import com.example.vega.health.Caller;
import java.util.ArrayList;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
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
  private final EcsClient ecs;
  private final String cluster;
  private final String taskDefinition;
  private final RunTaskPermissions permissions;
  private final Caller who;

  private EcsRunTaskCheck(Builder b, Caller who) {
    this.ecs = b.ecs;
    this.cluster = b.cluster;
    this.taskDefinition = b.taskDefinition;
    this.permissions = new RunTaskPermissions(b.ecs, b.iam, b.principalArn, List.copyOf(b.passRoleArns), b.cluster,
        b.probes, who);
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

  /** Cluster, task definition, evidence, verdict: each step may end the run with what it found. */
  @Override
  public CheckResult check(CheckContext ctx) {
    CheckResult clusterProblem = cluster(ctx);
    if (clusterProblem != null) {
      return clusterProblem;
    }
    TaskDefinition td;
    AwsBudget budget = AwsBudget.of(ctx);
    try {
      td = ecs.describeTaskDefinition(r -> r.taskDefinition(taskDefinition).overrideConfiguration(budget))
          .taskDefinition();
    } catch (SdkException e) {
      return taskDefinitionFailure(e);
    }
    if (td.status() != TaskDefinitionStatus.ACTIVE) {
      return CheckResult.down(ErrorKind.INACTIVE,
          "runner task definition " + name(td) + " is " + td.statusAsString(),
          "RunTask cannot use a deregistered revision: point VEGA_RUNNER_TASK_DEFINITION at an ACTIVE "
              + "revision of " + td.family() + " (a deploy registers one)");
    }
    RunTaskPermissions.Found p = permissions.gather(ctx, td);
    CheckResult failed = p.failed();
    if (failed != null && (failed.status() == Status.DOWN || p.why().isEmpty())) {
      return failed.with("permissionsSimulated", p.simulated(), null);
    }
    CheckResult v = verdict(td, p);
    // Something is unverified whatever the probes say (no simulation, or no role to pass): a
    // transient probe failure must not read better than that UNKNOWN, so it is added, not returned.
    return failed == null ? v : v.withText(v.message() + "; probes: " + failed.message(), v.hint(), v.observations());
  }

  /** Step 1: the cluster exists and is ACTIVE; null when it is. */
  private @Nullable CheckResult cluster(CheckContext ctx) {
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
          "check VEGA_ECS_CLUSTER in the " + who.serviceName() + " task definition (" + describeClusters() + ")");
    }
    if (!"ACTIVE".equals(c.status())) {
      return CheckResult.down(ErrorKind.INACTIVE, "cluster " + cluster + " is " + c.status(),
          "the runner cannot be launched on an " + c.status() + " cluster: point VEGA_ECS_CLUSTER at "
              + "the ACTIVE cluster (" + describeClusters() + ")");
    }
    return null;
  }

  private String describeClusters() {
    return "aws ecs describe-clusters --region " + who.region() + " --clusters " + cluster;
  }

  /** Step 2, failed: the runner task definition could not be read. */
  private CheckResult taskDefinitionFailure(SdkException e) {
    String code = AwsFailures.errorCode(e);
    if (code.equals("ClientException") || code.equals("InvalidParameterException")) {
      return CheckResult.down(ErrorKind.NOT_FOUND,
          "runner task definition " + taskDefinition + " does not exist",
          "check VEGA_RUNNER_TASK_DEFINITION in the " + who.serviceName() + " task definition; the "
              + "deploy scripts register the runner's task definition");
    }
    return AwsFailures.of(e, "ECS", "ecs:DescribeTaskDefinition", "task definition " + taskDefinition, who);
  }

  /** Step 4: DOWN naming each denied permission, UNKNOWN naming each unverified one, else UP. */
  private CheckResult verdict(TaskDefinition td, RunTaskPermissions.Found p) {
    List<String> denied = p.denied();
    List<String> unknown = p.unknown();
    String state = "cluster " + cluster + " ACTIVE, runner task definition " + name(td) + " ACTIVE";
    CheckResult result;
    if (!denied.isEmpty()) {
      String names = String.join(", ", denied);
      result = CheckResult.down(ErrorKind.ACCESS_DENIED,
          "the " + who.role() + " task role lacks " + names + " (" + state + ")",
          "the " + who.role() + " task role needs ecs:RunTask, ecs:StopTask, ecs:DescribeTasks and "
              + "iam:PassRole" + (p.passRoles().isEmpty() ? "" : " on " + String.join(", ", p.passRoles()))
              + "; missing " + names + ": " + who.iamHint());
    } else if (!unknown.isEmpty()) {
      result = CheckResult.unknown(state + "; " + String.join(", ", unknown) + " not verified: " + p.why(),
          "give the check evidence: " + p.why() + "; meanwhile look for RunTask errors in "
              + who.logs());
    } else {
      result = CheckResult.up(state + "; " + String.join(", ", RunTaskPermissions.ACTIONS) + " allowed ("
          + p.how() + ")");
    }
    return result.with("permissionsAllowed", RunTaskPermissions.ACTIONS.size() - denied.size() - unknown.size(), null)
        .with("permissionsDenied", denied.size(), null)
        .with("permissionsUnknown", unknown.size(), null)
        // How many of the verdicts IAM simulation gave: 0 says the worker's role was not simulated.
        .with("permissionsSimulated", p.simulated(), null);
  }

  private static String name(TaskDefinition td) {
    return td.family() + ":" + td.revision();
  }

  /** The cluster and the task definition, then the evidence: IAM simulation, or the two probes. */
  @Override
  public List<DependencyCall> callsPerRun() {
    List<DependencyCall> calls = new ArrayList<>();
    calls.add(new DependencyCall("ecs", "DescribeClusters", 1));
    calls.add(new DependencyCall("ecs", "DescribeTaskDefinition", 1));
    calls.addAll(permissions.callsPerRun());
    return List.copyOf(calls);
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
      this.cluster = Setting.ECS_CLUSTER.require(cluster);
      this.taskDefinition = Setting.RUNNER_TASK_DEFINITION.require(taskDefinition);
    }

    /**
     * Simulate the policies of {@code principalArn} (the worker's task role,
     * VEGA_WORKER_TASK_ROLE_ARN) with this IAM client.
     */
    public Builder simulateWith(IamClient iam, String principalArn) {
      this.iam = Objects.requireNonNull(iam, "iam");
      this.principalArn = Setting.WORKER_TASK_ROLE_ARN.require(principalArn);
      return this;
    }

    /**
     * The roles RunTask passes (VEGA_RUNNER_TASK_ROLE_ARN); default the runner task definition's
     * task and execution roles.
     */
    public Builder passRole(String roleArn) {
      passRoleArns.add(Setting.RUNNER_TASK_ROLE_ARN.require(roleArn));
      return this;
    }

    /** Whether to use the harmless DescribeTasks/StopTask probes; default true. */
    public Builder probes(boolean enabled) {
      this.probes = enabled;
      return this;
    }

    public EcsRunTaskCheck build() {
      // The cluster checked is the one hints name, whatever the caller said.
      return new EcsRunTaskCheck(this, buildCaller(Regions.id(ecs.serviceClientConfiguration().region()))
          .withCluster(cluster));
    }
  }
}
